"""A local test portal on 127.0.0.1 (free port, thread) with bad behaviours on demand."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

SITES_DIR = Path(__file__).resolve().parent / "sites"
ON_TOPIC = "山西援疆工作队在昌吉开展对口支援，援疆干部人才积极投身受援地建设。"
OFF_TOPIC = "本市今日举行春季运动会，各区代表队参加了比赛。"


def _page(title: str, body: str, links: list[tuple[str, str]] = ()) -> str:
    anchors = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in links)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><div class='content'><p>{body}</p></div><ul>{anchors}</ul></body></html>"
    )


def article_path(i: int) -> str:
    return f"/news/2024/0101/a{i}.html"


@dataclass
class Portal:
    """Content of the test portal; `n_lists` list pages with `per_list` articles each."""

    n_lists: int = 3
    per_list: int = 4
    multipart: int = 3  # article 3 has this many parts
    sitemap_only: int = 900  # article id linked only from the sitemap
    feed_only: int = 901  # article id linked only from the feed
    article_delay: float = 0.0  # seconds per article response (crash tests)
    search_pages: int = 2  # result pages with hits; later pages are empty
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    queries: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # robots.txt answers wait until this many crawlers asked for it (at most 60 s), so
    # every process of a shared crawl has started before any page is served, however
    # slowly a loaded machine starts one of them.
    robots_quorum: int = 0
    robots_asked: threading.Condition = field(default_factory=threading.Condition)

    def articles(self) -> list[int]:
        ids = list(range(1, self.n_lists * self.per_list + 1))
        return [*ids, self.sitemap_only, self.feed_only]

    def expected_article_urls(self, base: str) -> set[str]:
        return {base + article_path(i) for i in self.articles()}

    def list_path(self, n: int) -> str:
        return "/news/" if n == 0 else f"/news/index_{n}.html"

    def search_hits(self, page: int, offset: int) -> list[int]:
        """Site search: two article ids per result page (from `offset`), none past the last."""
        if not 1 <= page <= self.search_pages:
            return []
        return [offset + 2 * page - 1, offset + 2 * page]

    def render_search(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, bytes]:
        page = int(query.get("page", ["1"])[0])
        if path == "/search":  # HTML result list, articles 1..
            hits = self.search_hits(page, 0)
            links = [(article_path(i), f"搜索结果{i}") for i in hits]
            links.append(("/about.html", "关于我们"))  # not an article: ignored
            body = _page(f"搜索 第{page}页", "搜索结果", links).encode()
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body
        # JSON API: the articles after the HTML search's, as relative and absolute URLs
        hits = self.search_hits(page, 2 * self.search_pages)
        items = [{"title": f"结果{i}", "url": ("" if i % 2 else "{base}") + article_path(i)}
                 for i in hits]  # fmt: skip
        body = json.dumps({"data": {"total": len(items), "list": items}}, ensure_ascii=False)
        return 200, {"Content-Type": "application/json"}, body.encode()

    def render(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        """(status, headers, body) for the portal's paths; None: not ours."""
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        for n in range(self.n_lists):
            if path == self.list_path(n):
                ids = range(n * self.per_list + 1, (n + 1) * self.per_list + 1)
                links = [(article_path(i), f"援疆报道{i}" if i % 2 else f"新闻{i}") for i in ids]
                links.append(("/private/secret.html", "援疆内部"))
                if n + 1 < self.n_lists:
                    links.append((self.list_path(n + 1), "下一页"))
                return 200, html, _page(f"列表{n}", "频道", links).encode()
        if path == "/news/sitemap.xml":
            locs = "".join(
                f"<url><loc>{{base}}{article_path(i)}</loc></url>" for i in (1, self.sitemap_only)
            )
            body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
            return 200, {"Content-Type": "application/xml"}, body.encode()
        if path == "/news/rss.xml":
            link = f"<link>{{base}}{article_path(self.feed_only)}</link>"
            item = f"<item><title>援疆新闻</title>{link}</item>"
            body = f'<?xml version="1.0"?><rss version="2.0"><channel>{item}</channel></rss>'
            return 200, {"Content-Type": "application/rss+xml"}, body.encode()
        for i in self.articles():
            base = article_path(i)[: -len(".html")]
            if path == base + ".html" or (i == 3 and path.startswith(base + "_")):
                part = 1 if path == base + ".html" else int(path[len(base) + 1 : -len(".html")])
                links = [("/news/", "首页")]
                if i == 3 and part < self.multipart:
                    links.append((f"{base}_{part + 1}.html", "下一页"))
                time.sleep(self.article_delay)
                text = (ON_TOPIC if i % 2 else OFF_TOPIC) + f" 第{part}部分 文章{i}"
                return 200, html, _page(f"文章{i}", text, links).encode()
        return None


