"""The state of one ingest run: the open batch transaction, the dedup engine, the counters.

corpus/ingest.py creates it; a batch is committed, then the dedup index saved.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from corpus.dedupe import CorpusDeduper
from corpus.ingest import IngestStats, doc_key, extract_input
from corpus.inputcheck import shown
from corpus.progress import Snapshot
from corpus.quality import DAMAGED, FILES
from corpus.sources import Input, Source, read
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
    ) -> None:
        self.store = store
        self.dedup = CorpusDeduper(store, index_dir)
        self.batch_size = batch_size
        self.gate = gate
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.pending = 0
        self.started = time.monotonic()
        self.last_report = self.started
        self.in_tx = False
        self.profiles: dict[str, tuple[str | None, tuple[str, ...], bool | None]] = {}
        self.sites_dir = sites_dir
        self.timings: Counter[str] = Counter()
        self.force = force
        self.errors: list[str] = []
        # Per-profile counters for the per-source quality view (corpus/quality.py).
        self.per_site: dict[str, Counter[str]] = {}
        self.files_total = 0
        self.bytes_total = 0
        self.bytes_done = 0
        self.current: Source | None = None

    def plan(self, sources: list[Source]) -> None:
        """Totals for progress: files, and bytes (the ETA's measure)."""
        self.files_total = len(sources)
        self.bytes_total = sum(_size(s.path) for s in sources)

    def ingest_source(self, source: Source) -> None:
        self.counts["sources"] += 1
        self.current = source
        try:
            self._ingest_source(source)
        finally:
            self.current = None
            self.bytes_done += _size(source.path)
            self.report_progress(file_done=True)

    def _ingest_source(self, source: Source) -> None:
        if self.store.has_source(source.sha1) and not self.force:
            self.counts["sources_skipped"] += 1
            log.info("skipping %s: already ingested", shown(source.path))
            return
        pages = 0
        where = shown(source.path)
        for item in self._iter(source):
            pages += 1
            self.ingest_one(item, where)
        self._begin()
        self.store.add_source(source.sha1, where, pages)

    def _iter(self, source: Source) -> Iterator[Input]:
        # A WARC that breaks halfway must not lose the batch already read from it.
        try:
            yield from read(source)
        except Exception:
            self.flush()
            raise

    def ingest_one(self, item: Input, source: str) -> None:
        site = self._site_counts(item.page.site)
        if not 200 <= item.status < 300:
            self.counts["not_ok"] += 1  # a 404 or 500 kept in the WARC: no document
            site["not_ok"] += 1
            return
        self.counts["pages"] += 1
        site["pages"] += 1
        if self.store.has_url(item.page.url):
            self.counts["already_stored"] += 1
            site["already_stored"] += 1
            return
        mark = time.perf_counter()
        result = extract_input(self._with_profile_terms(item))
        self.timings["extract_s"] += time.perf_counter() - mark
        self._begin()
        if isinstance(result, Dropped):
            self._drop(result.url, result.reason, result.detail, source)
            site["dropped/" + result.reason] += 1
        elif self._gated(item) and not result.topic_terms:
            self._drop(result.url, "off-topic", "no topic term matched", source)
            site["dropped/off-topic"] += 1
        elif result.url != item.page.url and self.store.has_url(result.url):
            self.counts["already_stored"] += 1  # a local file whose canonical URL is stored
            site["already_stored"] += 1
        else:
            kind = self._store(result, source)
            site["stored"] += 1
            site["damaged"] += result.damage > DAMAGED
            site["reposts"] += kind in ("reposts", "exact")
        self.report_progress()
        if self.pending >= self.batch_size:
            self.flush()

    def _profile(self, site: str | None) -> tuple[str | None, tuple[str, ...], bool | None]:
        """(outlet name, topic terms, topic_gate) of the profile a page was crawled with."""
        if site is None:
            return None, (), None
        if site not in self.profiles:
            from crawler.sites import SiteError, get_site

            try:
                profile = get_site(site, self.sites_dir)
                self.profiles[site] = (
                    profile.outlet or None, profile.topic_terms, profile.topic_gate
                )
            except SiteError:
                log.warning("WARC names unknown site profile %r: global topic terms only", site)
                self.profiles[site] = (None, (), None)
        return self.profiles[site]

    def _with_profile_terms(self, item: Input) -> Input:
        """Give pages crawled with a profile that profile's own topic terms."""
        _, terms, _ = self._profile(item.page.site)
        if not terms:
            return item
        return Input(replace(item.page, topic_terms=terms), item.parts)

    def _gated(self, item: Input) -> bool:
        """A profile's own `topic_gate` decides for its pages; otherwise on: every page,
        off: none, auto: pages crawled with a profile."""
        own = self._profile(item.page.site)[2]
        if own is not None:
            return own
        return self.gate == "on" or (self.gate == "auto" and item.page.site is not None)

    def _drop(self, url: str, reason: str, detail: str, source: str) -> None:
        self.dropped[reason] += 1
        self.store.add_dropped(url, reason, detail, source)
        self.pending += 1

    def _site_counts(self, site: str | None) -> Counter[str]:
        return self.per_site.setdefault(site or FILES, Counter())

    def _store(self, article: Article, source: str) -> str:
        outlet, _, _ = self._profile(article.site)
        if outlet and article.outlet != outlet:
            # A page crawled with a profile is that outlet's page: the profile's name wins
            # over the page's own spelling of it (中新網 on a page in Traditional script).
            article = replace(article, outlet=outlet)
        key = doc_key(article.url)
        mark = time.perf_counter()
        outcome = self.dedup.place(key, article, source)
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
            bytes_done=self.bytes_done,
            bytes_total=self.bytes_total,
            pages=self.counts["pages"],
            stored=self.counts["stored"],
            duplicates=self.counts["reposts"] + self.counts["exact"],
            dropped=sum(self.dropped.values()),
            elapsed=time.monotonic() - self.started,
        )

    def stats(self) -> IngestStats:
        c = self.counts
        return IngestStats(
            sources=c["sources"],
            sources_skipped=c["sources_skipped"],
            pages=c["pages"],
            stored=c["stored"],
            already_stored=c["already_stored"],
            exact=c["exact"],
            reposts=c["reposts"],
            new_clusters=c["new"],
            links=c["links"],
            not_ok=c["not_ok"],
            dropped=dict(self.dropped),
            timings={k: round(v, 3) for k, v in self.timings.items()},
            errors=tuple(self.errors),
            sites={name: dict(sorted(c.items())) for name, c in sorted(self.per_site.items())},
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
