"""Ingest progress: total and ETA, as a rich bar on a terminal and plain lines elsewhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from corpus.ingest import ingest_paths
from corpus.progress import BarProgress, LineProgress, Snapshot, for_stream
from corpus.store import Store


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_carry_total_and_eta(seeds_dir: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    progress = LineProgress(out, every=0)
    assert isinstance(for_stream(out), LineProgress)  # not a terminal: lines
    with Store.open(tmp_path / "c.db", create=True) as store:
        stats = ingest_paths(store, [seeds_dir], progress=progress)
    lines = out.getvalue().splitlines()
    assert stats.stored == 5 and len(lines) >= 5  # at least one per file
    done = [line for line in lines if line.startswith("1/5 files")]
    assert re.match(r"1/5 files \(\d+%\), 1 pages, [\d.]+/s, 1 stored, .*ETA \d", done[0])
    last = lines[-1]
    assert last.startswith("5/5 files (100%), 5 pages") and last.endswith("ETA 0s")


def test_bar_on_a_terminal(seeds_dir: Path, tmp_path: Path) -> None:
    term = Terminal()
    progress = for_stream(term)
    assert isinstance(progress, BarProgress)
    with Store.open(tmp_path / "c.db", create=True) as store:
        ingest_paths(store, [seeds_dir], progress=progress)
    progress.close()
    shown = term.getvalue()
    assert "5/5 files" in shown and "100%" in shown and "5 stored" in shown


def test_eta_is_proportional() -> None:
    snap = Snapshot(1, 4, 250, 1000, 10, 8, 1, 1, elapsed=30.0)
    assert snap.eta() == 90.0 and "ETA 1m30s" in snap.line() and "1/4 files (25%)" in snap.line()
    assert Snapshot(0, 4, 0, 1000, 0, 0, 0, 0, elapsed=1.0).eta() is None


def test_quiet_ingest_prints_no_progress(
    seeds_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import corpus.progress
    from corpus.cli import main

    # a line per file, so that a run of five files would show progress
    monkeypatch.setattr(corpus.progress, "for_stream", lambda: LineProgress(every=0))
    assert main(["ingest", "--db", str(tmp_path / "a.db"), str(seeds_dir)]) == 0
    assert "5/5 files (100%)" in capsys.readouterr().err
    assert main(["ingest", "-q", "--db", str(tmp_path / "b.db"), str(seeds_dir)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "5 documents stored" in captured.out


class Recorder:
    """Keeps every snapshot ingest reports."""

    def __init__(self) -> None:
        self.snaps: list[Snapshot] = []

    def __call__(self, message: str) -> None:
        pass

    def update(self, snap: Snapshot, *, final: bool = False) -> None:
        self.snaps.append(snap)


def test_one_big_warc_moves_the_share_and_eta_while_it_is_read(
    demo_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A single WARC (the usual `ingest crawl.warc.gz`) showed 0/1 files, 0% and ETA ?
    until its end: the share now follows the bytes of the file read so far."""
    import corpus.ingest_run

    monkeypatch.setattr(corpus.ingest_run.time, "monotonic", _ticking())  # 0.2 s apart
    warc = max((demo_corpus / "warc").glob("*.warc.gz"), key=lambda p: p.stat().st_size)
    recorder = Recorder()
    with Store.open(tmp_path / "c.db", create=True) as store:
        stats = ingest_paths(store, [warc], progress=recorder, workers=1)
    assert stats.pages >= 5
    inside = [s for s in recorder.snaps if s.files_done == 0 and s.pages > 0]
    assert inside, recorder.snaps
    shares = [s.bytes_done / s.bytes_total for s in inside]
    assert 0 < shares[0] < 1 and shares == sorted(shares) and shares[-1] > shares[0]
    assert all(s.eta() is not None for s in inside)
    assert "0/1 files (" in inside[0].line() and "ETA ?" not in inside[0].line()


def _ticking():
    now = [0.0]

    def monotonic() -> float:
        now[0] += 0.25
        return now[0]

    return monotonic


def test_bar_on_an_80_column_terminal_keeps_share_files_and_eta_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    term = Terminal()
    progress = BarProgress(term)
    progress.update(Snapshot(1, 4, 250, 1000, 1234, 1200, 30, 4, elapsed=30.0))
    progress.bar.refresh()
    progress.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", term.getvalue())
    assert re.search(r"25% 1/4 files ETA (-:--:--|\d:\d\d:\d\d) 1234 pages", shown), shown
    assert "stored, 30 dup, 4 dropped" in shown and "…" not in shown  # counts wrap, whole
