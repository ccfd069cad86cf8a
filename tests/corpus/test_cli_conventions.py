"""One CLI: --version, `python -m aidcorpus`, the same --format choices on listing commands."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from corpus.cli import build_parser, main
from corpus.output import FORMATS
from crawler.sites import SITES_DIR


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"aidcorpus {version('aidcorpus')}"


@pytest.mark.parametrize("module", ["aidcorpus", "corpus"])
def test_python_dash_m(module: str) -> None:
    proc = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.startswith("aidcorpus ")
    proc = subprocess.run([sys.executable, "-m", module, "search", "--help"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0 and "example:" in proc.stdout


LISTING = ["clusters", "links", "figures", "stats", "sites", "search", "extract"]


def _parser_of(name: str) -> argparse.ArgumentParser:
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return action.choices[name]


@pytest.mark.parametrize("name", LISTING)
def test_listing_commands_share_the_format_option(name: str) -> None:
    option = next(a for a in _parser_of(name)._actions if a.dest == "format")
    assert tuple(option.choices) == FORMATS and option.default is None
    assert "table on a terminal, jsonl in a pipe" in option.help


@pytest.fixture(scope="module")
def seeded(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "c.db"
    assert main(["ingest", "--db", str(db), str(seeds_dir)]) == 0
    return db


CASES = {
    "clusters": ["--min-size", "1"],
    "links": [],
    "figures": ["--match", "援疆医生"],
    "stats": [],
    "search": ["援疆医生"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_format_prints_the_same_rows(
    name: str, seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    outputs = {}
    for fmt in FORMATS:
        assert main([name, "--db", str(seeded), *CASES[name], "--format", fmt]) == 0
        outputs[fmt] = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in outputs["jsonl"]]
    assert rows
    header = outputs["tsv"][0].split("\t")
    if name != "stats":  # stats is one record in jsonl, one line per count otherwise
        assert len(outputs["tsv"]) == len(rows) + 1
    assert all(len(line.split("\t")) == len(header) for line in outputs["tsv"])
    assert all(col in outputs["table"][0] for col in header)  # table header names them too
    # a pipe (captured stdout) gets jsonl by default
    assert main([name, "--db", str(seeded), *CASES[name]]) == 0
    assert capsys.readouterr().out.splitlines() == outputs["jsonl"]


def test_db_from_environment_and_run_config(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AIDCORPUS_DB", raising=False)
    monkeypatch.delenv("AIDCORPUS_CONFIG", raising=False)
    assert main(["stats"]) == 2
    assert "pass --db, set AIDCORPUS_DB" in capsys.readouterr().err
    monkeypatch.setenv("AIDCORPUS_DB", str(seeded))
    assert main(["stats", "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 5
    monkeypatch.delenv("AIDCORPUS_DB")
    # the run config's [corpus] db, relative to the config file
    (tmp_path / "data").mkdir()
    shutil.copy(seeded, tmp_path / "data" / "mine.db")
    (tmp_path / "aidcorpus.toml").write_text(
        '[crawl]\nsites = ["x"]\n[corpus]\ndb = "data/mine.db"\n', encoding="utf-8"
    )
    assert main(["search", "援疆医生", "--format", "jsonl"]) == 0
    via_config = capsys.readouterr().out
    assert main(["search", "--db", str(seeded), "援疆医生", "--format", "jsonl"]) == 0
    assert via_config == capsys.readouterr().out and via_config.count("\n") >= 2
    other = tmp_path / "elsewhere.toml"
    other.write_text('[corpus]\ndb = "nowhere.db"\n', encoding="utf-8")
    monkeypatch.setenv("AIDCORPUS_CONFIG", str(other))
    assert main(["stats"]) == 2
    assert "nowhere.db" in capsys.readouterr().err
    # --db wins over both
    assert main(["stats", "--db", str(seeded), "--format", "jsonl"]) == 0


def test_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    for name, default in [("ingest", "(default: 200)"), ("crawl", "(default: warc)"),
                          ("ingest", "(default: auto)"), ("search", "(default: 20)"),
                          ("export", "(default: txt)"), ("run", "(default: aidcorpus.toml)")]:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert default in " ".join(capsys.readouterr().out.split()), (name, default)


def test_extract_takes_folders_and_warc_files(
    seeds_dir: Path, demo_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["extract", str(seeds_dir), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5 and all(r["text"] and r["chars"] == len(r["text"]) for r in rows)
    assert main(["extract", str(demo_corpus / "warc"), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    titles = {r.get("title") for r in rows}
    assert len(rows) >= 30 and "山西援疆新答卷：重民生、育产业、活智力" in titles
    assert main(["extract", str(seeds_dir), "--url", "https://x.cn/a.html"]) == 2
    assert "--url needs exactly one" in capsys.readouterr().err


def test_sites_dir_wherever_profiles_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "sites"
    mine.mkdir()
    shutil.copy(SITES_DIR / "demo-shanxi.toml", mine / "demo-shanxi.toml")
    capsys.readouterr()
    assert main(["sites", "--sites-dir", str(mine), "--format", "jsonl"]) == 0
    assert [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()] == [
        "demo-shanxi"
    ]
    assert main(["check-site", "people-xj", "--sites-dir", str(mine)]) == 2
    assert "demo-shanxi" in capsys.readouterr().err  # it names the profiles it knows
    assert main(["sites", "--sites-dir", str(tmp_path / "none")]) == 2
