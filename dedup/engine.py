"""Deduper: exact hash, then MinHash LSH + clause candidates, each verified before merging.

Signs only new documents; matches them against the whole persistent index (dedup.index)
and the documents added in this session. Texts of existing documents come from `lookup`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dedup.index import DedupIndex
from dedup.minhash import signature
from dedup.params import DedupParams, ParamsMismatch
from dedup.passages import Clause, figure_notes, is_shared_passage, shared_runs, split_clauses
from dedup.shingles import hash_view, shingle_hashes, view_digest
from dedup.types import DocView, Link, Verdict
from dedup.verify import overlap, template_conflicts

__all__ = ["Deduper", "DocView", "Link", "ParamsMismatch", "Verdict"]

log = logging.getLogger(__name__)

MAX_LINKS = 10
_MIN_CONTAINED = 150  # shingles: containment alone merges only documents at least this long


@dataclass(frozen=True, slots=True)
class _Prepared:
    text: str
    view: str
    exact: str
    shingles: np.ndarray  # sorted unique n-gram hashes
    sig: np.ndarray
    clauses: tuple[Clause, ...]


class Deduper:
    """The dedup engine the store drives: check() a document, add() it once stored, save()."""

    def __init__(
        self,
        index_dir: Path,
        params: DedupParams | None = None,
        lookup: Callable[[str], DocView | None] | None = None,
        *,
        storage_config: dict | None = None,
    ) -> None:
        self.params = params or DedupParams()
        self._index = DedupIndex(Path(index_dir), self.params, storage_config)
        self._lookup = lookup or (lambda key: None)
        self._pending: dict[str, _Prepared] = {}  # check() results awaiting add()
        self._session: dict[str, _Prepared] = {}  # added since open: lookup fallback

    # -- contract -------------------------------------------------------------------
    def keys(self) -> set[str]:
        return set(self._index.keys)

    def check(self, key: str, text: str, published: str | None = None) -> Verdict:
        doc = self._prepare(text)
        self._pending[key] = doc
        exact = self._index.exact.get(doc.exact)
        if exact is not None and exact != key and doc.view:
            return Verdict(key, exact_of=exact, similarity=1.0)
        candidates = set(self._index.query(doc.sig))
        clause_hits = self._index.clause_hits(c.digest for c in doc.clauses)
        candidates.update(k for k, n in clause_hits.items() if n >= 2)
        candidates.discard(key)
        best: tuple[float, str] | None = None
        links: list[Link] = []
        for other in sorted(candidates):
            theirs = self._existing(other)
            if theirs is None:
                log.debug("dedup: candidate %s not found by lookup; skipped", other)
                continue
            jac, contained = overlap(doc.shingles, theirs.shingles)
            small = min(doc.shingles.size, theirs.shingles.size)
            score = jac if jac >= self.params.threshold else 0.0
            if not score and contained >= self.params.containment and small >= _MIN_CONTAINED:
                score = contained
            if score:
                conflicts = template_conflicts(theirs.clauses, doc.clauses)
                if conflicts:
                    links.append(Link(other, "same-template", figures=conflicts))
                elif best is None or score > best[0]:
                    best = (score, other)
                continue
            link = self._passage_link(doc, theirs, other)
            if link is not None:
                links.append(link)
        links.sort(key=lambda ln: (ln.kind != "same-template", -len(ln.passages), ln.other))
        if best is not None:
            links = [ln for ln in links if ln.other != best[1]]
            return Verdict(
                key, repost_of=best[1], similarity=best[0], links=tuple(links[:MAX_LINKS])
            )
        return Verdict(key, links=tuple(links[:MAX_LINKS]))

    def add(
        self,
        key: str,
        text: str,
        published: str | None = None,
        verdict: Verdict | None = None,
    ) -> None:
        doc = self._pending.pop(key, None)
        if doc is None or doc.text != text:
            doc = self._prepare(text)
        self._index.add(key, doc.sig, doc.exact, (c.digest for c in doc.clauses))
        self._session[key] = doc

    def save(self) -> None:
        self._index.save()
        self._session.clear()

    def close(self) -> None:
        self._pending.clear()
        self._session.clear()

    def __enter__(self) -> Deduper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------
    def _prepare(self, text: str) -> _Prepared:
        p = self.params
        view = hash_view(text)
        hashes = shingle_hashes(view, p.ngram)
        return _Prepared(
            text=text,
            view=view,
            exact=view_digest(view),
            shingles=hashes,
            sig=signature(hashes, p.num_perm, p.seed),
            clauses=split_clauses(text, p.min_clause_chars),
        )

    def _existing(self, key: str) -> _Prepared | None:
        if key in self._session:
            return self._session[key]
        found = self._lookup(key)
        return None if found is None else self._prepare(found.text)

    def _passage_link(self, doc: _Prepared, theirs: _Prepared, other: str) -> Link | None:
        their_digests = {c.digest for c in theirs.clauses}
        common = [c for c in doc.clauses if c.digest in their_digests]
        unique = {c.digest: c for c in common}
        if not is_shared_passage(list(unique.values())):
            return None
        passages = shared_runs(doc.clauses, set(unique))
        figures = figure_notes(passages, doc.text, theirs.text)
        return Link(other, "shared-passages", passages=passages, figures=figures)
