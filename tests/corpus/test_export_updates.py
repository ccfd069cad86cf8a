"""Feeds that stay current, through the CLI: ingest content-farm copies, export, ingest the
originals (canonical copies switch, clusters merge), export again. A folder read as the
contract says (file order, highest version per id, tombstones dropped) must equal a fresh
export of the final corpus, in every format, with one schema in every file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow.json as pj
import pyarrow.parquet as pq
import pytest

from corpus.demo.content import load_content
from tests.corpus.exportkit import AIDCORPUS, read_feed

PAGE = (
    "<html><head><meta charset='utf-8'><title>{title}</title>"
    "<link rel='canonical' href='{url}'><meta name='pubdate' content='{time}'>"
    "<meta property='og:site_name' content='{outlet}'></head><body>"
    "<div class='nav'><a href='/'>首页</a> <a href='/n'>新闻</a></div><div class='main'>"
    "<h1>{title}</h1><p>来源：{source}</p>{body}</div>"
    "<div class='footer'>版权所有 © 2023 京ICP备05004340号-1</div></body></html>"
)


def _page(folder: Path, name: str, url: str, title: str, time: str, source: str,
          paragraphs: tuple[str, ...]) -> None:  # fmt: skip
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    outlet = "聚才资讯网" if "farm" in url else source
    html = PAGE.format(title=title, url=url, time=time, source=source, body=body, outlet=outlet)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_text(html, encoding="utf-8")


def _cli(*args: str) -> str:
    proc = subprocess.run([AIDCORPUS, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two farm copies of each report first (each with a part of it, so they do not match
    each other), then the originals, which match both: clusters merge, canonicals switch."""
    base = tmp_path_factory.mktemp("updates")
    reports = [r for r in load_content().reports if r.topic and len(r.paragraphs) >= 5][:6]
    assert len(reports) == 6
    for i, r in enumerate(reports):
        half = (len(r.paragraphs) + 2) // 2
        for j, part in enumerate((r.paragraphs[: half + 1], r.paragraphs[half - 1 :])):
            _page(base / "farm", f"f{i}{j}", f"http://farm.example/{i}/{j}.html",
                  r.title, f"2023-12-0{j + 1} 08:00:00", r.origin, part)  # fmt: skip
        _page(base / "orig", f"o{i}", f"http://news.example/{i}.html", r.title,
              f"{r.date} 07:00:00", r.origin, r.paragraphs)  # fmt: skip
    db = str(base / "c.db")
    formats = {"jsonl": "jsonl", "txt": "txt", "parquet": "parquet"}
    _cli("ingest", "--db", db, str(base / "farm"))
    for name, fmt in formats.items():
        _cli("export", "--db", db, "--format", fmt, "--out", str(base / name))
    _cli("ingest", "--db", db, str(base / "orig"))
    for name, fmt in formats.items():
        _cli("export", "--db", db, "--format", fmt, "--out", str(base / name))
        _cli("export", "--db", db, "--format", fmt, "--out", str(base / f"fresh-{name}"))
    return {"base": base, "db": base / "c.db"}


def test_jsonl_feed_read_in_order_equals_a_fresh_export(feeds: dict[str, Path]) -> None:
    base = feeds["base"]
    parts = sorted((base / "jsonl").glob("*.jsonl"))
    assert [p.name for p in parts] == ["aidcorpus-000001.jsonl", "aidcorpus-000002.jsonl"]
    second = [json.loads(x) for x in parts[1].open()]
    tombstones = [r for r in second if r["metadata"]["deleted"]]
    assert len(tombstones) == 6 and all(r["metadata"]["merged_into"] for r in tombstones)
    feed, fresh = read_feed(base / "jsonl"), read_feed(base / "fresh-jsonl")
    assert len(fresh) == 6
    assert feed == fresh
    for row in fresh.values():  # the original is canonical, every copy is listed
        assert row["metadata"]["url"].startswith("http://news.example/")
        assert len(row["metadata"]["copies"]) == 3
        assert row["metadata"]["published"].endswith(".000+08:00")
    # ids were kept: every current id is one the first export delivered
    first_ids = {json.loads(x)["id"] for x in parts[0].open()}
    assert set(feed) <= first_ids


def test_every_jsonl_file_has_one_schema(feeds: dict[str, Path]) -> None:
    base = feeds["base"]
    files = [*sorted((base / "jsonl").glob("*.jsonl")), *(base / "fresh-jsonl").glob("*.jsonl")]
    schemas = {str(pj.read_json(p).schema) for p in files}
    assert len(schemas) == 1, schemas


def test_hugging_face_datasets_reads_the_folder(
    feeds: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    ds = datasets.load_dataset(
        "json", data_dir=str(feeds["base"] / "jsonl"), split="train",
        cache_dir=str(tmp_path / "hf"),
    )  # fmt: skip
    lines = sum(1 for p in (feeds["base"] / "jsonl").glob("*.jsonl") for _ in p.open())
    assert ds.num_rows == lines
    published = {r["metadata"]["published"] for r in ds if not r["metadata"]["deleted"]}
    assert published and all(p.endswith(".000+08:00") for p in published)  # offset kept


def test_parquet_feed_is_typed_and_current(feeds: dict[str, Path]) -> None:
    pd = pytest.importorskip("pandas")
    from corpus.export.schema import arrow_schema

    base = feeds["base"]
    for path in (base / "parquet").glob("*.parquet"):
        assert pq.read_schema(path).equals(arrow_schema(), check_metadata=False)
    frame = pd.read_parquet(base / "parquet")
    frame = frame.sort_values("version").groupby("id").tail(1)
    current = frame[~frame["deleted"]].set_index("id").sort_index()
    fresh = pd.read_parquet(base / "fresh-parquet").set_index("id").sort_index()
    assert list(current.index) == list(fresh.index)
    assert list(current["text"]) == list(fresh["text"])
    assert list(current["version"]) == list(fresh["version"])
    assert str(fresh["published"].dtype).startswith("datetime64[ms, UTC]")
    assert set(fresh["outlet"]) == set(fresh["origin"])  # the originals, named by 来源


def test_txt_feed_supersedes_and_matches_a_fresh_export(feeds: dict[str, Path]) -> None:
    base = feeds["base"]
    manifest = json.loads((base / "txt" / "manifest.json").read_text(encoding="utf-8"))
    latest: dict[str, dict] = {}
    for entry in manifest["files"]:
        latest[entry["id"]] = entry
    gone = {t["id"] for t in manifest["tombstones"]}
    assert len(gone) == 6
    current = {i: e for i, e in latest.items() if i not in gone}
    updates = [e for e in manifest["files"] if e["supersedes"] is not None]
    assert len(updates) == 6
    fresh = json.loads((base / "fresh-txt" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(current) == sorted(e["id"] for e in fresh["files"])
    for entry in fresh["files"]:
        mine = current[entry["id"]]
        assert mine["version"] == entry["version"]
        got = (base / "txt" / mine["file"]).read_text(encoding="utf-8")
        assert got == (base / "fresh-txt" / entry["file"]).read_text(encoding="utf-8")
