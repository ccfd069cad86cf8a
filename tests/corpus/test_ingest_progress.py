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
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
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
