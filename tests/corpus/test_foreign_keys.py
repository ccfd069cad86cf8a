"""links, figures and clusters.canonical refer to documents(key), in new and old databases."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.fkeys import WANTED, missing
from corpus.store import Store


@pytest.fixture
def db(seeds_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    assert main(["ingest", "--db", str(path), str(seeds_dir)]) == 0
    return path


def _fks(conn: sqlite3.Connection, table: str) -> set[tuple[str, str, str]]:
    return {(r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")}


def _strip_keys(path: Path) -> None:
    """Make `path` look like a database of the first schema: no such foreign keys."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    for table in WANTED:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        extras = [r[0] for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql"
            " IS NOT NULL", (table,))]  # fmt: skip
        old = re.sub(r'^CREATE TABLE\s+(IF NOT EXISTS\s+)?"?\w+"?', f"CREATE TABLE old_{table}",
                     sql.replace(" REFERENCES documents(key)", ""))  # fmt: skip
        conn.execute(old)
        name = f"old_{table}"
        conn.execute(f"INSERT INTO {name} SELECT * FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {name} RENAME TO {table}")
        for statement in extras:
            conn.execute(statement)
    # a link to a document that is not there (what the keys now refuse)
    conn.execute("INSERT INTO links VALUES ((SELECT key FROM documents LIMIT 1),"
                 " 'ffffffffffffffff', 'shared-passages', '[]', '[]')")  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


def test_new_databases_have_the_keys(db: Path) -> None:
    with Store.open(db) as store:
        assert missing(store.conn) == {}
        assert _fks(store.conn, "links") >= {("a", "documents", "key"), ("b", "documents", "key")}
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError):  # enforced: nothing may dangle
            store.conn.execute("INSERT INTO figures VALUES ('0000000000000000', '1', 1, '名',"
                               " 'x', 'x')")  # fmt: skip


def test_old_database_gets_keys_and_keeps_its_rows(db: Path) -> None:
    with Store.open(db) as store:
        before = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in WANTED}  # fmt: skip
    _strip_keys(db)
    conn = sqlite3.connect(db)
    assert not any(fk[1] == "documents" for t in WANTED for fk in _fks(conn, t))
    conn.close()
    with Store.open(db) as store:  # the upgrade happens on open
        conn = store.conn
        assert missing(conn) == {}
        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in WANTED}
        assert after == before  # the dangling link is not among them...
        orphans = conn.execute("SELECT b FROM links_orphans").fetchall()
        assert [r[0] for r in orphans] == ["ffffffffffffffff"]  # ...but kept aside
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "figures_doc" in indexes
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='links'").fetchone()[0]
        assert "earlier" in sql and "newer" not in sql
    # and the corpus works on: a second ingest, figures across documents
    assert main(["figures", "--db", str(db), "--match", "援疆医生", "--format", "jsonl"]) == 0
