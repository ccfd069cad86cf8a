"""The store's side of deduplication: place each new document in a cluster, keep links
and figures, re-choose canonical copies, and keep the dedup index in step with the store.
"""

from __future__ import annotations

import json
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

SAVE_EVERY = 5_000  # documents indexed between saves when catching up with the store


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
        """Add to the index what the store has and it lacks (a crash after a commit).

        The index's mark names the last stored row it covers (documents.id and key).
        Documents are never deleted and ids grow, so the rows after it are exactly what
        is missing: a scheduled run on a corpus of millions reads only those. An index
        whose mark does not match this store (a restored backup, another corpus) is
        rebuilt; one without a mark (an older index) is compared key by key, once.
        """
        mark = _parse_mark(self.engine.mark)
        if mark is None:
            indexed, stored = self.engine.keys(), self.store.keys()
            if indexed - stored:
                log.warning(
                    "index %s holds %d documents the store lacks: rebuilding it",
                    self.index_dir,
                    len(indexed - stored),
                )
                self.rebuild()
                return
            self._catch_up(0)
            return
        last_id, last_key = mark
        row = self.store.conn.execute(
            "SELECT key FROM documents WHERE id=?", (last_id,)
        ).fetchone()
        if last_id and (row is None or row[0] != last_key):
            log.warning(
                "index %s does not match the store (document %d is not %s): rebuilding it",
                self.index_dir,
                last_id,
                last_key,
            )
            self.rebuild()
            return
        self._catch_up(last_id)

    def _catch_up(self, after_id: int) -> int:
        """Index the stored documents after `after_id` that the index lacks, in id order,
        saving every SAVE_EVERY with a mark at the row reached: the engine holds what it
        added until a save, and a long catch-up that is killed keeps what it did."""
        conn = self.store.conn
        rows = conn.execute("SELECT id, key FROM documents WHERE id > ? ORDER BY id", (after_id,))
        added = 0
        for doc_id, key in rows:
            if key in self.engine:
                continue
            text, published = conn.execute(
                "SELECT text, published FROM documents WHERE id=?", (doc_id,)
            ).fetchone()
            self.engine.add(key, text, published)
            added += 1
            if added % SAVE_EVERY == 0:
                self.engine.save(mark=_mark(doc_id, key))
                log.info("indexed %d stored documents", added)
        if added or self.engine.mark is None:
            self.save()
        if added:
            log.info("added %d stored documents missing from the index", added)
        return added

    def rebuild(self) -> int:
        """Recreate the index from every stored document; returns how many were signed."""
        self.engine.close()
        _discard(self.index_dir)
        self.engine = self._open()
        return self._catch_up(0)

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
        """Save the index with a mark naming the last stored document it covers: call it
        when the store has committed everything the index holds."""
        row = self.store.conn.execute(
            "SELECT id, key FROM documents ORDER BY id DESC LIMIT 1"
        ).fetchone()
        self.engine.save(mark=_mark(row[0], row[1]) if row else None)

    def close(self) -> None:
        self.engine.close()


def _discard(index_dir: Path) -> None:
    if index_dir.is_dir():
        shutil.rmtree(index_dir)
    elif index_dir.exists():
        index_dir.unlink()


def _mark(doc_id: int, key: str) -> str:
    return json.dumps({"doc_id": doc_id, "key": key})


def _parse_mark(mark: str | None) -> tuple[int, str] | None:
    """(documents.id, key) from an index mark; None when absent or not ours."""
    if not mark:
        return None
    try:
        data = json.loads(mark)
        return int(data["doc_id"]), str(data["key"])
    except (ValueError, KeyError, TypeError):
        return None


CHANGE = re.compile(r"(.*?)(\S+) → (\S+)")


def _reverse_change(figure: str) -> str:
    """'援疆医生 105名 → 67名' -> '援疆医生 67名 → 105名'; a shared figure stays as it is."""
    m = CHANGE.fullmatch(figure)
    return f"{m.group(1)}{m.group(3)} → {m.group(2)}" if m else figure
