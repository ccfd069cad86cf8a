"""The store's side of deduplication: place each new document in a cluster, keep links
and figures, re-choose canonical copies, and keep the dedup index in step with the store.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from corpus.store import Store, StoreError
from dedup.cluster import choose_canonical
from dedup.engine import Deduper, DocView, Link
from dedup.params import ParamsMismatch
from dedup.passages import extract_figures
from dedup.shingles import exact_hash
from extract.types import Article

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # "new" | "exact" | "reposts"
    cluster_id: int
    links: int


class CorpusDeduper:
    """A dedup.Deduper whose `lookup` reads the store, synchronised with it on open."""

    def __init__(self, store: Store, index_dir: Path, *, fresh: bool = False) -> None:
        """Open the index (or, with `fresh`, discard whatever is there unread and rebuild)."""
        self.store = store
        self.index_dir = index_dir
        if fresh:
            _discard(index_dir)
            self.engine = self._open()
            self.rebuild()
            return
        self.engine = self._open()
        self._sync()

    def _open(self) -> Deduper:
        try:
            return Deduper(self.index_dir, lookup=self._lookup)
        except ParamsMismatch:
            raise
        except Exception as exc:  # a truncated or foreign index: say so, point at the fix
            raise StoreError(
                f"dedup index at {self.index_dir} is unreadable ({type(exc).__name__}:"
                f" {str(exc)[:100]}); rebuild it from the store with"
                f" `aidcorpus reindex --db {self.store.path}`"
            ) from None

    def _lookup(self, key: str) -> DocView | None:
        row = self.store.doc_fields(key)
        if row is None:
            return None
        return DocView(row["key"], row["text"], row["published"], row["damage"])

    def _sync(self) -> None:
        """Add to the index what the store has and it lacks (a crash after a commit)."""
        indexed = self.engine.keys()
        stored = self.store.keys()
        if indexed - stored:
            log.warning(
                "index %s holds %d documents the store lacks: rebuilding it",
                self.index_dir,
                len(indexed - stored),
            )
            self.rebuild()
            return
        missing = stored - indexed
        if missing:
            log.info("adding %d stored documents missing from the index", len(missing))
            for row in self.store.iter_texts(missing):
                self.engine.add(row["key"], row["text"], row["published"])
            self.engine.save()

    def rebuild(self) -> int:
        """Recreate the index from every stored document; returns how many were signed."""
        self.engine.close()
        _discard(self.index_dir)
        self.engine = self._open()
        count = 0
        for row in self.store.iter_texts():
            self.engine.add(row["key"], row["text"], row["published"])
            count += 1
        self.engine.save()
        return count

    def place(self, key: str, article: Article, source: str) -> Outcome:
        """Store `article` (inside the caller's transaction) in its cluster; count its links."""
        verdict = self.engine.check(key, article.text, article.published)
        match = verdict.exact_of or verdict.repost_of
        row = self.store.doc_fields(match) if match else None
        if row is not None:
            cluster_id = int(row["cluster_id"])
            kind = "exact" if verdict.exact_of else "reposts"
        else:
            cluster_id = self.store.new_cluster(key)
            kind = "new"
        self.store.insert_document(
            article,
            key=key,
            exact_hash=exact_hash(article.text),
            cluster_id=cluster_id,
            repost_of=match if row is not None else None,
            similarity=verdict.similarity if row is not None else None,
            source=source,
        )
        self.engine.add(key, article.text, article.published, verdict=verdict)
        for link in verdict.links:
            self._add_link(key, article.published, link)
        self.store.add_figures(
            key,
            (
                (f.number or f"{f.value:g}", f.value, f.unit, f.phrase, f.text)
                for f in extract_figures(article.text)
            ),
        )
        if row is not None and verdict.also:
            cluster_id = self._merge(cluster_id, verdict.also)
        self.store.set_canonical(cluster_id, choose_canonical(self.store.copies(cluster_id)))
        return Outcome(kind, cluster_id, len(verdict.links))

    def _merge(self, cluster_id: int, others: tuple[str, ...]) -> int:
        """A document that reposts copies in several clusters joins them into one: the
        oldest cluster survives with its uid, the others become tombstones. A cluster the
        template guard told apart from the document's own (a same-template link) stays apart.
        """
        rows = (self.store.doc_fields(k) for k in others)
        found = {int(r["cluster_id"]) for r in rows if r is not None} - {cluster_id}
        joined = {c for c in found if not self.store.kept_apart(cluster_id, c)} | {cluster_id}
        if len(joined) == 1:
            return cluster_id
        survivor = min(joined)
        log.debug("merging clusters %s into %d", sorted(joined - {survivor}), survivor)
        self.store.merge_clusters(survivor, sorted(joined - {survivor}))
        return survivor

    def _add_link(self, key: str, published: str | None, link: Link) -> None:
        """Store a link as (earlier report, later report), figure changes read a -> b.

        The engine reports changes from the existing document to the new one; ingest order
        is not publication order, so a new document that is older turns the arrows round.
        """
        other = self.store.doc_fields(link.other)
        if other is None:  # the index knew a document the store lacks: links.b would dangle
            log.warning("not linking %s to %s: no such stored document", key, link.other)
            return
        other_published = other["published"]
        figures = list(link.figures)
        if published and other_published and published[:10] < other_published[:10]:
            a, b = key, link.other
            figures = [_reverse_change(f) for f in figures]
        else:
            a, b = link.other, key
        self.store.add_link(a, b, link.kind, link.passages, figures)

    def save(self) -> None:
        self.engine.save()

    def close(self) -> None:
        self.engine.close()


def _discard(index_dir: Path) -> None:
    if index_dir.is_dir():
        shutil.rmtree(index_dir)
    elif index_dir.exists():
        index_dir.unlink()


CHANGE = re.compile(r"(.*?)(\S+) → (\S+)")


def _reverse_change(figure: str) -> str:
    """'援疆医生 105名 → 67名' -> '援疆医生 67名 → 105名'; a shared figure stays as it is."""
    m = CHANGE.fullmatch(figure)
    return f"{m.group(1)}{m.group(3)} → {m.group(2)}" if m else figure