class Handler(BaseHTTPRequestHandler):
    server: PortalServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        portal = self.server.portal
        path, _, qs = self.path.partition("?")
        with portal.lock:
            portal.log.append((path, {k: v for k, v in self.headers.items()}))
            portal.hits[path] = portal.hits.get(path, 0) + 1
            hits = portal.hits[path]
            portal.times.setdefault(path, []).append(time.monotonic())
            if qs:
                portal.queries.append((path, parse_qs(qs)))
        if path == "/robots.txt" and portal.robots_quorum:
            with portal.robots_asked:
                portal.robots_asked.notify_all()
                quorum = portal.robots_quorum
                portal.robots_asked.wait_for(lambda: portal.hits[path] >= quorum, timeout=60)
        if path == "/bad/variant.html" and not qs:  # same page, tracking key added
            return self._send(302, {"Location": "/bad/variant.html?from=home"}, b"")
        if path.startswith("/bad/"):
            return self._bad(path, hits)
        if path in ("/search", "/api/search"):
            page = portal.render_search(path, parse_qs(qs))
        else:
            page = portal.render(path)
        if page is None:
            return self._send(404, {"Content-Type": "text/html"}, b"<html>404</html>")
        status, headers, body = page
        body = body.replace(b"{base}", self.server.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {**headers, "ETag": etag, "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, {"ETag": etag}, b"")
        self._send(status, headers, body)

    def _bad(self, path: str, hits: int) -> None:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/bad/":
            links = [(f"/bad/{n}.html", n) for n in (
                "slow", "e500", "r429", "loop", "big", "binary", "gbk", "offsite", "private",
                "variant",
            )] + [("/bad/list/1.html", "下一页")]  # fmt: skip
            return self._send(200, html, _page("bad", "援疆", links).encode())
        if path == "/bad/slow.html":
            time.sleep(1.5)
            return self._send(200, html, _page("slow", ON_TOPIC).encode())
        if path == "/bad/e500.html":
            return self._send(500, html, b"<html>oops</html>")
        if path == "/bad/r429.html":
            if hits == 1:
                return self._send(429, {**html, "Retry-After": "1"}, b"<html>slow down</html>")
            return self._send(200, html, _page("after 429", ON_TOPIC).encode())
        if path == "/bad/loop.html":
            return self._send(302, {"Location": "/bad/loop2.html"}, b"")
        if path == "/bad/loop2.html":
            return self._send(302, {"Location": "/bad/loop.html"}, b"")
        if path == "/bad/big.html":
            return self._stream_big()
        if path == "/bad/binary.html":
            return self._send(200, html, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
        if path == "/bad/variant.html":
            return self._send(200, html, _page("variant", ON_TOPIC).encode())
        if path == "/bad/gbk.html":
            body = _page("GBK", ON_TOPIC).replace("charset='utf-8'", "charset='gbk'")
            return self._send(200, html, body.encode("gbk"))  # header says utf-8: a lie
        if path == "/bad/offsite.html":
            return self._send(302, {"Location": "http://offsite.invalid/x.html"}, b"")
        if path == "/bad/private.html":
            return self._send(302, {"Location": "http://10.255.255.1/x.html"}, b"")
        if path.startswith("/bad/list/"):
            n = int(path.rsplit("/", 1)[1].split(".")[0])
            links = [(f"/bad/list/{n + 1}.html", "下一页")]
            return self._send(200, html, _page(f"trap {n}", "", links).encode())
        return self._send(404, html, b"<html>404</html>")

    def _stream_big(self) -> None:
        size = 50 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"<p>" + b"x" * 65533
        try:
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.server.portal.hits["big-cut"] = 1


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, portal: Portal):
        super().__init__(("127.0.0.1", 0), Handler)
        self.portal = portal
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (size cut, SIGKILL) are part of the tests


@contextmanager
def serve(portal: Portal | None = None) -> Iterator[PortalServer]:
    server = PortalServer(portal or Portal())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_AFTER_DEFAULT": 0.2,
    "PROGRESS_INTERVAL": 0,
    "LOG_LEVEL": "WARNING",
    "DOWNLOAD_TIMEOUT": 10,
    "DOWNLOAD_MAXSIZE": 2 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 0,
}
