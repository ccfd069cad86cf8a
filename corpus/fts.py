"""Full-text index of titles and texts: SQLite FTS5 with the trigram tokenizer.

Trigrams need no Chinese word segmenter. The index is an external-content table over
`documents` (the text is stored once) kept in step by triggers, so every writer (ingest,
a migration, the sqlite3 shell) updates it.

An older database gets table and triggers when opened (`ensure_fts`, cheap) and its
stored documents indexed by `backfill`, which search and browse run first: in chunks of
one transaction each, resumable after a kill, with progress (a million documents take
minutes, which no `aidcorpus stats` should wait for). The range still to index is kept in
`meta` (fts_backfill_next .. fts_backfill_end); the update and delete triggers leave rows
of that range alone, since the index does not hold them yet.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

FTS_TABLE = "documents_fts"
NEXT, END = "fts_backfill_next", "fts_backfill_end"
CHUNK = 2000

# A row is in the index unless a backfill is pending and the row lies in its range.
_INDEXED = (
    f"NOT EXISTS (SELECT 1 FROM meta n, meta e WHERE n.key = '{NEXT}' AND e.key = '{END}'"
    " AND old.id >= CAST(n.value AS INTEGER) AND old.id <= CAST(e.value AS INTEGER))"
)

# content="documents" in double quotes: datasette and sqlite-utils find the FTS table of
# `documents` by that spelling.
DDL = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    title, text, content="documents", content_rowid="id", tokenize="trigram"
);
CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON documents BEGIN
    INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON documents WHEN {_INDEXED} BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF title, text ON documents
    WHEN {_INDEXED} BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""
TRIGGERS = tuple(f"{FTS_TABLE}_{s}" for s in ("ai", "ad", "au"))


def has_fts(conn: sqlite3.Connection) -> bool:
    """True when the index and all three triggers exist (new rows are indexed)."""
    names = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE name = ? OR name IN (?, ?, ?)",
            (FTS_TABLE, *TRIGGERS),
        )
    }
    return names == {FTS_TABLE, *TRIGGERS}


def pending(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """(next id, last id) of stored documents not yet indexed, or None."""
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (NEXT, END)))
    if NEXT not in rows or END not in rows:
        return None
    return int(rows[NEXT]), int(rows[END])


def ensure_fts(conn: sqlite3.Connection) -> bool:
    """Create the index and its triggers if missing; False if this SQLite cannot have one.

    Cheap: documents already stored are only marked for `backfill`. Runs in its own
    IMMEDIATE transaction (the connection must be in autocommit mode), so two processes
    opening an old database at once do it once. A read-only database or an SQLite without
    FTS5/trigram (before 3.34) keeps working: search falls back to LIKE.
    """
    if has_fts(conn):
        return True
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:  # read-only file or directory, busy past timeout
        log.warning("full-text index not created (%s): search scans the texts instead", exc)
        return False
    try:
        if not has_fts(conn):
            conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")  # a half-made one: start over
            last = conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
            if last:  # before the triggers exist, so no row is both
                conn.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", [(NEXT, "0"), (END, str(last))]
                )
            for statement in _statements(DDL):
                conn.execute(statement)
            # Merge 16 segments of a level at a time, not 4: a third less time spent on the
            # index while inserting (bench/search_bench.py); queries stay well under 1 ms.
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('automerge', 16)")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        log.warning("this SQLite has no FTS5 trigram tokenizer (%s): search scans texts", exc)
        return False
    log.info("full-text index %s created", FTS_TABLE)
    return True


def backfill(
    conn: sqlite3.Connection,
    progress: Callable[[str], None] | None = None,
    chunk: int = CHUNK,
) -> int:
    """Index the stored documents an older database had; returns how many were indexed.

    One transaction per chunk, the range in `meta` moved forward in the same transaction:
    a kill loses at most the chunk in hand, and the next call goes on from there.
    """
    if not has_fts(conn):
        return 0
    done = 0
    said = time.monotonic()
    while (todo := pending(conn)) is not None:
        first, last = todo
        if done == 0 and progress is not None:
            progress(f"building the full-text index of {last - first + 1} stored documents")
        upto = min(first + chunk, last + 1)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if pending(conn) == todo:  # no other process moved it meanwhile
                cur = conn.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, title, text) SELECT id, title, text"
                    " FROM documents WHERE id >= ? AND id < ?",
                    (first, upto),
                )
                done += max(cur.rowcount, 0)
                if upto > last:
                    conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (NEXT, END))
                else:
                    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (str(upto), NEXT))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if progress is not None and upto <= last and time.monotonic() - said >= 5:
            said = time.monotonic()
            progress(f"full-text index: {upto - 1} of {last} document ids done")
    return done


def _statements(script: str) -> list[str]:
    """Split DDL into statements (executescript would commit our open transaction)."""
    out: list[str] = []
    buf = ""
    for line in script.strip().splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out
