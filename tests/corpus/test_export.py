"""Exports: the seeds' file layout, numbering across exports, only new clusters, atomic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.export import export
from corpus.store import Store
from extract.types import Article


def article(url: str, text: str, title: str = "标题") -> Article:
    return Article(
        url=url, title=title, text=text, published="2023-04-13T11:10:52+08:00",
        outlet="中华网山西", origin="山西省人民政府官网", original_title=None, authors=(),
        editor="王璐璐", provinces=("山西",), recipients=("昌吉",), topic_score=1.0,
        topic_terms=("援疆",), encoding="utf-8", encoding_reason="test", damage=0.0,
    )


def add(store: Store, key: str, url: str, text: str, cluster: int | None = None) -> int:
    with store.batch():
        cid = cluster or store.new_cluster()
        store.insert_document(
            article(url, text), key=key, exact_hash=key, cluster_id=cid,
            repost_of=None, similarity=None, source="test",
        )
        store.set_canonical(cid, key if cluster is None else store.copies(cid)[0].key)
    return cid


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "c.db", create=True)
    yield s
    s.close()


def test_txt_layout_and_numbering_continue(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = add(store, "0123456789abcdef", "http://a.cn/1.html", "援疆正文一")
    add(store, "fedcba9876543210", "http://b.cn/1.html", "援疆正文一转载", cluster=first)
    add(store, "00000000000000aa", "http://a.cn/2.html", "援疆正文二")
    result = export(store, "txt", out)
    assert result.written == 2
    names = sorted(p.name for p in out.glob("*.txt"))
    assert names == ["000_0123456789abcdef.txt", "001_00000000000000aa.txt"]
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", n) for n in names)
    assert (out / names[0]).read_text(encoding="utf-8") == "标题\n\n援疆正文一\n"
    assert export(store, "txt", out).written == 0  # nothing new: nothing written
    add(store, "00000000000000bb", "http://c.cn/3.html", "援疆正文三")
    again = export(store, "txt", out)
    assert again.written == 1 and again.first_number == 2
    assert (out / "002_00000000000000bb.txt").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [e["documents"] for e in manifest["exports"]] == [2, 1]


def test_jsonl_and_parquet_carry_every_copy(store: Store, tmp_path: Path) -> None:
    first = add(store, "0123456789abcdef", "http://a.cn/1.html", "援疆正文一")
    add(store, "fedcba9876543210", "http://b.cn/1.html", "援疆正文一转载", cluster=first)
    export(store, "jsonl", tmp_path / "j")
    (jsonl,) = (tmp_path / "j").glob("*.jsonl")
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and set(rows[0]) == {"id", "text", "metadata"}
    copies = rows[0]["metadata"]["copies"]
    assert [c["url"] for c in copies] == ["http://a.cn/1.html", "http://b.cn/1.html"]
    export(store, "parquet", tmp_path / "p")
    (parquet,) = (tmp_path / "p").glob("*.parquet")
    table = pq.read_table(parquet)
    assert table.column("id").to_pylist() == ["0123456789abcdef"]


def test_destinations_are_independent(store: Store, tmp_path: Path) -> None:
    add(store, "0123456789abcdef", "http://a.cn/1.html", "援疆正文一")
    assert export(store, "txt", tmp_path / "one").written == 1
    assert export(store, "txt", tmp_path / "two").written == 1


def test_numbering_continues_after_files_already_in_the_folder(store: Store,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "004_7b12b3089f7594d5.txt").write_text("another tool's file", encoding="utf-8")
    (out / ".007_0123456789abcdef.txt.abc123.tmp").write_text("debris of a killed export")
    add(store, "0123456789abcdef", "http://a.cn/1.html", "援疆正文一")
    result = export(store, "txt", out)
    assert result.first_number == 5
    assert sorted(p.name for p in out.iterdir()) == [
        "004_7b12b3089f7594d5.txt", "005_0123456789abcdef.txt", "manifest.json"]


def test_export_errors_are_one_line(store: Store, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from corpus.cli import main

    add(store, "0123456789abcdef", "http://a.cn/1.html", "援疆正文一")
    target = tmp_path / "afile"
    target.write_text("x")
    db = str(store.path)
    assert main(["export", "--db", db, "--out", str(target)]) == 2
    assert main(["export", "--db", db, "--out", str(target / "sub")]) == 2
    assert main(["export", "--db", db, "--out", str(tmp_path / "t"), "--gzip"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("aidcorpus: error:") for line in err)
    assert store.conn.execute("SELECT count(*) FROM exports").fetchone()[0] == 0
