"""The state of one ingest run: the open batch transaction, the dedup engine, the counters.

corpus/ingest.py creates it; a batch is committed, then the dedup index saved. Input files
become a stream of events (a file begins, a page, the file ends or fails) read in this
process; pages are extracted and signed by corpus/pool.py's workers, and every event is
handled here in input order, exactly as a serial run would.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from corpus.dedupe import CorpusDeduper
from corpus.ingest import WARM_UP, Extracted, IngestStats, Job, doc_key, work
from corpus.ingest_events import (
    Begin,
    End,
    Event,
    Fail,
    PageEvent,
    Skip,
    fields,
    read_events,
)
from corpus.inputcheck import shown
from corpus.pool import IDLE, Crashed, OrderedPool
from corpus.profiles import Profiles
from corpus.progress import Snapshot
from corpus.quality import DAMAGED, FILES
from corpus.sources import Input, InputError, Source
from corpus.store import Store, rollback
from extract.types import Article, Dropped

log = logging.getLogger(__name__)


class IngestRun:
    """One ingest run: an open batch transaction, the dedup engine and the counters."""

    def __init__(
        self,
        store: Store,
        index_dir: Path,
        batch_size: int,
        gate: str,
        progress: Callable[[str], None] | None,
        sites_dir: Path | None,
        force: bool = False,
        storage_config: dict | None = None,
    ) -> None:
        self.store = store
        store.ensure_file_keys()
        self.dedup = CorpusDeduper(store, index_dir, storage_config=storage_config)
        self.batch_size = batch_size
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.pending = 0
        self.started = time.monotonic()
        self.last_report = self.started
        self.in_tx = False
        self.profiles = Profiles(sites_dir, gate)
        self.timings: Counter[str] = Counter()
        self.force = force
        self.errors: list[str] = []
        # Per-profile counters for the per-source quality view (corpus/quality.py).
        self.per_site: dict[str, Counter[str]] = {}
        self.files_total = 0
        self.bytes_total = 0
        self.bytes_done = 0
        self.read_in_file = 0  # of the current file: the ETA moves within one big WARC
        self.current: Source | None = None
        self.skipping = False  # the current file turned out to be ingested already
        self.crashed = 0  # pages of the current file that killed their worker

    def plan(self, sources: list[Source]) -> None:
        """Totals for progress: files, and bytes (the ETA's measure)."""
        self.files_total = len(sources)
        self.bytes_total = sum(max(s.size, 0) for s in sources)

    def ingest(self, sources: Iterable[Source | object], workers: int = 1) -> None:
        """Ingest files in order; an unreadable one is reported in `errors`. `sources`
        may hold corpus.pool.IDLE: nothing to read yet (files are still being written)."""
        func = functools.partial(work, params=self.dedup.params)
        warm = functools.partial(func, WARM_UP)
        with OrderedPool(func, workers, size_of=Job.size, warm=warm) as pool:
            events = read_events(self.store, sources, force=self.force)
            for event, done in pool.map(events, self._job):
                self._handle(event, done)
            self.counts["worker_crashes"] = pool.crashes

    def _job(self, event: Event) -> Job | None:
        """The work a page needs, decided when it is read: none for a non-2xx response or
        a URL already stored (checked again when handled: an earlier page may store it)."""
        if not isinstance(event, PageEvent):
            return None
        item = event.item
        if not 200 <= item.status < 300 or not item.complete:
            return None
        if self.store.has_url(item.page.url):
            return None
        return self._work_of(item)

    def _work_of(self, item: Input) -> Job:
        return Job(self.profiles.with_terms(item), self.profiles.gated(item))

    # -- handling, in input order ----------------------------------------------------
    def _handle(self, event: Event | object, done: Extracted | Crashed | None) -> None:
        if event is IDLE:  # waiting for files: commit what is in, do not hold the lock
            self.flush()
        elif isinstance(event, PageEvent):
            self.read_in_file = max(event.item.offset, 0)
            if not self.skipping:
                self.ingest_one(event.item, event.where, done)
        elif isinstance(event, Begin):
            self.counts["sources"] += 1
            self.current = event.source
            self.crashed = 0
            # A copy of this file earlier in the same run may have been ingested meanwhile.
            self.skipping = not self.force and self.store.has_source(event.source.sha1)
            if self.skipping:
                self._skipped(event.source)
        elif isinstance(event, End):
            if not self.skipping:
                self._finish(event)
            self.skipping = False
            self._file_done(event.source)
        elif isinstance(event, Skip):
            self.counts["sources"] += 1
            self._skipped(event.source)
            if event.key is not None:
                self._begin()
                self.store.remember_file(*fields(event.key), event.source.sha1)
            self._file_done(event.source)
        else:
            self._failed(event)

    def _failed(self, event: Fail) -> None:
        if event.begun and self.skipping:  # a serial run would not have read it
            self.skipping = False
        else:
            self.flush()  # a file that breaks halfway keeps the pages read before
            if not isinstance(event.error, InputError):
                raise event.error
            if not event.begun:
                self.counts["sources"] += 1
            log.info("%s", event.error)
            self.errors.append(str(event.error))
        self._file_done(event.source)

    def _file_done(self, source: Source) -> None:
        self.current = None
        self.read_in_file = 0
        self.bytes_done += max(source.size, 0)
        self.report_progress(file_done=True)

    def _skipped(self, source: Source) -> None:
        self.counts["sources_skipped"] += 1
        log.info("skipping %s: already ingested", shown(source.path))

    def _finish(self, end: End) -> None:
        where = shown(end.source.path)
        if self.crashed:  # not marked complete: the next run reads it again
            return
        self._begin()
        self.store.add_source(end.source.sha1, where, end.pages)
        if end.key is not None:
            self.store.remember_file(*fields(end.key), end.source.sha1)

    def ingest_one(
        self, item: Input, source: str, done: Extracted | Crashed | None = None
    ) -> None:
        """One page, with its extraction done by a worker (`done`), else done here."""
        site = self._site_counts(item.page.site)
        if not 200 <= item.status < 300:
            self.counts["not_ok"] += 1  # a 404 or 500 kept in the WARC: no document
            site["not_ok"] += 1
            return
        if not item.complete:  # deferred: stored when a later crawl archives it whole
            self.counts["incomplete"] += 1
            site["incomplete"] += 1
            return
        self.counts["pages"] += 1
        site["pages"] += 1
        if self.store.has_url(item.page.url):
            self.counts["already_stored"] += 1
            site["already_stored"] += 1
            return
        if done is None:  # not read through the pool
            done = work(self._work_of(item), self.dedup.params)
        self._begin()
        if isinstance(done, Crashed):
            # Not a drop: the file stays incomplete, so the next run tries the page again.
            self.crashed += 1
            self.errors.append(
                f"{source}: {item.page.url}: {done.detail}; the file will be read again"
            )
            return
        self.timings["extract_s"] += done.extract_s
        self.timings["sign_s"] += done.sign_s
        result = done.result
        if isinstance(result, Dropped):
            self._drop(result.url, result.reason, result.detail, source)
            site["dropped/" + result.reason] += 1
        elif self.profiles.gated(item) and not result.topic_terms:
            self._drop(result.url, "off-topic", "no topic term matched", source)
            site["dropped/off-topic"] += 1
        elif result.url != item.page.url and self.store.has_url(result.url):
            self.counts["already_stored"] += 1  # a local file whose canonical URL is stored
            site["already_stored"] += 1
        else:
            kind = self._store(result, source, done)
            site["stored"] += 1
            site["damaged"] += result.damage > DAMAGED
            site["reposts"] += kind in ("reposts", "exact")
        self.report_progress()
        if self.pending >= self.batch_size:
            self.flush()

    def _drop(self, url: str, reason: str, detail: str, source: str) -> None:
        self.dropped[reason] += 1
        self.store.add_dropped(url, reason, detail, source)
        self.pending += 1

    def _site_counts(self, site: str | None) -> Counter[str]:
        return self.per_site.setdefault(site or FILES, Counter())

    def _store(self, article: Article, source: str, done: Extracted) -> str:
        outlet = self.profiles.outlet(article.site)
        if outlet and article.outlet != outlet:
            # A page crawled with a profile is that outlet's page: the profile's name wins
            # over the page's own spelling of it (中新網 on a page in Traditional script).
            article = replace(article, outlet=outlet)
        key = doc_key(article.url)
        mark = time.perf_counter()
        outcome = self.dedup.place(key, article, source, done.signed)
        self.timings["dedup_store_s"] += time.perf_counter() - mark
        self.counts[outcome.kind] += 1
        self.counts["stored"] += 1
        self.counts["links"] += outcome.links
        self.pending += 1
        return outcome.kind

    def _begin(self) -> None:
        if not self.in_tx:
            self.store.conn.execute("BEGIN IMMEDIATE")
            self.in_tx = True

    def flush(self) -> None:
        if self.in_tx:
            mark = time.perf_counter()
            self.store.conn.execute("COMMIT")
            self.in_tx = False
            self.dedup.save()
            self.timings["commit_save_s"] += time.perf_counter() - mark
        self.pending = 0

    def close(self) -> None:
        if self.in_tx:
            self.in_tx = False
            # A COMMIT that failed (disk full) has already ended the transaction.
            rollback(self.store.conn)
        self.dedup.close()

    def report_progress(self, *, final: bool = False, file_done: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        update = getattr(self.progress, "update", None)
        if update is not None:  # corpus/progress.py: a bar or paced lines with total and ETA
            if final or file_done or now - self.last_report >= 0.2:
                self.last_report = now
                update(self.snapshot(), final=final)
            return
        if now - self.last_report >= 5:  # a plain callable: one line every 5 s
            self.last_report = now
            self.progress(self.snapshot().line())

    def snapshot(self) -> Snapshot:
        return Snapshot(
            files_done=self.counts["sources"] - (1 if self.current else 0),
            files_total=self.files_total,
            bytes_done=self.bytes_done + self.read_in_file,
            bytes_total=self.bytes_total,
            pages=self.counts["pages"],
            stored=self.counts["stored"],
            duplicates=self.counts["reposts"] + self.counts["exact"],
            dropped=sum(self.dropped.values()),
            elapsed=time.monotonic() - self.started,
        )

    def stats(self) -> IngestStats:
        c = self.counts
        counted = ("sources", "sources_skipped", "pages", "stored", "already_stored", "exact",
                   "reposts", "links", "not_ok", "incomplete", "worker_crashes")  # fmt: skip
        return IngestStats(
            **{name: c[name] for name in counted},
            new_clusters=c["new"],
            dropped=dict(self.dropped),
            timings={k: round(v, 3) for k, v in self.timings.items()},
            errors=tuple(self.errors),
            sites={name: dict(sorted(c.items())) for name, c in sorted(self.per_site.items())},
        )

