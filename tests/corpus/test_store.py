"""The store: creation, refusal of foreign files, transactions that roll back whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corpus.store import Store, StoreError


def test_create_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "c.db"
    with Store.open(db, create=True) as store:
        with store.batch():
            cid = store.new_cluster("00000000000000c1")
        assert cid == 1
    with Store.open(db) as store:
        assert store.conn.execute("SELECT count(*) FROM clusters").fetchone()[0] == 1
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_refuses_other_sqlite_files(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(StoreError, match="not an aidcorpus database"):
        Store.open(other)


def test_batch_rolls_back_on_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db", create=True) as store:
        with pytest.raises(RuntimeError), store.batch():
            store.new_cluster("00000000000000c1")
            raise RuntimeError("boom")
        assert store.conn.execute("SELECT count(*) FROM clusters").fetchone()[0] == 0
