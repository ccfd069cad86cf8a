"""Deduper: exact hash, then MinHash LSH + clause candidates, each verified before merging.

Signs only new documents; matches them against the whole persistent index (dedup.index)
and the documents added in this session. Texts of existing documents come from `lookup`.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dedup.index import DedupIndex
from dedup.minhash import signature
from dedup.params import DedupParams, ParamsMismatch
from dedup.passages import (
    Clause,
    figure_notes_of,
    is_shared_passage,
    shared_runs,
    split_clauses,
    unique_figures,
)
from dedup.shingles import shingle_hashes, view_digest
from dedup.types import DocView, Link, Verdict
from dedup.verify import Facts, conflicts_between, facts_of, is_repost

__all__ = ["Deduper", "DocView", "Link", "ParamsMismatch", "Prepared", "Verdict", "prepare"]

log = logging.getLogger(__name__)

MAX_LINKS = 10
CACHE_SIZE = 4096  # prepared candidates kept per Deduper (about 20 KB each)


@dataclass(frozen=True)  # not slotted: `facts` is cached on the instance
class Prepared:
    """A document's text prepared for matching: views, fingerprints and clauses. It needs
    no index, so ingest computes it in worker processes and hands it to `check`."""

    text: str
    view: str
    exact: str
    shingles: np.ndarray  # sorted unique n-gram hashes
    sig: np.ndarray
    clauses: tuple[Clause, ...]  # every clause, short ones too (the template guard needs 第5批)
    digests: frozenset[int]  # clauses long enough to index

    @functools.cached_property
    def facts(self) -> Facts:
        # Only documents that reach the template guard need these, often many times.
        return facts_of(self.clauses)

    @functools.cached_property
    def figures(self) -> dict[tuple[str, str], str]:
        # unique_figures of the text: only for shared-passage links, not for indexing.
        return unique_figures(self.text)


class Deduper:
    """The dedup engine the store drives: check() a document, add() it once stored, save()."""

    def __init__(
        self,
        index_dir: Path,
        params: DedupParams | None = None,
        lookup: Callable[[str], DocView | None] | None = None,
        *,
        storage_config: dict | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.params = params or DedupParams()
        self._index = DedupIndex(Path(index_dir), self.params, storage_config)
        self._lookup = lookup or (lambda key: None)
        self._pending: dict[str, Prepared] = {}  # check() results awaiting add()
        self._session: dict[str, Prepared] = {}  # added since the last save: lookup fallback
        # Candidates come back again and again (reposts of one report, shared template
        # clauses): preparing their text is the dominant cost, so keep the recent ones.
        self._cache: OrderedDict[str, Prepared] = OrderedDict()
        self._cache_size = cache_size

    # -- contract -------------------------------------------------------------------
    def keys(self) -> set[str]:
        """Every indexed key (reads them all: use `len()` and `in` on hot paths)."""
        return self._index.keys

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    @property
    def mark(self) -> str | None:
        """What the caller passed to the last `save(mark=...)` (see save)."""
        return self._index.mark

    def check(
        self,
        key: str,
        text: str,
        published: str | None = None,
        *,
        prepared: Prepared | None = None,
    ) -> Verdict:
        """`prepared`: `prepare(text, params)` computed beforehand (e.g. in a worker)."""
        doc = self._prepared(text, prepared)
        self._pending[key] = doc
        exact = self._index.exact_of(doc.exact)
        if exact is not None and exact != key and doc.view:
            return Verdict(key, exact_of=exact, similarity=1.0)
        stats = self._index.clause_stats(doc.digests)
        common = {d for d, (df, _) in stats.items() if df <= self.params.max_clause_df}
        hits: dict[str, int] = {}
        for d in common:
            for other in stats[d][1]:
                hits[other] = hits.get(other, 0) + 1
        candidates = set(self._index.query(doc.sig))
        candidates.update(k for k, n in hits.items() if n >= 2)
        candidates.discard(key)
        best: tuple[float, str] | None = None
        reposts: list[str] = []
        links: list[Link] = []
        for other in sorted(candidates):
            theirs = self._existing(other)
            if theirs is None:
                log.debug("dedup: candidate %s not found by lookup; skipped", other)
                continue
            score = is_repost(doc, theirs, self.params)
            if score:
                conflicts = conflicts_between(theirs.facts, doc.facts)
                if conflicts:
                    links.append(Link(other, "same-template", figures=conflicts))
                else:
                    reposts.append(other)
                    if best is None or score > best[0]:
                        best = (score, other)
                continue
            link = self._passage_link(doc, theirs, other, common)
            if link is not None:
                links.append(link)
        links.sort(key=lambda ln: (ln.kind != "same-template", -len(ln.passages), ln.other))
        if best is not None:
            links = [ln for ln in links if ln.other != best[1]]
            return Verdict(
                key,
                repost_of=best[1],
                similarity=best[0],
                links=tuple(links[:MAX_LINKS]),
                also=tuple(r for r in reposts if r != best[1]),
            )
        return Verdict(key, links=tuple(links[:MAX_LINKS]))

    def add(
        self,
        key: str,
        text: str,
        published: str | None = None,
        verdict: Verdict | None = None,
    ) -> None:
        doc = self._prepared(text, self._pending.pop(key, None))
        self._index.add(key, doc.sig, doc.exact, doc.digests)
        self._session[key] = doc
        self._remember(key, doc)

    def save(self, *, mark: str | None = None) -> None:
        """Publish the index atomically; `mark` (e.g. how far into its own records the
        caller had indexed) is published with it and read back from `mark` after reopening.
        Without a mark the previous one is kept."""
        self._index.save(mark)
        self._session.clear()

    def close(self) -> None:
        self._pending.clear()
        self._session.clear()
        self._cache.clear()

    def __enter__(self) -> Deduper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------
    def _prepare(self, text: str) -> Prepared:
        return prepare(text, self.params)

    def _prepared(self, text: str, ready: Prepared | None) -> Prepared:
        """`ready` when it was prepared from this very text, else the text prepared now."""
        return ready if ready is not None and ready.text == text else self._prepare(text)

    def _remember(self, key: str, doc: Prepared) -> None:
        self._cache[key] = doc
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _existing(self, key: str) -> Prepared | None:
        doc = self._cache.get(key)
        if doc is not None:
            self._cache.move_to_end(key)
            return doc
        doc = self._session.get(key)
        if doc is not None:
            return doc
        found = self._lookup(key)
        if found is None:
            return None
        doc = self._prepare(found.text)
        self._remember(key, doc)
        return doc

    def _passage_link(
        self, doc: Prepared, theirs: Prepared, other: str, telling: set[int]
    ) -> Link | None:
        # Only clauses that are not boilerplate (document frequency within bounds) count.
        shared = doc.digests & theirs.digests & telling
        unique = {c.digest: c for c in doc.clauses if c.digest in shared}
        if not is_shared_passage(list(unique.values())):
            return None
        indexed = [c for c in doc.clauses if c.digest in doc.digests]
        passages = shared_runs(indexed, set(unique))
        figures = figure_notes_of(passages, doc.figures, theirs.figures)
        return Link(other, "shared-passages", passages=passages, figures=figures)


def prepare(text: str, params: DedupParams) -> Prepared:
    """Everything `Deduper.check` computes from a text alone (no index, no lookups)."""
    clauses = split_clauses(text, 1)
    # The clause views are the hash view cut at punctuation (which it drops anyway).
    view = "".join(c.view for c in clauses)
    hashes = shingle_hashes(view, params.ngram)
    return Prepared(
        text=text,
        view=view,
        exact=view_digest(view),
        shingles=hashes,
        sig=signature(hashes, params.num_perm, params.seed),
        clauses=clauses,
        digests=frozenset(c.digest for c in clauses if len(c.view) >= params.min_clause_chars),
    )
