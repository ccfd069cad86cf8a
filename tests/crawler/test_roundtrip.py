"""The WARC record contract end to end: crawl a local site (articles, a multi-page article,
a URL list) into WARC files, ingest them, and compare the stored text with what was served."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from portal_server import FAST, ON_TOPIC, SITES_DIR, Portal, article_path, serve

from corpus.ingest import ingest_paths
from corpus.store import Store
from crawler import records
from crawler.run import crawl


def test_crawl_then_ingest_stores_articles_whole_and_url_lists(tmp_path: Path) -> None:
    portal = Portal()
    warc = tmp_path / "warc"
    with serve(portal) as srv:
        kw = {"warc_dir": warc, "state_path": tmp_path / "state.sqlite"}
        crawl(["test-portal"], base_url=srv.base, settings=FAST, sites_dir=SITES_DIR, **kw)
        listed = [srv.base + article_path(5), srv.base + article_path(7)]
        crawl(["my-list"], urls=listed, settings={**FAST, "AIDCORPUS_ALLOW_LOCAL": True}, **kw)
        base = srv.base
    with Store.open(tmp_path / "corpus.db", create=True) as store:
        stats = ingest_paths(store, [warc], topic_gate="off", sites_dir=SITES_DIR)
    with sqlite3.connect(tmp_path / "corpus.db") as db:
        docs = dict(db.execute("SELECT url, text FROM documents"))
        sites = dict(db.execute("SELECT url, site FROM documents"))
    # every article of the portal, each with its own text
    for i in portal.articles():
        assert f"文章{i}" in docs[base + article_path(i)], i
    # the three-page article is one document holding all three pages, in order
    whole = docs[base + article_path(3)]
    at = [whole.index(f"第{n}部分") for n in (1, 2, 3)]
    assert at == sorted(at) and ON_TOPIC[:10] in whole
    stem = base + article_path(3)[: -len(".html")]
    assert f"{stem}_2.html" not in docs and f"{stem}_3.html" not in docs
    # a URL-list crawl is stored too; the URL-list copy of a page already stored is not twice
    assert sites[listed[0]] in ("test-portal", "my-list") and stats.stored == len(docs)
    # list pages, feeds and sitemaps are never documents
    assert not [u for u in docs if u.endswith(("/news/", ".xml")) or "index_" in u]


def test_url_list_alone_is_ingested(tmp_path: Path) -> None:
    with serve(Portal()) as srv:
        urls = [srv.base + article_path(i) for i in (1, 2, 3)]
        local = {**FAST, "AIDCORPUS_ALLOW_LOCAL": True}
        crawl(["only-urls"], urls=urls, warc_dir=tmp_path / "warc",
              state_path=tmp_path / "s.sqlite", settings=local)  # fmt: skip
    with Store.open(tmp_path / "c.db", create=True) as store:
        stats = ingest_paths(store, [tmp_path / "warc"], topic_gate="off")
    assert stats.stored == 3  # was 0: ingest dropped every "url" record
    with sqlite3.connect(tmp_path / "c.db") as db:
        text = dict(db.execute("SELECT url, text FROM documents"))[urls[2]]
    assert all(f"第{n}部分" in text for n in (1, 2, 3))  # URL-list articles are stitched too


def test_header_names_and_kinds_come_from_one_module() -> None:
    here = Path(__file__).resolve().parents[2]
    for path in [here / "corpus" / "sources.py", here / "crawler" / "warc.py"]:
        text = path.read_text(encoding="utf-8")
        assert "WARC-Aidcorpus-" not in text, path  # spelt only in crawler/records.py
    assert records.DOCUMENT_KINDS == {"article", "part", "url"}
