"""check_site against a local portal on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.check import check_site
from crawler.sites import load_site_file

PARA = (
    "2023年以来，山西省援疆前方指挥部围绕民生、产业和智力援疆，在昌吉州阜康市实施援疆项目"
    "二十九个，安排资金两亿元，新建晋阜小学，解决周边一千六百余名孩子上学难问题。"
)
ARTICLE = f"""<html><head><meta charset="gb2312"><title>晋疆携手谱新篇_山西频道</title></head>
<body><div class="nav"><a href="/news/">首页</a></div>
<h1>晋疆携手谱新篇</h1><p>2023-09-20 10:00 来源：测试网</p>
<div class="content">{"".join(f"<p>{PARA}第{i}段。</p>" for i in range(6))}</div>
<div class="footer">版权所有</div></body></html>""".encode("gb18030")
EMPTY = "<html><head><title>video</title></head><body><div>视频</div></body></html>".encode()


def _list(links: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in links)
    return f"<html><head><meta charset='utf-8'></head><body><ul>{items}</ul></body></html>".encode()


PAGES: dict[str, tuple[int, str, bytes]] = {
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
    "/news/": (200, "text/html; charset=utf-8", _list([
        ("/news/2023/0920/a1.html", "晋疆携手谱新篇"),
        ("/news/2023/0920/a2.html", "视频：援疆一线"),
        ("/private/2023/0920/a3.html", "援疆内部稿"),
        ("/news/2023/0921/a4.html", "天气预报"),
        ("/news/index_2.html", "下一页"),
    ])),
    "/news/2023/0920/a1.html": (200, "text/html", ARTICLE),
    "/news/2023/0920/a2.html": (200, "text/html; charset=utf-8", EMPTY),
    "/news/2023/0921/a4.html": (200, "text/html", ARTICLE),
    "/private/2023/0920/a3.html": (200, "text/html", ARTICLE),
    "/news/rss.xml": (200, "application/rss+xml", (
        "<?xml version='1.0' encoding='utf-8'?><rss><channel><item><title>晋疆携手</title>"
        "<link>{base}/news/2023/0920/a1.html</link></item></channel></rss>").encode()),
}

PROFILE = """name = "{name}"
outlet = "本地测试门户"
local = true
start_urls = ["{{base}}/news/"]
list_pattern = '/news/(index(_\\d+)?\\.html)?$'
article_pattern = '{pattern}'
feeds = ["{{base}}/news/rss.xml", "{{base}}/news/missing.xml"]
topic_terms = ["晋疆"]
"""
ARTICLE_RE = "/(news|private)/\\d{4}/\\d{4}/[^/]+\\.html$"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            if self.path == "/slow/":
                time.sleep(1.5)
            status, ctype, body = PAGES.get(self.path, (404, "text/plain", b"not found"))
            body = body.replace(b"{base}", base.encode())
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base, hits
    httpd.shutdown()
    httpd.server_close()


def _profile(tmp_path: Path, name: str = "local-portal", pattern: str = ARTICLE_RE) -> Path:
    text = PROFILE.format(name=name, pattern=pattern)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_finds_articles_extracts_them_and_obeys_robots(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    _profile(tmp_path)
    before = len(hits)
    report = check_site("local-portal", sites_dir=tmp_path, base_url=base, delay=0, timeout=5)
    assert report.ok and report.discovery_ok and report.extraction_ok
    by_url = {p.url.removeprefix(base): p for p in report.pages}
    start, feed = by_url["/news/"], by_url["/news/rss.xml"]
    assert (start.article_links, start.topic_links) == (4, 3)  # 天气预报 is off topic
    assert feed.ok and feed.article_links == 1
    assert by_url["/news/missing.xml"].problem == "http-404"
    good = by_url["/news/2023/0920/a1.html"]
    assert good.ok and good.title == "晋疆携手谱新篇" and good.text_chars > 200
    assert "晋疆" in good.terms
    assert not by_url["/news/2023/0920/a2.html"].ok
    assert by_url["/private/2023/0920/a3.html"].problem == "robots"
    assert "/private/2023/0920/a3.html" not in hits[before:]
    text = report.format()
    assert "local-portal (本地测试门户): OK" in text and "[robots]" in text


def test_max_pages_bounds_the_article_fetches(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    site = load_site_file(_profile(tmp_path))
    before = len(hits)
    report = check_site(site, base_url=base, max_pages=1, max_sources=1, delay=0)
    assert [p.kind for p in report.pages] == ["start", "article"]
    assert report.articles[0].url == f"{base}/news/2023/0920/a1.html"  # the on-topic link
    assert len(hits) - before <= 3  # robots.txt, the list, one article


def test_a_changed_site_is_reported_broken(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, _ = server
    _profile(tmp_path, "moved-portal", pattern="/n1/\\d{4}/\\d{4}/c\\d+-\\d+\\.html$")
    report = check_site("moved-portal", sites_dir=tmp_path, base_url=base, delay=0)
    assert not report.ok and not report.discovery_ok
    assert all(p.problem for p in report.discovery)
    # what the pattern misses but looks like articles is fetched and named as drift
    assert report.articles and all(p.probe for p in report.articles)
    assert any(p.ok and p.title == "晋疆携手谱新篇" for p in report.articles)
    text = report.format()
    assert "BROKEN" in text and "no article links" in text
    assert "article_pattern matched 0 of 3 links that look like articles" in text


def test_real_profiles_may_not_reach_loopback(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    path = tmp_path / "sneaky.toml"
    path.write_text(
        f'name = "sneaky"\nstart_urls = ["{base}/news/"]\narticle_pattern = \'{ARTICLE_RE}\'\n',
        encoding="utf-8",
    )
    before = len(hits)
    report = check_site(load_site_file(path), delay=0)
    assert [p.problem for p in report.pages] == ["private-address"]
    assert len(hits) == before


def test_timeouts_are_reported_not_raised(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, _ = server
    site = load_site_file(_profile(tmp_path))
    slow = dataclasses.replace(site, start_urls=("{base}/slow/",), feeds=())
    report = check_site(slow, base_url=base, timeout=0.3, delay=0)
    assert report.pages[0].problem == "timeout" and not report.ok
