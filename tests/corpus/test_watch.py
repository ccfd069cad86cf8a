"""Ingest while a writer is still closing WARC files into the folder (what `run` does beside
its crawl, and a shared folder fed by crawlers on other machines)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from corpus.ingest import ingest_paths
from corpus.sources import watch
from corpus.store import Store
from tests.corpus.test_file_keys import _other_host
from tests.corpus.test_ingest import _warc


def test_watch_yields_each_closed_file_once_then_a_last_look(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    _warc(folder / "a.warc.gz", 1)
    state = {"live": True}

    def write_later() -> None:
        time.sleep(0.3)
        _warc(folder / "b.warc.gz.open", 1)  # still being written: not ingestible
        time.sleep(0.3)
        os.replace(folder / "b.warc.gz.open", folder / "b.warc.gz")
        _warc(folder / "c.warc.gz", 1)
        state["live"] = False  # the writer stops right after its last file

    thread = threading.Thread(target=write_later)
    thread.start()
    found = watch([folder], active=lambda: state["live"], poll=0.05)
    names = [s.path.name for s in found]
    thread.join()
    assert names == ["a.warc.gz", "b.warc.gz", "c.warc.gz"]


def test_watch_with_idle_stops_after_quiet_seconds(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    _warc(folder / "a.warc.gz", 1)
    started = time.monotonic()
    assert [s.path.name for s in watch([folder], idle=0.3, poll=0.05)] == ["a.warc.gz"]
    assert 0.3 <= time.monotonic() - started < 5


def test_ingest_stores_files_while_they_keep_coming(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    db = tmp_path / "c.db"
    Store.open(db, create=True).close()
    seen_during: list[int] = []
    state = {"live": True}

    def crawl() -> None:
        for i in range(4):
            path = folder / f"f{i}.warc.gz"
            urls = _other_host(path.with_suffix(".tmp"))
            os.replace(path.with_suffix(".tmp"), path)  # published whole, as a closed file
            assert urls
            # Wait (bounded) for the writer to record this file while the crawl is still
            # live; a fixed sleep failed on a loaded machine where workers start slowly.
            deadline = time.monotonic() + 60
            count = 0
            while time.monotonic() < deadline:
                conn = sqlite3.connect(db)
                count = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
                conn.close()
                if count > i:
                    break
                time.sleep(0.05)
            seen_during.append(count)
        state["live"] = False

    thread = threading.Thread(target=crawl)
    thread.start()
    with Store.open(db) as store:
        stats = ingest_paths(store, [folder], workers=2, active=lambda: state["live"])
    thread.join()
    assert stats.sources == 4 and not stats.errors
    assert stats.stored == 3  # the four files carry the same three URLs
    assert seen_during[0] >= 1  # the first file was in before the writer finished
    assert seen_during == sorted(seen_during) and seen_during[-1] == 4
