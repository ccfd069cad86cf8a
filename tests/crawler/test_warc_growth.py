"""WARC files that grow by doubling (WARC_GROW_FROM): early files close soon, so `run` can
ingest them while the crawl goes on, and a crawl still makes only O(log n) files."""

from __future__ import annotations

import os
from pathlib import Path

from test_warc import record, responses

from crawler.warc import WarcWriter


def test_files_close_at_the_first_size_then_double(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="t", max_size=64_000, grow_from=4_000)
    body = os.urandom(900)  # incompressible: each record pair is ~1.9 KB on disk
    for i in range(150):
        writer.write(record(i, body), flush=False)
        writer.flush()
    writer.close()
    sizes = [p.stat().st_size for p in writer.closed_files]
    assert len(sizes) >= 5
    closed = 0
    for size in sizes[:-1]:
        limit = min(64_000, max(4_000, closed))
        assert limit <= size < limit + 4_000  # closes at its limit (one record over at most)
        closed += size
    assert sizes[1] < sizes[3] < sizes[4]  # growing
    urls = [r[0] for path in writer.closed_files for r in responses(path)]
    assert urls == [record(i).url for i in range(150)]  # every record once, in order


def test_no_growth_by_default(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="t", max_size=10**9)
    for i in range(20):
        writer.write(record(i))
    writer.close()
    assert len(writer.closed_files) == 1


def test_a_multi_page_article_stays_whole_across_small_files(tmp_path: Path) -> None:
    """Files rotate between flushes; an article's pages are archived together, so ingest
    (which stitches within a file) gets the whole article even with tiny files."""
    from portal_server import FAST, SITES_DIR, Portal, serve

    from corpus.ingest import ingest_paths
    from corpus.store import Store
    from crawler.run import crawl

    settings = {**FAST, "WARC_GROW_FROM": 2_000, "WARC_MAX_SIZE": 4_000,
                "WARC_BATCH_RECORDS": 1}  # fmt: skip
    with serve(Portal(n_lists=2, per_list=4, multipart=3)) as srv:
        stats = crawl(["test-portal"], warc_dir=tmp_path / "warc", base_url=srv.base,
                      state_path=tmp_path / "state.sqlite", settings=settings,
                      sites_dir=SITES_DIR)  # fmt: skip
    assert len(stats.warc_files) >= 4
    with Store.open(tmp_path / "c.db", create=True) as store:
        ingest_paths(store, [tmp_path / "warc"], topic_gate="off")
        rows = dict(store.conn.execute("SELECT url, text FROM documents").fetchall())
    assert not [u for u in rows if "_2.html" in u or "_3.html" in u]
    (whole,) = [t for u, t in rows.items() if u.endswith("/a3.html")]
    assert "第1部分" in whole and "第2部分" in whole and "第3部分" in whole
