"""Periodic progress line on long runs: pages, rate/min, queue, errors, kept/skipped.

Reads PROGRESS_INTERVAL (seconds; 0 switches it off).
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

log = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self._last_pages = 0
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("PROGRESS_INTERVAL is 0")
        return cls(crawler, interval)

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self._loop = task.LoopingCall(self.log_line)
        self._loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.log_line(final=True)

    def _queue_size(self) -> int:
        """Requests scheduled and not yet answered, from Scrapy's own stats (no internals)."""
        stats = self.crawler.stats
        assert stats is not None
        done = sum(
            int(stats.get_value(k, 0))
            for k in ("downloader/response_count", "downloader/exception_count")
        )
        return max(0, int(stats.get_value("scheduler/enqueued", 0)) - done)

    def log_line(self, final: bool = False) -> None:
        stats = self.crawler.stats
        assert stats is not None
        values = stats.get_stats()
        pages = int(values.get("crawl/pages", 0))
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        errors = sum(int(v) for k, v in values.items() if k.startswith("errors/"))
        refused = sum(int(v) for k, v in values.items() if k.startswith("refused/"))
        log.info(
            "%s%s: %d pages (%.0f/min overall, %d since last), queue %d, errors %d,"
            " refused %d, articles kept %d skipped %d, seen-skip %d",
            "done " if final else "",
            getattr(self.crawler.spider, "name", "crawl"),
            pages,
            pages / minutes,
            pages - self._last_pages,
            self._queue_size(),
            errors,
            refused,
            int(values.get("articles/kept", 0)),
            int(values.get("articles/skipped", 0)),
            int(values.get("skip/seen", 0)),
        )
        self._last_pages = pages
