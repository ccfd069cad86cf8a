"""Schema upgrades of existing corpus databases, run by Store.open in one transaction.

1 -> 2 (issue 8): clusters get a uid kept for life (the canonical key at upgrade time, the
id their exports already carry), a version and merged_into; the export record moves from
absolute paths to destination ids (the old table is kept as exports_v1).
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

_V1_TO_V2 = """
ALTER TABLE clusters ADD COLUMN uid TEXT;
ALTER TABLE clusters ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clusters ADD COLUMN merged_into INTEGER REFERENCES clusters(id);
UPDATE clusters SET uid = coalesce(canonical, printf('%016x', id)),
                    version = CASE WHEN size > 0 THEN 1 ELSE 0 END;
CREATE UNIQUE INDEX IF NOT EXISTS clusters_uid ON clusters(uid);
ALTER TABLE exports RENAME TO exports_v1;
CREATE TABLE exports (
    dest_id     TEXT NOT NULL,
    dest        TEXT NOT NULL,
    format      TEXT NOT NULL,
    uid         TEXT NOT NULL,
    version     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    number      INTEGER,
    file        TEXT,
    exported_at TEXT NOT NULL,
    PRIMARY KEY (dest_id, uid)
);
"""

UPGRADES = {"1": _V1_TO_V2}


def upgrade(conn: sqlite3.Connection, path: Path, version: str) -> None:
    """Bring a database of schema `version` to the current one, all or nothing."""
    from corpus.store import StoreError

    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"{path} has schema {version} and needs a one-time upgrade, which needs write"
            f" access: {exc}"
        ) from None
    try:
        # Another process may have upgraded it while we waited for the write lock.
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and row[0] == version:
            # One statement at a time: executescript would COMMIT the open transaction first.
            for statement in UPGRADES[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('corpus_id', ?)", (uuid.uuid4().hex,))
            conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
