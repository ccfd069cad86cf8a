"""The offline demo portal: served pages, encodings, lists/feeds, ground truth, profiles, crawl."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.robotparser import RobotFileParser

import opencc
import pytest

from corpus.demo import DemoServer, expected
from corpus.demo.content import copy_paragraphs, copy_path, load_content
from corpus.demo.traditional import to_traditional
from crawler.sites import load_sites
from extract.topic import match_terms
from zhtext import hash_view

GLOSS = re.compile(r"[\u4e00-\u9fff]\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
TIMEOUT = 10


def to_simplified(text: str) -> str:
    return opencc.OpenCC("t2s").convert(text)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def grams(text: str, n: int = 5) -> set[str]:
    view = hash_view(text)
    return {view[i : i + n] for i in range(len(view) - n + 1)}


def jaccard(a: str, b: str) -> float:
    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


def report_text(report_id: str, copy_index: int = 0) -> str:
    report = load_content().report(report_id)
    return "".join(copy_paragraphs(report, report.copies[copy_index]))


# --- serving ---------------------------------------------------------------------------


def test_every_page_is_served_with_its_bytes_and_type(server: DemoServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    for path, (body, content_type) in server.pages.items():
        status, headers, got = get(server.base_url + path)
        assert status == 200, path
        assert got == body, path
        assert headers["Content-Type"] == content_type, path


def test_unknown_paths_are_404_and_etag_gives_304(server: DemoServer) -> None:
    assert get(server.base_url + "/shanxi/2099/0101/nope.html")[0] == 404
    assert get(server.base_url + "/nowhere/")[0] == 404
    path = expected().on_topic[0]
    status, headers, _ = get(server.base_url + path)
    assert status == 200 and headers["ETag"]
    again = get(server.base_url + path, {"If-None-Match": headers["ETag"]})
    assert again[0] == 304 and again[2] == b""


def test_robots_allows_the_outlets_and_disallows_admin(server: DemoServer) -> None:
    _, _, body = get(server.base_url + "/robots.txt")
    robots = RobotFileParser()
    robots.parse(body.decode("utf-8").splitlines())
    assert not robots.can_fetch("aidcorpus", server.base_url + "/admin/")
    for path in expected().trap_pages:
        assert path in server.pages
        assert not robots.can_fetch("aidcorpus", server.base_url + path)
    for path in expected().all_article_pages:
        assert robots.can_fetch("aidcorpus", server.base_url + path), path


# --- encodings and scripts -------------------------------------------------------------


def outlet_pages(server: DemoServer, key: str) -> list[tuple[str, bytes, str]]:
    prefix = load_content().outlet(key).prefix
    return [
        (p, body, ctype)
        for p, (body, ctype) in server.pages.items()
        if p.startswith(prefix) and ctype.startswith("text/html")
    ]


def test_gbk_outlet_sends_gbk_bytes_declared_gb2312(server: DemoServer) -> None:
    pages = outlet_pages(server, "farm")
    assert len(pages) >= 10
    for path, body, ctype in pages:
        assert ctype == "text/html; charset=gb2312", path
        assert b'content="text/html; charset=gb2312"' in body, path
        text = body.decode("gbk")
        assert "援疆" in text or "资讯" in text
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        # 喆 is GBK but not GB2312: a decoder trusting the label strictly would fail.
        with pytest.raises(UnicodeDecodeError):
            body.decode("gb2312")


def test_big5_outlet_is_traditional_with_glosses_and_mojibake(server: DemoServer) -> None:
    ex = expected()
    articles = [a for a in ex.articles if a.outlet == "chinanews"]
    assert len(articles) >= 5
    for article in articles:
        body, ctype = server.pages[article.path]
        assert ctype == "text/html; charset=big5"
        assert b"charset=big5" in body
        text = body.decode("big5hkscs")
        assert GLOSS.search(text), article.path
        body_text = re.sub(r"<[^>]+>", "", text)
        assert to_simplified(body_text) != body_text  # Traditional script, not Simplified
    damaged = [a for a in articles if a.damaged]
    assert damaged
    text = server.pages[damaged[0].path][0].decode("big5hkscs")
    assert "?021年" in text and to_traditional("模式，2021年") not in text


def test_utf8_outlets_decode_as_utf8(server: DemoServer) -> None:
    for key in ("shanxi", "sxrb", "hebei"):
        for path, body, ctype in outlet_pages(server, key):
            assert ctype == "text/html; charset=utf-8", path
            body.decode("utf-8")


# --- lists, pagination, feeds ----------------------------------------------------------


def test_each_outlet_has_paginated_lists_and_a_feed(server: DemoServer) -> None:
    ex = expected()
    for outlet in load_content().outlets:
        first = server.pages[outlet.prefix + "index.html"][0].decode(outlet.codec)
        assert server.pages[outlet.prefix][0] == server.pages[outlet.prefix + "index.html"][0]
        assert outlet.prefix + "index_1.html" in server.pages
        assert f"{server.base_url}{outlet.prefix}index_1.html" in first
        feed_body, feed_type = server.pages[outlet.feed_path]
        assert "xml" in feed_type
        root = ET.fromstring(feed_body)
        locs = {el.text for el in root.iter() if el.tag.endswith(("loc", "link"))}
        for article in ex.articles:
            if article.outlet == outlet.key:
                assert server.base_url + article.path in locs, article.path


def test_split_article_links_its_second_page(server: DemoServer) -> None:
    split = [a for a in expected().articles if len(a.pages) > 1]
    assert split
    for article in split:
        assert article.pages[1].endswith("_2.html")
        first = server.pages[article.pages[0]][0].decode("utf-8")
        assert re.search(rf'href="{re.escape(server.base_url + article.pages[1])}">下一页<', first)
        assert article.pages[1] in server.pages


# --- ground truth ----------------------------------------------------------------------


def test_counts_and_clusters_reference_served_pages(server: DemoServer) -> None:
    ex = expected()
    assert len(ex.on_topic) >= 30
    assert len(ex.off_topic) >= 4
    assert len({a.outlet for a in ex.articles}) >= 4
    for page in ex.all_article_pages:
        assert page in server.pages, page
    assert len(ex.clusters) >= 5
    for cluster in ex.clusters:
        assert len(cluster) >= 2
        assert len({ex.article(p).outlet for p in cluster}) == len(cluster)  # across outlets
    mixed = [c for c in ex.clusters if {ex.article(p).outlet for p in c} >= {"chinanews", "farm"}]
    assert mixed, "a report needs both a Big5 Traditional copy and a GBK farm copy"
    kinds = {link.kind for link in ex.links}
    assert kinds == {"shared-passages", "same-template"}
    for link in ex.links:
        assert link.paths_a and link.paths_b
        assert not set(link.paths_a) & set(link.paths_b)


def test_reposts_name_their_source_and_stay_near_duplicates(server: DemoServer) -> None:
    content = load_content()
    for report in content.reports:
        base_text = "".join(report.paragraphs)
        for copy in report.copies:
            outlet = content.outlet(copy.outlet)
            path = copy_path(outlet, copy)
            html = to_simplified(server.pages[path][0].decode(outlet.codec))
            assert to_simplified(copy.source) in html, path
            assert jaccard(base_text, "".join(copy_paragraphs(report, copy))) > 0.8, path


def test_linked_reports_share_figures_but_are_distinct() -> None:
    for link in load_content().links:
        a, b = report_text(link.a), report_text(link.b)
        for figure in link.figures:
            assert figure in a and figure in b, figure
        for _what, value_a, value_b in link.changed:
            assert value_a in a and value_b in b and value_b not in a
        similarity = jaccard(a, b)
        if link.kind == "shared-passages":
            assert similarity < 0.3  # clause-level reuse only, like seeds 000 and 001
        else:
            assert similarity > 0.5  # same frame, different figures


def test_off_topic_reports_carry_no_topic_terms() -> None:
    off = [r for r in load_content().reports if not r.topic]
    assert len(off) >= 4
    for report in off:
        assert match_terms(report.title + "".join(report.paragraphs)) == (), report.id


# --- profiles and crawl ----------------------------------------------------------------


def test_demo_profiles_load_and_match_the_portal(server: DemoServer) -> None:
    sites = load_sites()
    ex = expected()
    for outlet in load_content().outlets:
        site = sites[f"demo-{outlet.key}"].for_base(server.base_url)
        assert site.local and site.domains() == ("127.0.0.1",)
        list_re, article_re = site.list_re(), site.article_re()
        assert list_re is not None
        for url in (*site.start_urls, *site.sitemaps, *site.feeds):
            assert get(url)[0] == 200, url
        for article in ex.articles:
            url = server.base_url + article.path
            assert bool(article_re.search(url)) == (article.outlet == outlet.key), url
            assert not list_re.search(url)
        assert list_re.search(f"{server.base_url}{outlet.prefix}index_1.html")


def test_crawl_archives_every_article_page(server: DemoServer, tmp_path: Path) -> None:
    run = pytest.importorskip("crawler.run")
    archive = pytest.importorskip("warcio.archiveiterator")
    settings = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING"}
    names = [f"demo-{o.key}" for o in load_content().outlets]
    stats = run.crawl(
        names,
        warc_dir=tmp_path / "warc",
        state_path=tmp_path / "state.sqlite",
        base_url=server.base_url,
        settings=settings,
        timeout=120,
    )
    assert stats.errors == 0
    fetched: dict[str, str] = {}
    for path in sorted((tmp_path / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in archive.ArchiveIterator(fh):
                if rec.rec_type == "response":
                    uri = rec.rec_headers.get_header("WARC-Target-URI")
                    fetched[uri] = rec.rec_headers.get_header("WARC-Aidcorpus-Site")
    for article in expected().articles:
        if not article.on_topic:
            continue
        for page in article.pages:
            assert fetched.get(server.base_url + page) == f"demo-{article.outlet}", page
    assert not [u for u in fetched if "/admin/" in u]
