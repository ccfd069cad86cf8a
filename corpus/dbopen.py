"""Opening a corpus database: create its schema on a new file, upgrade an older one
(corpus/migrate.py), refuse a file that is not ours. corpus/store.py wraps the connection.
"""

from __future__ import annotations

import sqlite3
import uuid
from importlib import resources
from pathlib import Path

from corpus import migrate
from corpus.fkeys import ensure_foreign_keys
from corpus.fts import ensure_fts

SCHEMA_VERSION = "2"  # corpus/migrate.py upgrades older databases when opened


class StoreError(Exception):
    """A corpus database that is missing, corrupt or of another schema."""


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the corpus at `path`, its schema created (`create`, on an empty
    file) or upgraded, and the additive upgrades (foreign keys, FTS) applied."""
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "documents" not in tables:
            if not create or tables:  # never add our tables to someone else's database
                conn.close()
                raise StoreError(f"{path} is an SQLite file but not an aidcorpus database")
            conn.execute("PRAGMA journal_mode = WAL")
            # One transaction, so a concurrent opener sees all tables or none.
            schema = resources.files("corpus").joinpath("schema.sql").read_text()
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{schema}\nINSERT OR IGNORE INTO meta VALUES"
                f" ('schema_version', '{SCHEMA_VERSION}');\nINSERT OR IGNORE INTO meta"
                f" VALUES ('corpus_id', '{uuid.uuid4().hex}');\nCOMMIT;"
            )
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if version is not None and version[0] in migrate.UPGRADES:
            migrate.upgrade(conn, path, version[0])
            version = (SCHEMA_VERSION,)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a readable corpus database: {exc}") from None
    if version is None or version[0] != SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{path} has schema {version and version[0]}, expected {SCHEMA_VERSION}")
    conn.execute("PRAGMA synchronous = NORMAL")
    # Additive upgrades, each idempotent: older databases get them on first open.
    ensure_foreign_keys(conn)
    ensure_fts(conn)
    return conn
