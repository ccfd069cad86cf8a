"""The spider's archive: FetchRecords to the WARC writer, then to the crawl state, in batches.

Reads WARC_DIR, WARC_MAX_SIZE, WARC_GROW_FROM, WARC_FSYNC, WARC_BATCH_RECORDS and
WARC_BATCH_SECONDS. Records are held in memory and flushed together; the state commits right
after each flush, so a page is marked done only once its record is on disk and a kill loses
(and refetches) a batch at most.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.state import CrawlState
from crawler.warc import FetchRecord, WarcWriter

log = logging.getLogger(__name__)
HELD_BYTES_MAX = 8 * 1024 * 1024  # compressed records held before a flush, whatever the count


class Archive:
    """Owned by a spider (`spider.archive`): `add(record)` archives one fetched response."""

    def __init__(self, crawler: Crawler, state: CrawlState | None, prefix: str):
        settings = crawler.settings
        directory = settings.get("WARC_DIR")
        if not directory:
            raise NotConfigured("WARC_DIR is empty")
        self.crawler = crawler
        self.state = state
        self.writer = WarcWriter(
            Path(directory),
            prefix=prefix,
            max_size=settings.getint("WARC_MAX_SIZE"),
            fsync=settings.getbool("WARC_FSYNC"),
            grow_from=settings.getint("WARC_GROW_FROM"),
        )
        self.batch_records = max(1, settings.getint("WARC_BATCH_RECORDS"))
        self.batch_seconds = settings.getfloat("WARC_BATCH_SECONDS")
        self._held = 0
        self._since = time.monotonic()
        self._loop: task.LoopingCall | None = None
        if state is not None:
            state.before_commit.append(self.writer.flush)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler, state: CrawlState | None, prefix: str) -> Archive:
        return cls(crawler, state, prefix)

    def spider_opened(self) -> None:
        # a quiet spell (slow site, back-off) must not keep records in memory for long
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(self.batch_seconds, now=False)

    def _tick(self) -> None:
        if self._held:
            self.checkpoint()

    def add(self, rec: FetchRecord, *group: FetchRecord) -> None:
        """Archive `rec` (and `group`, records that must share its WARC file: the pages of
        one article); they count as done (crawl state) after the next checkpoint."""
        recs = (rec, *group)
        for i, one in enumerate(recs):
            self.writer.write(one, flush=False, rotate=i == len(recs) - 1)
            stats = self.crawler.stats
            assert stats is not None
            stats.inc_value("warc/records")
            stats.inc_value(f"warc/records/{one.kind}")
            if self.state is not None:
                self.state.record(one)
            self._held += 1
        rotated = self.writer.pending == 0  # the writer flushed on its own when it rotated
        if rotated or self._held >= self.batch_records:
            self.checkpoint()
        elif self.writer.pending_bytes >= HELD_BYTES_MAX:  # a few huge pages: memory first
            self.checkpoint()
        elif time.monotonic() - self._since >= self.batch_seconds:
            self.checkpoint()

    def add_article(self, pages: list[FetchRecord], *, whole: bool) -> None:
        """Archive the pages of one multi-page article together, each stamped with the
        article's page count (crawler.records.PARTS), or 0 when it is not `whole` (a later
        page failed, or the crawl stopped first): ingest stores only whole articles, and
        the crawl state marks one done only when its last page is among `pages`."""
        if not pages:
            return
        count = len(pages) if whole else 0
        last = len(pages) - 1
        self.add(*(
            dataclasses.replace(p, parts=count, last_part=p.last_part or (whole and i == last))
            for i, p in enumerate(pages)
        ))  # fmt: skip

    def checkpoint(self) -> None:
        """Write the held WARC records, then commit the state rows that name them."""
        if self.state is not None:
            self.state.commit()  # runs writer.flush first (before_commit)
        else:
            self.writer.flush()
        self._held = 0
        self._since = time.monotonic()

    def close(self) -> list[Path]:
        """Last checkpoint, publish the open file; returns every file this archive closed."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.checkpoint()
        self.writer.close()
        if self.state is not None and self.writer.flush in self.state.before_commit:
            self.state.before_commit.remove(self.writer.flush)
        files = list(self.writer.closed_files)
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("warc/files", [str(p) for p in files])
        log.debug("archive closed: %d records in %d file(s)", self.writer.records, len(files))
        return files
