"""Ingest: the one place the stages are chained: sources -> extract -> topic gate -> dedup -> store.

Writes one transaction per batch, then saves the dedup index; the store is the truth and the
index is brought up to date from it when opened (a crash between the two loses nothing).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.locks import file_lock, writer_lock_path
from corpus.sources import Input, InputError, expand
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
    not_ok: int = 0  # WARC responses that were not 2xx (404, 500 ...)
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
) -> IngestStats:
    """Ingest files and folders into `store`; see `aidcorpus ingest --help`.

    One writer at a time: a second ingest into the same corpus waits for the first. An
    unreadable file is reported in `IngestStats.errors` and the other files go on.
    `force` re-reads files already ingested (retrying their dropped pages). Symlinks in
    folders are skipped unless `follow_symlinks`.
    """
    from corpus.ingest_run import IngestRun

    if topic_gate not in GATES:
        raise ValueError(f"topic_gate must be one of {GATES}, not {topic_gate!r}")
    sources = expand(list(paths), follow_symlinks=follow_symlinks)
    index = index_dir or index_dir_for(store.path)

    def waiting() -> None:
        if progress is not None:
            progress(f"waiting for another ingest into {store.path} to finish")

    with file_lock(writer_lock_path(store.path), wait=True, on_wait=waiting):
        run = IngestRun(store, index, batch_size, topic_gate, progress, sites_dir, force)
        run.plan(sources)
        try:
            for source in sources:
                try:
                    run.ingest_source(source)
                except InputError as exc:
                    log.info("%s", exc)
                    run.errors.append(str(exc))
            run.flush()
            run.report_progress(final=True)
        finally:
            run.close()
    return run.stats()
