"""figures, show, reindex and a mismatched index, through the CLI on the ingested seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.ingest import index_dir_for
from dedup.engine import Deduper
from dedup.params import DedupParams


@pytest.fixture
def db(seeds_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    assert main(["ingest", "--db", str(path), str(seeds_dir)]) == 0
    return path


def test_figures_show_where_a_figure_changed(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["figures", "--db", str(db), "--match", "援疆医生", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    values = {(r["value"], Path(r["url"]).name[:3]) for r in rows}
    assert ("67", "000") in values and ("105", "001") in values


def test_show_names_cluster_and_links(db: Path, seeds_dir: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = (seeds_dir / "000_7b12b3089f7594d5.txt").resolve().as_uri()
    capsys.readouterr()
    assert main(["show", "--db", str(db), url]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["url"] == url and doc["cluster"]["copies"][0]["url"] == url
    assert any("001_" in (link["a"] + link["b"]) for link in doc["links"])
    assert main(["show", "--db", str(db), "file:///nowhere.txt"]) == 2


def test_reindex_then_ingest_again_matches(db: Path, seeds_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reindex", "--db", str(db)]) == 0
    assert "from 5 stored documents" in capsys.readouterr().out
    copy = tmp_path / "repost"
    copy.mkdir()
    text = (seeds_dir / "004_4dc3b6bfc810ef5f.txt").read_text(encoding="utf-8")
    (copy / "004_copy.txt").write_text("转载:" + text, encoding="utf-8")
    assert main(["ingest", "--db", str(db), str(copy)]) == 0
    assert main(["clusters", "--db", str(db), "--min-size", "2"]) == 0
    (cluster,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()
                  if line.startswith("{")]
    assert {Path(u).name for u in cluster["copies"]} == {"004_4dc3b6bfc810ef5f.txt", "004_copy.txt"}


def test_index_with_other_parameters_is_refused(seeds_dir: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    other = Deduper(index_dir_for(db), DedupParams(ngram=4))
    other.save()
    other.close()
    assert main(["ingest", "--db", str(db), str(seeds_dir)]) == 2
    err = capsys.readouterr().err
    assert "ngram" in err and "reindex" in err and "Traceback" not in err


@pytest.mark.parametrize("damage", ["truncate", "params", "file"])
def test_reindex_repairs_a_broken_index(db: Path, seeds_dir: Path, damage: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    index = index_dir_for(db)
    if damage == "truncate":
        for f in index.rglob("*"):
            if f.is_file() and f.suffix != ".json":
                f.write_bytes(f.read_bytes()[:40])
    elif damage == "params":
        shutil.rmtree(index)
        Deduper(index, DedupParams(ngram=4)).save()
    else:
        shutil.rmtree(index)
        index.write_text("not a folder")
    capsys.readouterr()
    assert main(["ingest", "--db", str(db), "--force", str(seeds_dir)]) == 2
    err = capsys.readouterr().err
    assert "reindex" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["reindex", "--db", str(db)]) == 0
    assert main(["ingest", "--db", str(db), "--force", str(seeds_dir)]) == 0
    assert "0 documents stored" in capsys.readouterr().out


def test_links_read_from_the_earlier_report_to_the_later(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ingest the September report first: the link must still run April -> September
    db = tmp_path / "c.db"
    lines = (seeds_dir / "001_62f332757297812e.txt").read_text(encoding="utf-8").splitlines()
    dated = tmp_path / "001_dated.txt"  # the seed names no year; its byline would
    dated.write_text("\n".join([lines[0], "2023-09-05 08:00 来源:山西日报", *lines[1:]]), "utf-8")
    assert main(["ingest", "--db", str(db), str(dated)]) == 0
    assert main(["ingest", "--db", str(db), str(seeds_dir / "000_7b12b3089f7594d5.txt")]) == 0
    capsys.readouterr()
    assert main(["links", "--db", str(db), "--kind", "shared-passages"]) == 0
    (link,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert Path(link["a"]).name.startswith("000") and Path(link["b"]).name.startswith("001")
    assert any("67名 → 105名" in f for f in link["figures"]), link["figures"]
