"""Exports in one process: the seeds' layout, ids for life, versions, tombstones, the
folder's own record (moved folders, foreign files, file modes), recovery and snapshots."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from corpus.export import export
from corpus.export.folder import Entry, Folder
from corpus.store import Store
from tests.corpus.exportkit import add, key_of, read_feed

A, B, C = "http://a.cn/1.html", "http://b.cn/1.html", "http://a.cn/2.html"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "c.db", create=True)
    yield s
    s.close()


def test_txt_layout_numbering_and_manifest(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = add(store, A, "援疆正文一")
    add(store, B, "援疆正文一转载", cluster=first, published="2023-05-01")
    add(store, C, "援疆正文二")
    result = export(store, "txt", out)
    assert result.written == 2
    names = sorted(p.name for p in out.glob("*.txt"))
    assert names == [f"000_{key_of(A)}.txt", f"001_{key_of(C)}.txt"]
    assert (out / names[0]).read_text(encoding="utf-8") == "标题\n\n援疆正文一\n"
    assert export(store, "txt", out).written == 0  # nothing new: nothing written
    add(store, "http://c.cn/3.html", "援疆正文三")
    again = export(store, "txt", out)
    assert again.written == 1 and again.first_number == 2
    assert not [p for p in out.rglob("*") if p.is_file() and ".aidcorpus/tmp" in str(p)]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "aidcorpus" and manifest["schema_version"] == 2
    assert [e["documents"] for e in manifest["exports"]] == [2, 1]
    assert [f["file"] for f in manifest["files"]] == [*names, f"002_{key_of('http://c.cn/3.html')}.txt"]


def test_canonical_switch_keeps_the_id_and_raises_the_version(store: Store, tmp_path: Path) -> None:
    """A content-farm copy first, the original later: the cluster keeps the farm copy's key
    as its id, the new canonical text arrives as version 2 (txt: a new numbered file that
    supersedes the first; jsonl: a second line with the same id)."""
    farm = add(store, "http://farm.cn/x.html", "援疆转载正文，外加广告", published="2023-05-02")
    export(store, "txt", tmp_path / "t")
    export(store, "jsonl", tmp_path / "j")
    add(store, A, "援疆原文正文", cluster=farm, published="2023-05-01")
    result = export(store, "txt", tmp_path / "t")
    assert (result.written, result.updated) == (1, 1)
    uid = key_of("http://farm.cn/x.html")
    assert sorted(p.name for p in (tmp_path / "t").glob("*.txt")) == [
        f"000_{uid}.txt",
        f"001_{uid}.txt",
    ]
    assert "援疆原文正文" in (tmp_path / "t" / f"001_{uid}.txt").read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][1] == {
        "file": f"001_{uid}.txt", "number": 1, "id": uid, "version": 2, "supersedes": 0,
    }  # fmt: skip
    export(store, "jsonl", tmp_path / "j")
    (row,) = read_feed(tmp_path / "j").values()
    assert row["id"] == uid and row["text"] == "援疆原文正文"
    assert row["metadata"]["version"] == 2 and row["metadata"]["url"] == A
    assert [c["url"] for c in row["metadata"]["copies"]] == ["http://farm.cn/x.html", A]


def test_merged_cluster_becomes_a_tombstone(store: Store, tmp_path: Path) -> None:
    one = add(store, A, "援疆正文一")
    two = add(store, B, "援疆正文一的另一半")
    export(store, "jsonl", tmp_path / "j")
    export(store, "txt", tmp_path / "t")
    with store.batch():
        store.merge_clusters(one, [two])
        store.set_canonical(one, key_of(A))
    export(store, "jsonl", tmp_path / "j")
    lines = [json.loads(x) for x in (tmp_path / "j" / "aidcorpus-000002.jsonl").open()]
    assert [(x["id"], x["metadata"]["deleted"], x["metadata"]["merged_into"]) for x in lines] == [
        (key_of(A), False, ""),
        (key_of(B), True, key_of(A)),
    ]
    feed = read_feed(tmp_path / "j")
    assert list(feed) == [key_of(A)] and len(feed[key_of(A)]["metadata"]["copies"]) == 2
    export(store, "txt", tmp_path / "t")
    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tombstones"] == [
        {"id": key_of(B), "version": 2, "merged_into": key_of(A), "supersedes": 1}
    ]


def test_moved_folder_carries_on(store: Store, tmp_path: Path) -> None:
    add(store, A, "援疆正文一")
    export(store, "txt", tmp_path / "before")
    os.rename(tmp_path / "before", tmp_path / "after")
    assert export(store, "txt", tmp_path / "after").written == 0
    add(store, C, "援疆正文二")
    assert export(store, "txt", tmp_path / "after").first_number == 1


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "parquet"])
def test_a_folder_name_that_is_not_utf8_is_exported_to(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    """The folder's path is written into its log and the corpus's copy: a name from another
    system (Latin-1 bytes) failed with "not valid UTF-8" after creating the folder."""
    add(store, A, "援疆正文一")
    out = tmp_path / os.fsdecode(b"caf\xe9")
    assert export(store, fmt, out).written == 1
    assert export(store, fmt, out).written == 0
    [dest] = [r[0] for r in store.conn.execute("SELECT DISTINCT dest FROM exports")]
    assert dest.endswith("/caf\\xe9")  # shown with an escape, as ingest shows such names


def test_foreign_files_are_never_touched(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    foreign = {
        "004_7b12b3089f7594d5.txt": "another tool's file",
        "manifest.json": '{"tool": "reader", "seen": [1, 2]}',
        "notes.tmp": "not ours either",
    }
    for name, body in foreign.items():
        (out / name).write_text(body, encoding="utf-8")
    add(store, A, "援疆正文一")
    result = export(store, "txt", out)
    assert result.first_number == 5  # numbering continues past the files already there
    for name, body in foreign.items():
        assert (out / name).read_text(encoding="utf-8") == body
    ours = json.loads((out / "aidcorpus-manifest.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in ours["files"]] == [f"005_{key_of(A)}.txt"]


def test_invalid_foreign_manifest_is_left_alone(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    add(store, A, "援疆正文一")
    export(store, "txt", out)
    assert (out / "manifest.json").read_text(encoding="utf-8") == "{not json"


def test_file_modes_follow_the_umask(store: Store, tmp_path: Path) -> None:
    add(store, A, "援疆正文一")
    old = os.umask(0o022)
    try:
        for fmt in ("txt", "jsonl", "parquet"):
            export(store, fmt, tmp_path / fmt)
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".db"]
    files = [p for p in files if "c.db" not in p.name]
    assert len(files) >= 8
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {"0o644"}
    dirs = [p for p in tmp_path.rglob("*") if p.is_dir()]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in dirs} == {"0o755"}


def test_killed_commit_is_rolled_forward_as_far_as_it_got(store: Store, tmp_path: Path) -> None:
    """The state a SIGKILL leaves between publishing files and committing: the next export
    keeps what was published, removes temporary files, and delivers the rest once."""
    for i in range(4):
        add(store, f"http://a.cn/{i}.html", f"援疆正文{i}")
    out = tmp_path / "out"
    export(store, "txt", tmp_path / "whole")
    folder = Folder(out)
    out.mkdir()
    with folder.locked():
        from corpus.export.feed import open_state

        state = open_state(folder, store, "txt", "feed")
    names = sorted(p.name for p in (tmp_path / "whole").glob("*.txt"))
    entries = [Entry(n[4:20], 1, file=n, number=i) for i, n in enumerate(names)]
    folder.write_segment(1, {"at": "x"}, entries)
    for name in names[:2]:  # two files published before the kill
        (out / name).write_bytes((tmp_path / "whole" / name).read_bytes())
    folder.tmp.mkdir(parents=True, exist_ok=True)
    (folder.tmp / f"x-{names[2]}").write_text("half a fi", encoding="utf-8")
    assert state.commits == 0
    result = export(store, "txt", out)
    assert result.written == 2 and result.first_number == 2
    assert sorted(p.name for p in out.glob("*.txt")) == names
    assert not list(folder.tmp.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_a_folder_takes_one_format_and_one_corpus(store: Store, tmp_path: Path) -> None:
    from corpus.cli import main

    add(store, A, "援疆正文一")
    export(store, "txt", tmp_path / "out")
    with pytest.raises(Exception, match="holds a txt export"):
        export(store, "jsonl", tmp_path / "out")
    other = Store.open(tmp_path / "other.db", create=True)
    add(other, C, "援疆正文二")
    other.close()
    code = main(["export", "--db", str(tmp_path / "other.db"), "--out", str(tmp_path / "out")])
    assert code == 2


def test_snapshot_switches_latest_atomically(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "mirror"
    add(store, A, "援疆正文一")
    first = export(store, "jsonl", out, snapshot=True)
    assert first.snapshot == "snap-000001" and os.readlink(out / "latest") == "snap-000001"
    assert export(store, "jsonl", out, snapshot=True).written == 0  # unchanged corpus
    add(store, C, "援疆正文二")
    export(store, "jsonl", out, snapshot=True)
    add(store, "http://c.cn/3.html", "援疆正文三")
    export(store, "jsonl", out, snapshot=True)
    assert os.readlink(out / "latest") == "snap-000003"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "latest", "snap-000002", "snap-000003",
    ]  # fmt: skip
    rows = [json.loads(x) for p in (out / "latest").glob("*.jsonl") for x in p.open()]
    assert sorted(r["text"] for r in rows) == ["援疆正文一", "援疆正文三", "援疆正文二"]


def test_export_errors_are_one_line(store: Store, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from corpus.cli import main

    add(store, A, "援疆正文一")
    target = tmp_path / "afile"
    target.write_text("x")
    db = str(store.path)
    assert main(["export", "--db", db, "--out", str(target)]) == 2
    assert main(["export", "--db", db, "--out", str(target / "sub")]) == 2
    assert main(["export", "--db", db, "--out", str(tmp_path / "t"), "--gzip"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("aidcorpus: error:") for line in err)
    assert store.conn.execute("SELECT count(*) FROM exports").fetchone()[0] == 0


def test_database_mirrors_the_folder(store: Store, tmp_path: Path) -> None:
    add(store, A, "援疆正文一")
    add(store, C, "援疆正文二")
    export(store, "txt", tmp_path / "t")
    rows = store.conn.execute("SELECT uid, version, file FROM exports ORDER BY file").fetchall()
    assert [tuple(r) for r in rows] == [
        (key_of(A), 1, f"000_{key_of(A)}.txt"),
        (key_of(C), 1, f"001_{key_of(C)}.txt"),
    ]
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", r[2]) for r in rows)
