"""Ingest stores a multi-page article only whole: a group cut by a kill inside its write, or
archived as incomplete, is deferred (nothing stored, nothing dropped), and stored whole when
a later WARC file holds all its pages; groups without a page count (older WARC files) are
stitched as before. Real WARC files from the crawler's writer, a real SQLite corpus."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

from corpus.ingest import IngestStats, ingest_paths
from corpus.store import Store
from crawler.warc import FetchRecord, WarcWriter, now_iso

FIRST = "http://127.0.0.1:1/news/2024/0101/a7.html"
PARAS = [
    "山西援疆工作队在昌吉开展对口支援，援疆干部人才积极投身受援地建设，累计投入资金三千万元。",
    "第二页：对口支援新疆的干部人才在受援地开展医疗帮扶，惠及当地群众一万余人次，广受好评。",
    "第三页：援疆项目覆盖教育、医疗、产业三大领域，受援地群众生活水平持续提高，前景可期。",
]


def _page(n: int, *, parts: int | None, kind: str = "article") -> FetchRecord:
    url = FIRST if n == 1 else FIRST.replace(".html", f"_{n}.html")
    body = (
        "<html><head><meta charset='utf-8'><title>援疆工作综述</title></head><body>"
        f"<h1>援疆工作综述</h1><div class='article'><p>{PARAS[n - 1] * 3}</p></div></body></html>"
    ).encode()
    return FetchRecord(
        url=url, request_url=url, status=200, headers=(("Content-Type", "text/html"),),
        body=body, request_headers=(), site="demo-split", kind=kind if n == 1 else "part",
        fetched=now_iso(), part_of=FIRST, part=n, parts=parts, last_part=n == 3,
    )  # fmt: skip


def _write(folder: Path, pages: list[FetchRecord], *, cut_after: int | None = None) -> Path:
    """One WARC file holding `pages` (a group written in one write, as the crawler does);
    `cut_after`: the file ends after that many pages, as a kill inside the write leaves it
    once the `.open` file is recovered."""
    writer = WarcWriter(folder, prefix="split", max_size=10**9)
    for rec in pages:
        writer.write(rec, flush=False, rotate=False)
    path = writer.close()
    assert path is not None
    if cut_after is not None:
        data = path.read_bytes()
        ends = _member_ends(data)  # warcinfo, then a request and a response per page
        path.write_bytes(data[: ends[2 * cut_after]])
    return path


def _member_ends(data: bytes) -> list[int]:
    """Where each gzip member (one WARC record) of a file ends."""
    ends, pos = [], 0
    while pos < len(data):
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        member.decompress(data[pos:])
        pos = len(data) - len(member.unused_data)
        ends.append(pos)
    return ends


def _ingest(db: Path, folder: Path) -> IngestStats:
    with Store.open(db, create=True) as store:
        return ingest_paths(store, [folder], topic_gate="off")


def _texts(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT url, text FROM documents"))


def test_cut_group_is_deferred_then_stored_whole(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    first = tmp_path / "run1"
    _write(first, [_page(n, parts=3) for n in (1, 2, 3)], cut_after=1)
    stats = _ingest(db, first)
    assert stats.incomplete == 1 and stats.stored == 0 and not stats.errors
    assert "1 multi-page articles incomplete" in stats.summary()
    assert _texts(db) == {}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM dropped").fetchone()[0] == 0
    second = tmp_path / "run2"
    _write(second, [_page(n, parts=3) for n in (1, 2, 3)])
    stats = _ingest(db, second)
    assert stats.stored == 1
    text = _texts(db)[FIRST]
    at = [text.index(p[:20]) for p in PARAS]
    assert at == sorted(at)  # all three pages, in order


def test_group_archived_incomplete_is_not_stored(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    _write(tmp_path / "w", [_page(n, parts=0) for n in (1, 2)])
    stats = _ingest(db, tmp_path / "w")
    assert stats.incomplete == 1 and _texts(db) == {}


def test_whole_copy_beside_an_incomplete_one_in_one_file(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    pages = [_page(1, parts=0), *(_page(n, parts=3) for n in (1, 2, 3))]
    _write(tmp_path / "w", pages)
    stats = _ingest(db, tmp_path / "w")
    assert stats.stored == 1 and stats.incomplete == 0
    assert all(p[:20] in _texts(db)[FIRST] for p in PARAS)


def test_group_without_a_count_is_stitched_as_before(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    _write(tmp_path / "w", [_page(n, parts=None) for n in (1, 2, 3)])
    stats = _ingest(db, tmp_path / "w")
    assert stats.stored == 1 and stats.incomplete == 0
    assert all(p[:20] in _texts(db)[FIRST] for p in PARAS)
