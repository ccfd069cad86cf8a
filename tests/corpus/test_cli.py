"""The CLI: every command has help with an example; user errors are one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus.cli import EXAMPLES, build_parser, main


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_command_has_an_example() -> None:
    assert set(subcommands()) == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_help_shows_the_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and EXAMPLES[name] in out


def test_missing_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", str(tmp_path / "nope.db")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no corpus database" in err[0]


def test_corrupt_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    assert main(["clusters", "--db", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "not a readable corpus database" in err and "Traceback" not in err


def test_unreadable_warc_and_non_html(
    tmp_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warc = tmp_path / "broken.warc.gz"
    warc.write_bytes(b"\x1f\x8b\x08\x00garbage" * 50)
    db = tmp_path / "c.db"
    seed = seeds_dir / "004_4dc3b6bfc810ef5f.txt"
    # the bad file is reported, the good one after it is still ingested, exit non-zero
    assert main(["ingest", "--db", str(db), str(warc), str(seed)]) == 1
    captured = capsys.readouterr()
    assert "broken.warc.gz is not a readable WARC file" in captured.err
    assert "1 documents stored" in captured.out and "Traceback" not in captured.err
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\x00\x01\x02 binary")
    assert main(["ingest", "--db", str(tmp_path / "new.db"), str(pdf)]) == 2
    assert "not an HTML" in capsys.readouterr().err
    assert not (tmp_path / "new.db").exists()  # refused before creating a database


def test_ingest_refuses_someone_elses_sqlite(tmp_path: Path, seeds_dir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE users (name)").connection.commit()
    assert main(["ingest", "--db", str(other), str(seeds_dir)]) == 2
    assert "not an aidcorpus database" in capsys.readouterr().err
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("users",)]


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("aidcorpus")
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "aidcorpus demo" in proc.stdout
