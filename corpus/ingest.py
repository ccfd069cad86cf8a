"""Ingest: the one place the stages are chained: sources -> extract -> topic gate -> dedup -> store.

Writes one transaction per batch, then saves the dedup index; the store is the truth and the
index is brought up to date from it when opened (a crash between the two loses nothing).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.dedupe import CorpusDeduper
from corpus.sources import Input, Source, expand, read
from corpus.store import Store
from extract import extract_page
from extract.types import Article, Dropped

log = logging.getLogger(__name__)

GATES = ("auto", "on", "off")


@dataclass(frozen=True, slots=True)
class IngestStats:
    sources: int = 0
    sources_skipped: int = 0  # whole files already ingested (same content hash)
    pages: int = 0
    stored: int = 0
    already_stored: int = 0  # URL already in the corpus
    exact: int = 0  # identical text to a stored copy
    reposts: int = 0  # joined an existing cluster by MinHash LSH
    new_clusters: int = 0
    links: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # extract, dedup+store, commit

    def summary(self) -> str:
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(self.dropped.items())) or "none"
        return (
            f"{self.pages} pages from {self.sources} files"
            f" ({self.sources_skipped} already ingested):"
            f" {self.stored} documents stored ({self.new_clusters} new clusters, {self.reposts}"
            f" reposts, {self.exact} exact copies), {self.already_stored} already stored,"
            f" {self.links} links; dropped: {dropped}"
        )


def doc_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def index_dir_for(db: Path) -> Path:
    return db.with_name(db.name + ".index")


def extract_input(item: Input) -> Article | Dropped:
    """Extract one article, stitching the text of continuation pages onto the first."""
    first = extract_page(item.page)
    if isinstance(first, Dropped) or not item.parts:
        return first
    texts = [first.text]
    for part in item.parts:
        extracted = extract_page(part)
        if isinstance(extracted, Article) and extracted.text not in texts:
            texts.append(extracted.text)
    return replace(first, text="\n".join(texts))


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    index_dir: Path | None = None,
    batch_size: int = 200,
    topic_gate: str = "auto",
    progress: Callable[[str], None] | None = None,
    sites_dir: Path | None = None,
) -> IngestStats:
    """Ingest files and folders into `store`; see `aidcorpus ingest --help`."""
    if topic_gate not in GATES:
        raise ValueError(f"topic_gate must be one of {GATES}, not {topic_gate!r}")
    sources = expand(list(paths))
    index = index_dir or index_dir_for(store.path)
    run = _Run(store, index, batch_size, topic_gate, progress, sites_dir)
    try:
        for source in sources:
            run.ingest_source(source)
        run.flush()
    finally:
        run.close()
    return run.stats()


class _Run:
    """One ingest run: an open batch transaction, the dedup engine and the counters."""

    def __init__(
        self,
        store: Store,
        index_dir: Path,
        batch_size: int,
        gate: str,
        progress: Callable[[str], None] | None,
        sites_dir: Path | None,
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
        self.profiles: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        self.sites_dir = sites_dir
        self.timings: Counter[str] = Counter()

    def ingest_source(self, source: Source) -> None:
        self.counts["sources"] += 1
        if self.store.has_source(source.sha1):
            self.counts["sources_skipped"] += 1
            log.info("skipping %s: already ingested", source.path)
            return
        pages = 0
        for item in self._iter(source):
            pages += 1
            self.ingest_one(item, str(source.path))
        self._begin()
        self.store.add_source(source.sha1, str(source.path), pages)

    def _iter(self, source: Source) -> Iterator[Input]:
        # A WARC that breaks halfway must not lose the batch already read from it.
        try:
            yield from read(source)
        except Exception:
            self.flush()
            raise

    def ingest_one(self, item: Input, source: str) -> None:
        self.counts["pages"] += 1
        if self.store.has_url(item.page.url):
            self.counts["already_stored"] += 1
            return
        mark = time.perf_counter()
        result = extract_input(self._with_profile_terms(item))
        self.timings["extract_s"] += time.perf_counter() - mark
        self._begin()
        if isinstance(result, Dropped):
            self._drop(result.url, result.reason, result.detail, source)
        elif self._gated(item) and not result.topic_terms:
            self._drop(result.url, "off-topic", "no topic term matched", source)
        elif result.url != item.page.url and self.store.has_url(result.url):
            self.counts["already_stored"] += 1  # a local file whose canonical URL is stored
        else:
            self._store(result, source)
        self._maybe_report()
        if self.pending >= self.batch_size:
            self.flush()

    def _profile(self, site: str | None) -> tuple[str | None, tuple[str, ...]]:
        """(outlet name, topic terms) of the profile a page was crawled with."""
        if site is None:
            return None, ()
        if site not in self.profiles:
            from crawler.sites import SiteError, get_site

            try:
                profile = get_site(site, self.sites_dir)
                self.profiles[site] = (profile.outlet or None, profile.topic_terms)
            except SiteError:
                log.warning("WARC names unknown site profile %r: global topic terms only", site)
                self.profiles[site] = (None, ())
        return self.profiles[site]

    def _with_profile_terms(self, item: Input) -> Input:
        """Give pages crawled with a profile that profile's own topic terms."""
        _, terms = self._profile(item.page.site)
        if not terms:
            return item
        return Input(replace(item.page, topic_terms=terms), item.parts)

    def _gated(self, item: Input) -> bool:
        return self.gate == "on" or (self.gate == "auto" and item.page.site is not None)

    def _drop(self, url: str, reason: str, detail: str, source: str) -> None:
        self.dropped[reason] += 1
        self.store.add_dropped(url, reason, detail, source)
        self.pending += 1

    def _store(self, article: Article, source: str) -> None:
        outlet, _ = self._profile(article.site)
        if article.outlet is None and outlet:
            article = replace(article, outlet=outlet)  # the page did not name its outlet
        key = doc_key(article.url)
        mark = time.perf_counter()
        outcome = self.dedup.place(key, article, source)
        self.timings["dedup_store_s"] += time.perf_counter() - mark
        self.counts[outcome.kind] += 1
        self.counts["stored"] += 1
        self.counts["links"] += outcome.links
        self.pending += 1

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
            self.store.conn.execute("ROLLBACK")
            self.in_tx = False
        self.dedup.close()

    def _maybe_report(self) -> None:
        now = time.monotonic()
        if self.progress is None or now - self.last_report < 5:
            return
        self.last_report = now
        rate = self.counts["pages"] / max(now - self.started, 1e-9)
        self.progress(
            f"{self.counts['pages']} pages, {rate:.1f}/s, {self.counts['stored']} stored,"
            f" {self.counts['reposts'] + self.counts['exact']} duplicates,"
            f" {sum(self.dropped.values())} dropped"
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
            dropped=dict(self.dropped),
            timings={k: round(v, 3) for k, v in self.timings.items()},
        )
