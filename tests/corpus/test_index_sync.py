"""The store is the truth: the dedup index catches up with it, from its mark, after a kill."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from corpus import dedupe
from corpus.dedupe import CorpusDeduper
from corpus.ingest import index_dir_for, ingest_paths
from corpus.store import Store
from dedup.engine import Deduper
from tests.corpus.test_ingest import _warc

ROOT = Path(__file__).resolve().parents[2]
AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))

# `aidcorpus ingest --batch 5`, SIGKILLed at the N-th index file it closes: inside an
# index save (spill or merge) right after a batch was committed to the store.
KILLED_INGEST = textwrap.dedent(
    """
    import os, signal, sys
    from dedup import segment
    from corpus.cli import main

    at, calls = int(sys.argv[1]), 0
    real = segment.ArrayWriter.close

    def close(self):
        global calls
        calls += 1
        if calls == at:
            os.kill(os.getpid(), signal.SIGKILL)
        real(self)

    segment.ArrayWriter.close = close
    main(["ingest", "--db", sys.argv[2], "--batch", "5", sys.argv[3]])
    """
)


def _in_step(db: Path) -> tuple[set[str], set[str], dict]:
    with Store.open(db) as store:
        deduper = CorpusDeduper(store, index_dir_for(db))
        indexed, stored = deduper.engine.keys(), store.keys()
        mark = json.loads(deduper.engine.mark or "null")
        deduper.close()
    return indexed, stored, mark


def test_kill_during_index_save_then_index_resyncs_from_store(tmp_path: Path) -> None:
    warc = tmp_path / "in.warc.gz"
    urls = _warc(warc, 40)
    db = tmp_path / "c.db"
    for at in (27, 63):  # two kills: in a spill, then later in a merge or spill
        proc = subprocess.run(
            [sys.executable, "-c", KILLED_INGEST, str(at), str(db), str(warc)],
            cwd=ROOT,
            capture_output=True,
            timeout=300,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
        conn = sqlite3.connect(db)
        committed = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        conn.close()
        assert 0 < committed < len(urls)
        indexed, stored, mark = _in_step(db)  # opening resyncs
        assert indexed == stored and len(stored) == committed
        assert mark["key"] in stored
    done = subprocess.run(
        [AIDCORPUS, "ingest", "--db", str(db), str(warc)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    indexed, stored, _ = _in_step(db)
    assert indexed == stored and len(stored) == len(urls)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(DISTINCT cluster_id) FROM documents").fetchone()[0] == 40
    conn.close()


def test_index_behind_ahead_of_or_foreign_to_the_store(seeds_dir: Path, tmp_path: Path) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    db, index = tmp_path / "c.db", index_dir_for(tmp_path / "c.db")
    with Store.open(db, create=True) as store:
        ingest_paths(store, seeds[:3])
    shutil.copytree(index, tmp_path / "index-at-3")
    shutil.copy(db, tmp_path / "db-at-3")
    with Store.open(db) as store:
        ingest_paths(store, seeds[3:])

    # Behind: the index of three documents, the store of five (a kill before the save).
    shutil.rmtree(index)
    shutil.copytree(tmp_path / "index-at-3", index)
    indexed, stored, mark = _in_step(db)
    assert len(stored) == 5 and indexed == stored
    with Store.open(db) as store:
        last = store.conn.execute("SELECT id, key FROM documents ORDER BY id DESC").fetchone()
    assert mark == {"doc_id": last[0], "key": last[1]}

    # Ahead: the store restored from its copy at three documents, the index of five.
    five = indexed
    shutil.copy(tmp_path / "db-at-3", db)
    indexed, stored, _ = _in_step(db)
    assert len(stored) == 3 and indexed == stored and indexed < five

    # Foreign: another corpus's index, whose mark names a document this store lacks.
    other = tmp_path / "other.db"
    with Store.open(other, create=True) as store:
        ingest_paths(store, seeds[3:])
    shutil.rmtree(index)
    shutil.copytree(index_dir_for(other), index)
    indexed, stored, _ = _in_step(db)
    assert indexed == stored and len(stored) == 3


def test_interrupted_rebuild_keeps_a_truthful_mark(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    with Store.open(db, create=True) as store:
        ingest_paths(store, [seeds_dir])
    monkeypatch.setattr(dedupe, "SAVE_EVERY", 2)
    real_add, calls = Deduper.add, []

    def failing_add(self: Deduper, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 4:  # after one intermediate save of two documents
            raise KeyboardInterrupt
        real_add(self, *args, **kwargs)

    monkeypatch.setattr(Deduper, "add", failing_add)
    with Store.open(db) as store, pytest.raises(KeyboardInterrupt):
        CorpusDeduper(store, index_dir_for(db), fresh=True)
    monkeypatch.undo()
    partial = Deduper(index_dir_for(db))
    mark = json.loads(partial.mark)
    with Store.open(db) as store:
        first = [r[0] for r in store.conn.execute("SELECT key FROM documents ORDER BY id")]
    assert len(partial) == 2 and partial.keys() == set(first[:2])
    assert mark["key"] == first[1]  # the mark covers what the index holds, no more
    indexed, stored, _ = _in_step(db)
    assert indexed == stored and len(stored) == 5
