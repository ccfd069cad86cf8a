"""Thin: archive FetchRecord items that a spider yields instead of using its own Archive.

Our spiders hand records to `spider.archive` directly (no item machinery per page); this
pipeline serves other spiders. Reads what crawler.archive.Archive reads.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.archive import Archive
from crawler.warc import FetchRecord


class WarcPipeline:
    def __init__(self, crawler: Crawler):
        if not crawler.settings.get("WARC_DIR"):
            raise NotConfigured("WARC_DIR is empty")
        self.crawler = crawler
        self.archive: Archive | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcPipeline:
        return cls(crawler)

    def spider_closed(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item: object) -> object:
        if not isinstance(item, FetchRecord):
            return item
        if self.archive is None:  # first record: the spider is open by now
            spider = self.crawler.spider
            site = getattr(getattr(spider, "site", None), "name", getattr(spider, "name", "crawl"))
            state = getattr(spider, "state", None)
            self.archive = Archive.from_crawler(self.crawler, state, f"aidcorpus-{site}")
        self.archive.add(item)
        return item
