"""`ingest --workers N`: the same corpus whatever N, and a parallel ingest is as safe to
kill (the parent, or a worker) as a serial one. Real pages, real processes, real SIGKILLs."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus import ingest as ingest_module
from corpus.ingest import ingest_paths
from corpus.sources import Input
from corpus.store import Store
from extract.types import Article, Dropped
from tests.corpus.realinput import build_input, corpus_digest

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


@pytest.fixture(scope="module")
def real_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("real") / "in"
    if not build_input(folder, pages=60).joinpath("a-originals.warc.gz").stat().st_size:
        pytest.skip("no real pages")
    return folder


@pytest.fixture(scope="module")
def reference(real_input: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """The corpus a serial ingest builds from the real input."""
    db = tmp_path_factory.mktemp("ref") / "serial.db"
    _ingest(db, real_input, 1)
    return corpus_digest(db)[1]


def _ingest(db: Path, folder: Path, workers: int, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [
            AIDCORPUS,
            "ingest",
            "--db",
            str(db),
            "--workers",
            str(workers),
            "--batch",
            "7",
            *extra,
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _gone(pids: list[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and not _zombie(p)]
        if not alive:
            return True
        time.sleep(0.05)
    return False


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_two_workers_build_the_same_corpus_as_one(
    real_input: Path, reference: dict[str, list], tmp_path: Path
) -> None:
    proc = _ingest(tmp_path / "two.db", real_input, 2)
    _, rows = corpus_digest(tmp_path / "two.db")
    for table in reference:  # table by table, for a readable failure
        assert rows[table] == reference[table], table
    # The input exercises what ingest decides: reposts, exact copies, canonical
    # re-choices, same-template links, a whole file seen twice, a non-2xx response.
    clusters = reference["clusters"]
    assert sum(1 for c in clusters if c[2] > 1) >= 10
    assert any(c[0] != c[1] for c in clusters)  # canonical is not the founding copy
    assert any(link[2] == "same-template" for link in reference["links"])
    assert "(1 already ingested)" in proc.stdout and "1 non-2xx" in proc.stdout
    texts = {d[1]: d[2] for d in rows["documents"]}
    assert len(texts) == len(reference["documents"]) and all(texts.values())


def test_killing_the_parent_kills_its_workers_and_a_rerun_completes(
    real_input: Path, reference: dict[str, list], tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    rng = random.Random(11)
    partial = []  # documents committed when each kill struck
    for attempt in range(3):
        proc = subprocess.Popen(
            [AIDCORPUS, "ingest", "--db", str(db), "--workers", "2", "--batch", "7",
             str(real_input)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        workers: list[int] = []
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.02)
        time.sleep(rng.uniform(0.1, 0.8) * (attempt + 1))
        if proc.poll() is not None:
            break  # finished before the kill: the corpus is complete
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert workers, "no worker processes were started"
        assert _gone(workers), f"workers {workers} outlived their killed parent"
        with Store.open(db) as store:
            partial.append(len(store.keys()))
    assert partial and min(partial) < len(reference["documents"]), partial
    _ingest(db, real_input, 2)
    _, rows = corpus_digest(db)
    for table in reference:
        assert rows[table] == reference[table], table


def test_a_killed_worker_loses_nothing(
    real_input: Path, reference: dict[str, list], tmp_path: Path
) -> None:
    db = tmp_path / "worker.db"
    proc = subprocess.Popen(
        [AIDCORPUS, "ingest", "--db", str(db), "--workers", "2", "--batch", "7",
         str(real_input)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.02)
    time.sleep(0.3)
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    assert "worker process" in err
    _, rows = corpus_digest(db)
    for table in reference:
        assert rows[table] == reference[table], table


def crash_on_copy_two(item: Input) -> Article | Dropped:
    """extract_input, except that one page kills the worker process it runs in."""
    if item.page.url.endswith("/copy/2.html"):
        os._exit(11)
    return REAL_EXTRACT(item)


REAL_EXTRACT = ingest_module.extract_input


def test_a_page_that_kills_its_worker_is_reported_and_retried_next_run(
    real_input: Path, reference: dict[str, list], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "crash.db"
    # Workers are forked from this process, so they run the patched function.
    monkeypatch.setattr(ingest_module, "extract_input", crash_on_copy_two)
    with Store.open(db, create=True) as store:
        stats = ingest_paths(store, [real_input], workers=2, batch_size=7)
    assert len(stats.errors) == 1
    assert "/copy/2.html" in stats.errors[0] and "read again" in stats.errors[0]
    assert stats.worker_crashes == 2  # once with others in flight, once alone
    _, rows = corpus_digest(db)
    urls = {d[1] for d in rows["documents"]}
    assert "http://127.0.0.1/copy/2.html" not in urls
    assert urls == {d[1] for d in reference["documents"]} - {"http://127.0.0.1/copy/2.html"}
    # The file holding the page is not marked ingested: the next run retries the page.
    monkeypatch.setattr(ingest_module, "extract_input", REAL_EXTRACT)
    with Store.open(db) as store:
        again = ingest_paths(store, [real_input], workers=2, batch_size=7)
    assert not again.errors and again.stored == 1
    _, rows = corpus_digest(db)
    assert {d[1] for d in rows["documents"]} == {d[1] for d in reference["documents"]}
