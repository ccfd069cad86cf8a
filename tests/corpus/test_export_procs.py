"""Exports against real processes: SIGKILL at varied moments, a real process holding the
corpus's write lock, two exports into one folder at once. Whatever happens, one complete
export afterwards leaves the folder as one uninterrupted export would have."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus.exportkit import AIDCORPUS, build_corpus, visible

N = 300  # clusters


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "c.db"
    build_corpus(db, N)
    return db


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One uninterrupted export per format, from a copy of the corpus."""
    base = tmp_path_factory.mktemp("reference")
    out = {}
    for fmt in ("txt", "jsonl"):
        out[fmt] = base / fmt
        _export(corpus, fmt, out[fmt], check=True)
    return out


def _export(db: Path, fmt: str, out: Path, *, check: bool = False) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [AIDCORPUS, "export", "--db", str(db), "--format", fmt, "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _start(db: Path, fmt: str, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [AIDCORPUS, "export", "--db", str(db), "--format", fmt, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _data(out: Path) -> dict[str, bytes]:
    return {k: v for k, v in visible(out).items() if k.endswith((".txt", ".jsonl"))}


def _same_as_reference(out: Path, ref: Path) -> None:
    got, want = _data(out), _data(ref)
    assert sorted(got) == sorted(want)
    assert got == want
    if (ref / "manifest.json").exists():
        files = [json.loads((p / "manifest.json").read_text())["files"] for p in (out, ref)]
        assert files[0] == files[1]


def _kill_during(db: Path, fmt: str, out: Path, trigger: int, delay: float) -> None:
    """Start an export, wait until `trigger` data files are in the folder (or its log
    segment is written, for 0), then SIGKILL it after `delay` seconds."""
    proc = _start(db, fmt, out)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        logs = out / ".aidcorpus" / "log"
        written = len(list(out.glob("*.txt"))) + len(list(out.glob("*.jsonl")))
        if (trigger == 0 and logs.exists() and any(logs.iterdir())) or (
            trigger and written >= trigger
        ):
            break
        time.sleep(0.001)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.parametrize("fmt", ["txt", "jsonl"])
def test_sigkill_at_varied_moments_then_one_complete_export(
    corpus: Path, reference: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    rng = random.Random(8 if fmt == "txt" else 9)
    out = tmp_path / fmt
    # Before the folder exists, right after the log segment, while files are published,
    # and at random instants after start (often mid-write, sometimes before it begins).
    moments = [(0, 0.0), (1, 0.0), (40, 0.002), (150, 0.0), (N - 5, 0.001)]
    moments += [(-1, rng.uniform(0.0, 1.5)) for _ in range(4)]
    for trigger, delay in moments:
        if trigger < 0:
            proc = _start(corpus, fmt, out)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        else:
            _kill_during(corpus, fmt, out, trigger if fmt == "txt" else min(trigger, 1), delay)
    _export(corpus, fmt, out, check=True)
    _same_as_reference(out, reference[fmt])
    assert not list((out / ".aidcorpus" / "tmp").glob("*"))


@pytest.fixture
def write_lock(corpus: Path):
    """Another process holding the corpus's SQLite write lock (BEGIN IMMEDIATE) until released."""
    code = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(corpus)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield holder
    holder.kill()
    holder.wait(timeout=30)


def test_kills_while_another_process_holds_the_write_lock(
    corpus: Path, reference: dict[str, Path], tmp_path: Path, write_lock: subprocess.Popen
) -> None:
    out = tmp_path / "txt"
    for trigger in (0, 30, 200):
        _kill_during(corpus, "txt", out, trigger, 0.0)
    proc = _export(corpus, "txt", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("could not record it") == 1, proc.stderr  # said once
    _same_as_reference(out, reference["txt"])
    write_lock.kill()
    write_lock.wait(timeout=30)
    again = _export(corpus, "txt", out, check=True)
    assert "nothing new" in again.stdout
    conn = sqlite3.connect(corpus)
    state = json.loads((out / ".aidcorpus" / "state.json").read_text())
    rows = conn.execute(
        "SELECT count(*) FROM exports WHERE dest_id = ?", (state["dest_id"],)
    ).fetchone()[0]
    conn.close()
    assert rows == N  # the corpus's record caught up with the folder's


@pytest.mark.parametrize("fmt", ["txt", "jsonl"])
def test_two_exports_into_one_folder(
    corpus: Path, reference: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    for i, offset in enumerate((0.0, 0.1, 0.3)):
        out = tmp_path / f"{fmt}{i}"
        first = _start(corpus, fmt, out)
        time.sleep(offset)
        second = _start(corpus, fmt, out)
        outputs = [p.communicate(timeout=120) for p in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0], outputs
        assert sum("nothing new" in o for o, _ in outputs) == 1  # the second found it done
        _same_as_reference(out, reference[fmt])


def test_modes_follow_the_umask_of_the_exporting_process(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    proc = subprocess.run(
        [AIDCORPUS, "export", "--db", str(corpus), "--format", "jsonl", "--out", str(out)],
        capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(0o022),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    modes = {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()}
    assert modes == {"0o644"}


def test_a_full_disk_mid_export_then_one_complete_export(
    corpus: Path, reference: dict[str, Path], tmp_path: Path
) -> None:
    """Writes past a file-size limit fail as on a full disk (EFBIG) while the JSONL part is
    written: a one-line error, nothing published; the next export delivers everything once."""
    out = tmp_path / "jsonl"

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    proc = subprocess.run(
        [AIDCORPUS, "export", "--db", str(corpus), "--format", "jsonl", "--out", str(out)],
        capture_output=True, text=True, timeout=120, preexec_fn=small_disk,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "too large" in proc.stderr.lower()
    assert not _data(out)
    _export(corpus, "jsonl", out, check=True)
    _same_as_reference(out, reference["jsonl"])


def test_snapshot_killed_at_varied_moments(
    corpus: Path, reference: dict[str, Path], tmp_path: Path
) -> None:
    """`latest` always points at a whole snapshot; after kills, one complete snapshot
    export holds exactly what an uninterrupted feed export holds."""
    out = tmp_path / "mirror"
    cmd = [AIDCORPUS, "export", "--db", str(corpus), "--format", "jsonl", "--out", str(out),
           "--snapshot"]  # fmt: skip
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if (out / "latest").exists():
            assert _data(out / "latest") == _data(reference["jsonl"])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _data(out / "latest") == _data(reference["jsonl"])
    snaps = [p.name for p in out.iterdir() if p.name.startswith("snap-")]
    assert os.readlink(out / "latest") in snaps and len(snaps) <= 2
