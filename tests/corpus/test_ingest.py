"""Ingest through the real extract and dedup stages: seeds, idempotency, a killed ingest."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus import queries
from corpus.ingest import ingest_paths
from corpus.store import Store

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


def test_seeds_linked_not_merged(seeds_dir: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db", create=True) as store:
        stats = ingest_paths(store, [seeds_dir])
        assert stats.stored == 5
        clusters = list(queries.clusters(store))
        assert len(clusters) == 5  # five distinct reports: nothing merged
        by_name = {Path(c["canonical"]).name[:3]: c for c in clusters}
        links = list(queries.links(store, "shared-passages"))
        pair = [
            link for link in links
            if {Path(link["a"]).name[:3], Path(link["b"]).name[:3]} == {"000", "001"}
        ]
        assert pair, f"000 and 001 must be linked; links: {links}"
        shared = " ".join(pair[0]["figures"] + pair[0]["passages"])
        assert "75400" in shared or "8000万元" in shared
        assert by_name["000"]["cluster"] != by_name["001"]["cluster"]


def test_ingest_twice_changes_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Store.open(db, create=True) as store:
        ingest_paths(store, [seeds_dir])
    before = _dump(db)
    with Store.open(db) as store:
        again = ingest_paths(store, [seeds_dir])
    assert again.stored == 0 and again.sources_skipped == 5
    assert _dump(db) == before


def _dump(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    rows = []
    for table in ("documents", "clusters", "links", "figures", "dropped", "sources"):
        rows += conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    conn.close()
    return [tuple(r) for r in rows]


def _warc(path: Path, n: int) -> list[str]:
    """A WARC of n distinct on-topic articles (distinct figures, so no merging)."""
    urls = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            url = f"http://news.example.cn/2023/0413/{i:04d}.html"
            paras = "".join(
                f"<p>第{i}批援疆干部在喀什开展第{j}项工作，投入资金{i * 7 + j}万元，"
                f"惠及群众{i * 13 + j * 3}人，建设项目{j + i % 5}个，编号{i}-{j}。</p>"
                for j in range(8)
            )
            body = (
                f"<html><head><meta charset='utf-8'><title>援疆报道{i}</title></head><body>"
                f"<h1>援疆报道第{i}篇</h1>{paras}</body></html>"
            ).encode()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                          http_headers=headers)
            )
            urls.append(url)
    return urls


def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    warc = tmp_path / "in.warc.gz"
    urls = _warc(warc, 120)
    db = tmp_path / "c.db"
    proc = subprocess.Popen(
        [AIDCORPUS, "ingest", "--db", str(db), "--batch", "5", str(warc)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        stored = _count(db)
        if stored >= 10:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert 0 < _count(db) < len(urls) or proc.returncode == 0
    done = subprocess.run(
        [AIDCORPUS, "ingest", "--db", str(db), str(warc)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    got = [r[0] for r in conn.execute("SELECT url FROM documents ORDER BY url")]
    assert got == sorted(urls)  # every article exactly once
    clusters = conn.execute("SELECT count(*) FROM clusters WHERE size > 0").fetchone()[0]
    assert clusters == len(urls)
    conn.close()
    out = subprocess.run(
        [AIDCORPUS, "clusters", "--db", str(db)], capture_output=True, text=True, timeout=60
    )
    copies = [u for line in out.stdout.splitlines() for u in json.loads(line)["copies"]]
    assert sorted(copies) == sorted(urls)


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(db, timeout=1)
        n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        conn.close()
        return int(n)
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_local_html_uses_canonical_link(tmp_path: Path, suffix: str) -> None:
    page = tmp_path / f"a{suffix}"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>援疆</title>"
        "<link rel='canonical' href='https://www.example.cn/2023/0413/a.html'></head><body>"
        "<h1>山西援疆新答卷</h1>"
        + "<p>山西援疆干部人才在昌吉开展教育援疆，安排资金2亿元，实施项目29个，建成学校。</p>" * 6
        + "</body></html>",
        encoding="utf-8",
    )
    plain = tmp_path / f"b{suffix}"
    plain.write_text(page.read_text(encoding="utf-8").replace(
        "<link rel='canonical' href='https://www.example.cn/2023/0413/a.html'>", ""),
        encoding="utf-8")
    with Store.open(tmp_path / "c.db", create=True) as store:
        ingest_paths(store, [page, plain])
        urls = {r[0] for r in store.conn.execute("SELECT url FROM documents")}
    assert urls == {"https://www.example.cn/2023/0413/a.html", plain.resolve().as_uri()}


def test_seed_texts_get_headline_outlet_and_origin(seeds_dir: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db", create=True) as store:
        ingest_paths(store, [seeds_dir / "000_7b12b3089f7594d5.txt",
                             seeds_dir / "002_238017e20009b5ff.txt"])
        rows = {Path(r[0]).name[:3]: r[1:] for r in store.conn.execute(
            "SELECT url, title, outlet, origin FROM documents")}
    # the headline, not the chrome printed above it (山西 / 中新網(wǎng) / 分享到)
    assert rows["000"][0] == "山西援疆新答卷:重民生、育产业、活智力"
    assert rows["002"][0].startswith("魯疆同心 齊美中華")
    # header 来源 names the page's own site, the closing 来源 the original
    assert rows["000"][1:] == ("中华网山西", "山西省人民政府官网")


def test_concurrent_ingests_wait_for_each_other(seeds_dir: Path, tmp_path: Path) -> None:
    copies = tmp_path / "copies"
    copies.mkdir()
    for name in ("000_7b12b3089f7594d5.txt", "004_4dc3b6bfc810ef5f.txt"):
        text = (seeds_dir / name).read_text(encoding="utf-8")
        (copies / f"repost_{name}").write_text(text.replace("援疆", "援疆", 1) + "\n转载", "utf-8")
    db = tmp_path / "c.db"
    procs = [
        subprocess.Popen([AIDCORPUS, "ingest", "--db", str(db), str(path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in (seeds_dir, copies)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Store.open(db) as store:
        multi = [c for c in queries.clusters(store) if len(c["copies"]) > 1]
    assert len(multi) == 2  # each repost found its original, whichever ran first


def test_text_files_in_gbk_and_big5_decode_by_evidence(seeds_dir: Path, tmp_path: Path) -> None:
    seed = seeds_dir / "000_7b12b3089f7594d5.txt"
    text = seed.read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.replace("\xa0", " ").encode("gbk"))
    big5 = tmp_path / "big5.txt"
    big5.write_bytes((seeds_dir / "002_238017e20009b5ff.txt").read_text(encoding="utf-8")
                     .encode("big5hkscs", errors="replace"))
    with Store.open(tmp_path / "c.db", create=True) as store:
        ingest_paths(store, [seed, gbk, big5])
        rows = {Path(r[0]).name: r[1:] for r in store.conn.execute(
            "SELECT url, title, encoding, cluster_id FROM documents")}
    assert rows["gbk.txt"][1] == "gb18030" and rows["big5.txt"][1] == "big5hkscs"
    assert rows["gbk.txt"][0] == rows[seed.name][0]  # same headline, not mojibake
    assert rows["gbk.txt"][2] == rows[seed.name][2]  # the same report: one cluster


def test_truncated_warc_keeps_complete_records_and_says_so(tmp_path: Path) -> None:
    warc = tmp_path / "in.warc.gz"
    urls = _warc(warc, 6)
    cut = tmp_path / "cut.warc.gz"
    # Six records of ~670 bytes: two thirds of the file is (nearly) the end of record 4,
    # and a cut exactly there is a valid shorter WARC; 200 bytes more lands inside record 5.
    cut.write_bytes(warc.read_bytes()[: warc.stat().st_size * 2 // 3 + 200])
    proc = subprocess.run([AIDCORPUS, "ingest", "--db", str(tmp_path / "c.db"), str(cut)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "truncated" in proc.stderr
    stored = _count(tmp_path / "c.db")
    assert 0 < stored < len(urls)
    # the whole file later: the rest is added, nothing twice
    done = subprocess.run([AIDCORPUS, "ingest", "--db", str(tmp_path / "c.db"), str(warc)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and _count(tmp_path / "c.db") == len(urls)
