"""FETCH: the Scrapy project. One generic spider driven by TOML site profiles; writes WARC."""
