"""Full-text index of titles and texts: SQLite FTS5 with the trigram tokenizer.

Trigrams need no Chinese word segmenter. The index is an external-content table over
`documents` (the text is stored once) kept in step by triggers, so every writer (ingest,
a migration, the sqlite3 shell) updates it. `ensure_fts` adds it to older databases and
fills it from the stored documents; it is additive and idempotent.
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)

FTS_TABLE = "documents_fts"

# content="documents" in double quotes: datasette and sqlite-utils find the FTS table of
# `documents` by that spelling.
DDL = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    title, text, content="documents", content_rowid="id", tokenize="trigram"
);
CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON documents BEGIN
    INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON documents BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""
TRIGGERS = tuple(f"{FTS_TABLE}_{s}" for s in ("ai", "ad", "au"))


def has_fts(conn: sqlite3.Connection) -> bool:
    """True when the index and all three triggers exist (so it is complete and current)."""
    names = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE name = ? OR name IN (?, ?, ?)",
            (FTS_TABLE, *TRIGGERS),
        )
    }
    return names == {FTS_TABLE, *TRIGGERS}


def ensure_fts(conn: sqlite3.Connection) -> bool:
    """Create and fill the index if it is missing; False if this SQLite cannot have one.

    Runs in its own IMMEDIATE transaction (the connection must be in autocommit mode), so
    two processes opening an old database at once build it once. A read-only database or
    an SQLite without FTS5/trigram (before 3.34) keeps working: search falls back to LIKE.
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
            for statement in _statements(DDL):
                conn.execute(statement)
            # Merge 16 segments of a level at a time, not 4: ingest spends a third less
            # time on the index (bench/search_bench.py), queries stay well under 1 ms.
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('automerge', 16)")
            # 'rebuild' reads every stored document: the backfill of an older database.
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        log.warning("this SQLite has no FTS5 trigram tokenizer (%s): search scans texts", exc)
        return False
    log.info("full-text index %s built", FTS_TABLE)
    return True


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
