"""Ingest: the one place the stages are chained: sources -> extract -> topic gate -> dedup -> store.

Writes one transaction per batch, then saves the dedup index; the store is the truth and the
index is brought up to date from it when opened (a crash between the two loses nothing).
Extraction and signing (`work`) run in worker processes; the store and the dedup index stay
in this one process, which takes the results in input order (corpus/pool.py), so the
corpus is the same whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.dedupe import Signed, sign
from corpus.locks import file_lock, writer_lock_path
from corpus.pool import IDLE
from corpus.sources import Input, Source, expand, watch
from corpus.store import Store
from dedup.params import DedupParams
from extract import extract_page
from extract.types import Article, Dropped, Page

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
    not_ok: int = 0  # WARC responses that were not 2xx (404, 500 ...)
    incomplete: int = 0  # multi-page articles archived without all pages: not stored yet
    worker_crashes: int = 0  # times a worker process died (its pages ran again)
    dropped: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # extract, dedup+store, commit
    errors: tuple[str, ...] = ()  # input files that could not be read (the rest went on)
    # per site profile ("(files)" for inputs without one): pages, not_ok, already_stored,
    # stored, damaged, reposts, dropped/<reason>; corpus/quality.py reads these
    sites: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(self.dropped.items())) or "none"
        return (
            f"{self.pages} pages from {self.sources} files"
            f" ({self.sources_skipped} already ingested):"
            f" {self.stored} documents stored ({self.new_clusters} new clusters, {self.reposts}"
            f" reposts, {self.exact} exact copies), {self.already_stored} already stored,"
            f" {self.links} links; dropped: {dropped}"
            + (f"; {self.not_ok} non-2xx responses skipped" if self.not_ok else "")
            + (
                f"; {self.incomplete} multi-page articles incomplete (stored once a crawl"
                " archives them whole)" if self.incomplete else ""
            )
            + (f"; {self.worker_crashes} worker processes died" if self.worker_crashes else "")
            + (f"; {len(self.errors)} unreadable files" if self.errors else "")
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


@dataclass(frozen=True, slots=True)
class Job:
    """One article for a worker: its pages (with the profile's topic terms) and whether
    the topic gate applies (an article the gate drops is not signed)."""

    item: Input
    gated: bool

    def size(self) -> int:
        return len(self.item.page.body) + sum(len(p.body) for p in self.item.parts)


@dataclass(frozen=True, slots=True)
class Extracted:
    """A worker's result: the article (or why there is none) and its dedup signature."""

    result: Article | Dropped
    signed: Signed | None
    extract_s: float
    sign_s: float


# An article in both scripts: extracting and signing it loads what the first page of a run
# would (OpenCC dictionaries, parsers) before the workers fork. Long enough for our own
# main-text run: trafilatura's fallback would load justext's lists (0.3 s) in the parent.
_WARM_TEXT = "".join(
    f"<p>山西援疆干部人才在昌吉开展第{i}批对口支援工作，累计投入资金{i * 300}万元，"
    f"惠及当地群众{i * 1000}人次。對口支援新疆的幹部人才積極投身受援地建設。</p>"
    for i in range(1, 9)
)
WARM_UP = Job(
    Input(
        Page(
            url="http://127.0.0.1/warm-up.html",
            body=(
                "<html><head><meta charset='utf-8'><title>援疆工作综述</title></head><body>"
                f"<h1>援疆工作综述</h1><div class='article'>{_WARM_TEXT}</div></body></html>"
            ).encode(),
        )
    ),
    gated=False,
)


def work(job: Job, params: DedupParams) -> Extracted:
    """Everything ingest computes without the store or the index (runs in a worker)."""
    mark = time.perf_counter()
    result = extract_input(job.item)
    extracted = time.perf_counter()
    signed = None
    if isinstance(result, Article) and (result.topic_terms or not job.gated):
        signed = sign(result.text, params)
    return Extracted(result, signed, extracted - mark, time.perf_counter() - extracted)


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    index_dir: Path | None = None,
    batch_size: int = 200,
    topic_gate: str = "auto",
    progress: Callable[[str], None] | None = None,
    sites_dir: Path | None = None,
    force: bool = False,
    follow_symlinks: bool = False,
    workers: int = 1,
    storage_config: dict | None = None,
    active: Callable[[], bool] | None = None,
    idle: float | None = None,
) -> IngestStats:
    """Ingest files and folders into `store`; see `aidcorpus ingest --help`.

    One writer at a time: a second ingest into the same corpus waits for the first. An
    unreadable file is reported in `IngestStats.errors` and the other files go on.
    `force` re-reads files already ingested (retrying their dropped pages). Symlinks in
    folders are skipped unless `follow_symlinks`. `workers` > 1 extracts in that many
    worker processes (corpus.pool.default_workers(): one per CPU); the result is the same.
    `storage_config` puts the dedup LSH in Redis (corpus.dedupe.CorpusDeduper).
    `active` / `idle`: keep ingesting files that appear in the folders while `active()`
    (a crawl writing to them) or until none came for `idle` seconds (corpus.sources.watch).
    """
    from corpus.ingest_run import IngestRun

    if topic_gate not in GATES:
        raise ValueError(f"topic_gate must be one of {GATES}, not {topic_gate!r}")
    paths = list(paths)
    sources: Iterable[Source | object] = expand(paths, follow_symlinks=follow_symlinks)
    if active is not None or idle is not None:
        # The first scan above checks the paths; this one repeats it, then watches.
        sources = watch(
            paths, active=active, idle=idle, follow_symlinks=follow_symlinks, waiting=IDLE
        )
    index = index_dir or index_dir_for(store.path)

    def waiting() -> None:
        if progress is not None:
            progress(f"waiting for another ingest into {store.path} to finish")

    with file_lock(writer_lock_path(store.path), wait=True, on_wait=waiting):
        run = IngestRun(
            store, index, batch_size, topic_gate, progress, sites_dir, force, storage_config
        )
        if isinstance(sources, list):  # watching a folder: no totals to show
            run.plan(sources)
        try:
            run.ingest(sources, workers)
            run.flush()
            run.report_progress(final=True)
        finally:
            run.close()
    return run.stats()
