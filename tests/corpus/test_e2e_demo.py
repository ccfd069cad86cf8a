"""End to end: `aidcorpus demo` crawls the local demo portal with the real spider, then
ingests, deduplicates and exports; the corpus must match the portal's ground truth."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from corpus.demo import expected

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    proc = subprocess.run(
        [AIDCORPUS, "demo", "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc.stdout


def _clusters(db: Path) -> list[dict]:
    proc = subprocess.run(
        [AIDCORPUS, "clusters", "--db", str(db), "--format", "jsonl"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _path(url: str) -> str:
    return urlsplit(url).path


def test_summary_names_the_outputs(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    assert "clusters with more than one copy" in stdout
    assert str(out / "corpus.db") in stdout and str(out / "export" / "txt") in stdout


def test_reposts_are_one_cluster_and_every_copy_is_kept(demo: tuple[Path, str]) -> None:
    out, _ = demo
    truth = expected()
    clusters = _clusters(out / "corpus.db")
    cluster_of = {_path(u): c["cluster"] for c in clusters for u in c["copies"]}
    for group in truth.clusters:
        ids = {cluster_of.get(p) for p in group}
        assert None not in ids, f"copies missing from the corpus: {group}"
        assert len(ids) == 1, f"reposts split over clusters {ids}: {group}"
    # distinct reports never share a cluster
    report_of = {a.path: a.report for a in truth.articles}
    for c in clusters:
        reports = {report_of.get(_path(u)) for u in c["copies"]}
        assert len(reports) == 1, f"distinct reports merged: {c['copies']}"
    # the Big5 (Traditional) and GBK (content farm) copies of reposted reports are found
    # in the corpus's multi-copy clusters, with the other copies of their report
    size = {c["cluster"]: len(c["copies"]) for c in clusters}
    for script_or_outlet in ("Hant", "farm"):
        paths = [a.path for a in truth.articles if a.on_topic
                 and script_or_outlet in (a.script, a.outlet) and len(truth.cluster_of(a.path)) > 1]
        assert paths
        for path in paths:
            assert size[cluster_of[path]] == len(truth.cluster_of(path)), path


def test_off_topic_pages_are_skipped(demo: tuple[Path, str]) -> None:
    out, _ = demo
    conn = sqlite3.connect(out / "corpus.db")
    stored = {_path(u) for (u,) in conn.execute("SELECT url FROM documents")}
    conn.close()
    truth = expected()
    assert not stored & set(truth.off_topic)
    assert set(truth.on_topic) <= stored


def test_figure_sharing_reports_are_linked_not_merged(demo: tuple[Path, str]) -> None:
    out, _ = demo
    proc = subprocess.run(
        [AIDCORPUS, "links", "--db", str(out / "corpus.db"), "--format", "jsonl"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    links = [json.loads(line) for line in proc.stdout.splitlines()]
    for want in expected().links:
        side_a, side_b = set(want.paths_a), set(want.paths_b)
        found = [
            link for link in links
            if link["kind"] == want.kind
            and {_path(link["a"]), _path(link["b"])} & side_a
            and {_path(link["a"]), _path(link["b"])} & side_b
        ]
        assert found, f"no {want.kind} link between {want.report_a} and {want.report_b}"


def test_export_is_in_the_seed_layout(demo: tuple[Path, str]) -> None:
    out, _ = demo
    files = sorted((out / "export" / "txt").glob("*.txt"))
    n_clusters = len(_clusters(out / "corpus.db"))
    assert len(files) == n_clusters
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", f.name) for f in files)
    assert [int(f.name[:3]) for f in files] == list(range(len(files)))
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "援疆" in text
    for junk in ("分享到", "ICP备", "(wǎng)", "本文章内容来源于网络"):
        assert junk not in text, junk
    (jsonl,) = (out / "export" / "jsonl").glob("*.jsonl")
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == n_clusters


def test_second_demo_run_adds_nothing(demo: tuple[Path, str]) -> None:
    out, _ = demo
    before = len(list((out / "export" / "txt").glob("*.txt")))
    docs = _count(out / "corpus.db")
    proc = subprocess.run(
        [AIDCORPUS, "demo", "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "nothing new to export" in proc.stdout
    assert len(list((out / "export" / "txt").glob("*.txt"))) == before
    assert _count(out / "corpus.db") == docs  # same URLs: nothing fetched or stored twice


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    return int(n)


def test_every_copy_names_its_outlet(demo: tuple[Path, str]) -> None:
    out, _ = demo
    conn = sqlite3.connect(out / "corpus.db")
    outlets = dict(conn.execute("SELECT url, outlet FROM documents").fetchall())
    conn.close()
    assert all(outlets.values()), [u for u, o in outlets.items() if not o]
    assert not [o for o in outlets.values() if re.search(r"\([a-zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü]+\)", o)]
    assert len(set(outlets.values())) >= 5  # five outlets, each named


def _stored(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {_path(r["url"]): dict(r) for r in conn.execute(
        "SELECT d.url, d.text, d.title, d.outlet, d.key, c.uid, c.canonical, c.version"
        " FROM documents d JOIN clusters c ON c.id = d.cluster_id")}
    conn.close()
    return rows


def _check_text(path: str, text: str) -> None:
    """The stored text is the copy's paragraphs as printed, in order, nothing after them
    (no teasers, footers, filler) and at most its headline and a kicker before them."""
    want = expected().article(path)
    lines = [line for line in text.split("\n") if line.strip()]
    intact = [p for i, p in enumerate(want.paragraphs) if i != want.damaged_paragraph]
    body = [line for i, line in enumerate(lines[-len(want.paragraphs):])
            if i != want.damaged_paragraph]
    assert body == intact, path
    head = lines[: len(lines) - len(want.paragraphs)]
    assert len(head) <= 2 and all(len(line) <= 40 for line in head), (path, head)


def test_stored_text_is_the_demo_text(demo: tuple[Path, str]) -> None:
    out, _ = demo
    truth = expected()
    stored = _stored(out / "corpus.db")
    single = [a for a in truth.articles if a.on_topic and len(a.pages) == 1]
    assert len(single) >= 25
    for article in single:
        doc = stored[article.path]
        _check_text(article.path, doc["text"])
        assert doc["outlet"] == article.outlet_name, article.path


def test_multi_page_copies_are_stitched(demo: tuple[Path, str]) -> None:
    out, _ = demo
    stored = _stored(out / "corpus.db")
    multi = [a for a in expected().articles if a.on_topic and len(a.pages) > 1]
    assert multi
    for article in multi:
        _check_text(article.path, stored[article.path]["text"])


def test_exports_carry_the_canonical_text_of_every_cluster(demo: tuple[Path, str]) -> None:
    """Canonical = the undamaged original when there is one; both exports deliver its
    stored text under the cluster's id, with every copy of the report."""
    out, _ = demo
    truth = expected()
    stored = _stored(out / "corpus.db")
    by_key = {d["key"]: (p, d) for p, d in stored.items()}
    clusters = {d["uid"]: by_key[d["canonical"]] for d in stored.values()}
    rows = {}
    for part in sorted((out / "export" / "jsonl").glob("*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows[row["id"]] = row
    assert set(rows) == set(clusters)
    txt = {f.name[4:20]: f.read_text(encoding="utf-8")
           for f in (out / "export" / "txt").glob("*.txt")}
    assert set(txt) == set(clusters)
    for uid, (path, doc) in clusters.items():
        group = truth.cluster_of(path)
        originals = [p for p in group if truth.article(p).original
                     and not truth.article(p).damaged and p in stored]
        if originals:
            assert path in originals, (path, originals)
        assert not truth.article(path).damaged
        row = rows[uid]
        assert row["text"] == doc["text"] and row["metadata"]["version"] == doc["version"]
        assert sorted(_path(c["url"]) for c in row["metadata"]["copies"]) == sorted(
            p for p in group if p in stored)
        body = txt[uid]
        title = doc["title"]
        lines = doc["text"].split("\n")
        if title in lines[:3]:  # the headline once on top
            lines.remove(title)
        assert body == title + "\n\n" + "\n".join(lines).lstrip("\n") + "\n"
        _check_text(path, body)
