"""Thin: hand each FetchRecord to the WARC writer, then record it in the crawl state.

Reads WARC_DIR, WARC_MAX_SIZE, WARC_FSYNC. The state is written only after the WARC
record is flushed, so a kill between the two refetches the page rather than losing it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.warc import FetchRecord, WarcWriter

log = logging.getLogger(__name__)


class WarcPipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        directory = settings.get("WARC_DIR")
        if not directory:
            raise NotConfigured("WARC_DIR is empty")
        self.crawler = crawler
        self.directory = Path(directory)
        self.max_size = settings.getint("WARC_MAX_SIZE")
        self.fsync = settings.getbool("WARC_FSYNC")
        self.writer: WarcWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcPipeline:
        return cls(crawler)

    def spider_opened(self) -> None:
        name = getattr(self.crawler.spider, "name", "crawl")
        site = getattr(getattr(self.crawler.spider, "site", None), "name", name)
        self.writer = WarcWriter(
            self.directory, prefix=f"aidcorpus-{site}", max_size=self.max_size, fsync=self.fsync
        )

    def spider_closed(self) -> None:
        if self.writer is None:
            return
        self.writer.close()
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("warc/files", [str(p) for p in self.writer.closed_files])

    def process_item(self, item: object) -> object:
        if not isinstance(item, FetchRecord) or self.writer is None:
            return item
        self.writer.write(item)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("warc/records")
        stats.inc_value(f"warc/records/{item.kind}")
        state = getattr(self.crawler.spider, "state", None)
        if state is not None:
            state.record(item)
        return item
