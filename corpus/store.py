"""The corpus store: SQLite (WAL) holding documents, clusters, links, figures and exports.

Every write happens inside `Store.batch()`, one transaction; readers live in corpus/queries.py;
opening, creating and upgrading the file is corpus/dbopen.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corpus.dbopen import SCHEMA_VERSION, StoreError, connect
from corpus.locks import file_lock
from extract.types import Article

__all__ = ["SCHEMA_VERSION", "Copy", "Store", "StoreError", "now", "rollback"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Copy:
    """One stored copy, as the canonical rule and the CLI see it."""

    key: str
    url: str
    outlet: str | None
    origin: str | None
    published: str | None
    fetched: str | None
    damage: float
    length: int
    cluster_id: int


class Store:
    """A corpus database file. `Store.open(path, create=True)` for writers."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Store:
        path = Path(path)
        if not path.exists() and not create:
            raise StoreError(f"no corpus database at {path} (create one with `aidcorpus ingest`)")
        if path.exists() and path.is_dir():
            raise StoreError(f"{path} is a directory, not a corpus database")
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Two processes creating one corpus at once: the second waits for the schema.
            with file_lock(path.with_name(path.name + ".create.lock"), wait=True):
                return cls(connect(path, create=True), path)
        return cls(connect(path, create=False), path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def corpus_id(self) -> str:
        """A random id stamped at creation: export folders remember which corpus fed them."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='corpus_id'").fetchone()
        return str(row[0]) if row else ""

    @contextmanager
    def batch(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside lands together or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            rollback(self.conn)
            raise
        self.conn.execute("COMMIT")

    # -- reads used by ingest -------------------------------------------------------------

    def has_url(self, url: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE url=?", (url,)).fetchone()
        return row is not None

    def has_source(self, sha1: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM sources WHERE sha1=?", (sha1,)).fetchone() is not None
        )

    def doc_fields(self, key: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT key, text, published, damage, cluster_id FROM documents WHERE key=?", (key,)
        ).fetchone()

    def keys(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT key FROM documents")}

    def iter_texts(self, keys: Iterable[str] | None = None) -> Iterator[sqlite3.Row]:
        """Documents in insertion order (all, or the given keys) for (re)indexing."""
        sql = "SELECT key, text, published FROM documents ORDER BY id"
        wanted = None if keys is None else set(keys)
        for row in self.conn.execute(sql):
            if wanted is None or row["key"] in wanted:
                yield row

    def kept_apart(self, a: int, b: int) -> bool:
        """Whether a same-template link joins a copy of cluster `a` and one of `b`."""
        row = self.conn.execute(
            "SELECT 1 FROM links l JOIN documents da ON da.key = l.a JOIN documents db"
            " ON db.key = l.b WHERE l.kind = 'same-template' AND ((da.cluster_id = ?"
            " AND db.cluster_id = ?) OR (da.cluster_id = ? AND db.cluster_id = ?)) LIMIT 1",
            (a, b, b, a),
        ).fetchone()
        return row is not None

    def copies(self, cluster_id: int) -> list[Copy]:
        rows = self.conn.execute(
            "SELECT key, url, outlet, origin, published, fetched, damage, length(text) AS n,"
            " cluster_id FROM documents WHERE cluster_id=? ORDER BY id",
            (cluster_id,),
        )
        return [
            Copy(
                r["key"],
                r["url"],
                r["outlet"],
                r["origin"],
                r["published"],
                r["fetched"],
                r["damage"],
                r["n"],
                r["cluster_id"],
            )
            for r in rows
        ]

    # -- writes (inside batch()) ---------------------------------------------------------

    def new_cluster(self, uid: str) -> int:
        """A cluster whose exported id is `uid` (the key of the copy founding it) for life."""
        cur = self.conn.execute(
            "INSERT INTO clusters (uid, size, updated_at) VALUES (?, 0, ?)", (uid, now())
        )
        return int(cur.lastrowid or 0)

    def insert_document(
        self,
        article: Article,
        *,
        key: str,
        exact_hash: str,
        cluster_id: int,
        repost_of: str | None,
        similarity: float | None,
        source: str,
    ) -> None:
        a = article
        self.conn.execute(
            "INSERT INTO documents (key, url, cluster_id, exact_hash, title, text, published,"
            " fetched, outlet, origin, original_title, authors, editor, provinces, recipients,"
            " topic_score, topic_terms, encoding, encoding_reason, damage, site, repost_of,"
            " similarity, source, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                key,
                a.url,
                cluster_id,
                exact_hash,
                a.title,
                a.text,
                a.published,
                a.fetched,
                a.outlet,
                a.origin,
                a.original_title,
                _js(a.authors),
                a.editor,
                _js(a.provinces),
                _js(a.recipients),
                a.topic_score,
                _js(a.topic_terms),
                a.encoding,
                a.encoding_reason,
                a.damage,
                a.site,
                repost_of,
                similarity,
                source,
                now(),
            ),
        )
        self.conn.execute(
            "UPDATE clusters SET size = size + 1, updated_at = ? WHERE id = ?", (now(), cluster_id)
        )

    def set_canonical(self, cluster_id: int, key: str) -> None:
        """Record a change of the cluster (a copy joined, copies merged in, or a new
        canonical copy): exports deliver it again under the same uid, one version higher."""
        self.conn.execute(
            "UPDATE clusters SET canonical = ?, version = version + 1, updated_at = ? WHERE id = ?",
            (key, now(), cluster_id),
        )

    def merge_clusters(self, survivor: int, others: Iterable[int]) -> None:
        """Move every copy of `others` into `survivor`, which keeps its uid; each other
        cluster stays as a tombstone (size 0, merged_into, one version higher). The caller
        re-chooses the survivor's canonical copy with set_canonical."""
        for other in others:
            if other == survivor:
                continue
            self.conn.execute(
                "UPDATE documents SET cluster_id = ? WHERE cluster_id = ?", (survivor, other)
            )
            # Tombstones that pointed at the merged cluster now point at the survivor.
            self.conn.execute(
                "UPDATE clusters SET merged_into = ? WHERE merged_into = ?", (survivor, other)
            )
            self.conn.execute(
                "UPDATE clusters SET size = size + (SELECT size FROM clusters WHERE id = ?),"
                " updated_at = ? WHERE id = ?",
                (other, now(), survivor),
            )
            self.conn.execute(
                "UPDATE clusters SET size = 0, canonical = NULL, merged_into = ?,"
                " version = version + 1, updated_at = ? WHERE id = ?",
                (survivor, now(), other),
            )

    def add_link(
        self, a: str, b: str, kind: str, passages: Iterable[str], figures: Iterable[str]
    ) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO links VALUES (?,?,?,?,?)",
            (a, b, kind, _js(passages), _js(figures)),
        )

    def add_figures(self, key: str, figures: Iterable[tuple[str, float, str, str, str]]) -> None:
        """Figures as (value as written, amount, unit, phrase, clause)."""
        self.conn.executemany(
            "INSERT INTO figures VALUES (?,?,?,?,?,?)", [(key, *f) for f in figures]
        )

    def add_dropped(self, url: str, reason: str, detail: str, source: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO dropped VALUES (?,?,?,?,?)",
            (url, reason, detail[:500], source, now()),
        )

    def add_source(self, sha1: str, path: str, pages: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sources VALUES (?,?,?,?)", (sha1, path, pages, now())
        )

    # -- input files known by their stat (corpus/sources.py StatKey) ------------------------

    def ensure_file_keys(self) -> None:
        """Add the source_files table to a database created before it (ingest writes)."""
        self.conn.execute(_SOURCE_FILES)

    def known_file(self, path: bytes, size: int, mtime_ns: int) -> str | None:
        """The content hash of a file fully ingested with exactly this stat, else None."""
        row = self.conn.execute(
            "SELECT f.sha1 FROM source_files f JOIN sources s ON s.sha1 = f.sha1"
            " WHERE f.path=? AND f.size=? AND f.mtime_ns=?",
            (path, size, mtime_ns),
        ).fetchone()
        return str(row[0]) if row else None

    def remember_file(self, path: bytes, size: int, mtime_ns: int, sha1: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO source_files VALUES (?,?,?,?)", (path, size, mtime_ns, sha1)
        )


_SOURCE_FILES = """CREATE TABLE IF NOT EXISTS source_files (
    path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha1 TEXT NOT NULL
)"""


def rollback(conn: sqlite3.Connection) -> None:
    """ROLLBACK if a transaction is open: SQLite ends one by itself when a COMMIT or a
    statement fails with SQLITE_FULL or an I/O error, and a second ROLLBACK would then
    hide the real cause behind "cannot rollback - no transaction is active"."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _js(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)
