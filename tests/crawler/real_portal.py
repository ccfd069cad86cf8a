"""A local portal built at test time from real pages of ../shared/evaldata (never copied
into the repository): real article pages served on 127.0.0.1 under their own URL paths
(their absolute links, <base href> and meta refreshes rewritten to the local host), list
pages with a headline block, navigation chrome and pagination, multi-page articles split
from real ground-truth texts, a robots.txt, and an endless calendar.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

EVALDATA = Path(__file__).resolve().parents[3] / "shared" / "evaldata"
SOURCES = ("chinese-web-content-extraction-dataset", "newspaper4k-zh")
PER_LIST = 8
_ABS_LINK = re.compile(rb"""(?i)\b(href|src|action)(\s*=\s*["']?)\s*https?://[^/"'\s>]*""")
_BASE = re.compile(rb"(?i)<base\b[^>]*>")
_REFRESH = re.compile(rb"""(?i)<meta[^>]+http-equiv\s*=\s*["']?refresh[^>]*>""")


@dataclass
class Article:
    path: str  # first page, path and query
    title: str
    truth: str  # ground-truth text (all parts)
    pages: list[bytes]  # page 1, 2, ... (real bytes for single pages)
    part_paths: list[str] = field(default_factory=list)  # page 2.. paths
    last_page: list[str] = field(default_factory=list)  # paragraphs of the last page


def _chrome(title: str) -> str:
    nav = "".join(
        f'<a href="{h}">{t}</a>'
        for h, t in (("/", "首页"), ("/channel/guonei/", "国内"), ("/channel/guoji/", "国际"),
                     ("/channel/caijing/", "财经"), ("/about.html", "关于我们"))
    )  # fmt: skip
    return (
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}_测试门户</title></head>"
        f"<body><div class='nav'>{nav}</div>"
    )


def _split(text: str, n: int) -> list[list[str]]:
    paras = [p.strip() for p in text.splitlines() if p.strip()]
    size = max(1, -(-len(paras) // n))
    return [paras[i : i + size] for i in range(0, len(paras), size)][:n]


def load_articles(evaldata: Path = EVALDATA, *, multipage: int = 3) -> list[Article]:
    """Real news/blog pages with human ground truth (forums and encyclopedias left out),
    and `multipage` articles split into 2-3 pages from further ground-truth texts."""
    singles, spare = [], []
    for source in SOURCES:
        for meta_path in sorted((evaldata / "extract" / source).glob("*.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            text, url = meta.get("text") or "", meta.get("url")
            if meta.get("gt_kind") != "human-full-text" and source != "newspaper4k-zh":
                continue
            if len(text) < 400 or not url or re.search(r"bbs|wiki|Announce|forum", url, re.I):
                if len(text) >= 1200 and not url:
                    spare.append((meta, text))
                continue
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if len(path) < 2 or path.startswith("/%"):
                continue
            body = meta_path.with_suffix(".html").read_bytes()
            title = (meta.get("title") or text.splitlines()[0])[:60]
            singles.append(Article(path, title, text, [body]))
    arts = list({a.path: a for a in singles}.values())
    day = date(2024, 5, 1)
    for i, (meta, text) in enumerate(spare[:multipage]):
        chunks = _split(text, 2 + i % 2)
        stem = f"/content/2024-05/{10 + i:02d}/content_{7700123 + i}"
        paths = [f"{stem}.htm"] + [f"{stem}_{k}.htm" for k in range(2, len(chunks) + 1)]
        title = (meta.get("title") or chunks[0][0])[:40]
        pages = []
        for k, chunk in enumerate(chunks, 1):
            pager = " ".join(
                f'<a href="{p}">{j}</a>' if j != k else f"<b>{j}</b>"
                for j, p in enumerate(paths, 1)
            )
            if k < len(chunks):
                pager += f' <a href="{paths[k]}">下一页</a>'
            body = "".join(f"<p>{html.escape(p)}</p>" for p in chunk)
            pages.append(
                (
                    _chrome(title) + f"<h1>{html.escape(title)}</h1>"
                    f"<div class='info'>{day + timedelta(days=i)} 10:00 来源：测试门户</div>"
                    f"<div class='article'>{body}</div><div class='pager'>{pager}</div>"
                    "<div class='footer'>版权所有 测试门户</div></body></html>"
                ).encode("utf-8")
            )
        truth = "\n".join(p for chunk in chunks for p in chunk)
        arts.append(Article(paths[0], title, truth, pages, paths[1:], chunks[-1]))
    return arts


class RealPortal:
    """The portal's pages; `calendar` adds an endless calendar linked from every list."""

    def __init__(self, articles: list[Article], *, calendar: bool = True) -> None:
        self.articles = articles
        self.calendar = calendar
        self.by_path: dict[str, tuple[Article, int]] = {}
        for art in articles:
            self.by_path[art.path] = (art, 0)
            for k, p in enumerate(art.part_paths, 1):
                self.by_path[p] = (art, k)
        self.n_lists = -(-len(articles) // PER_LIST)
        self.hits: Counter[str] = Counter()
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()

    def list_path(self, n: int) -> str:
        return "/channel/" if n == 0 else f"/channel/index_{n}.html"

    def _list(self, n: int) -> bytes:
        arts = self.articles[n * PER_LIST : (n + 1) * PER_LIST]
        items = "".join(
            f'<li><a href="{html.escape(a.path)}">{html.escape(a.title)}</a>'
            f"<span>2024-05-{1 + i % 28:02d}</span></li>"
            for i, a in enumerate(arts)
        )
        items += '<li><a href="/private/2024/0509/n123456.html">内部通报：工作座谈会纪要</a></li>'
        pager = f'<a href="{self.list_path(n + 1)}">下一页</a>' if n + 1 < self.n_lists else ""
        cal = '<a href="/calendar/2024-05-09.html">2024年5月9日 新闻日历</a>'
        cal = cal if self.calendar else ""
        return (
            _chrome(f"要闻 第{n + 1}页") + f"<div class='side'>{cal}</div>"
            f"<ul class='news-list'>{items}</ul><div class='pager'>{pager}</div>"
            "<div class='footer'><a href='/about.html'>关于我们</a></div></body></html>"
        ).encode("utf-8")

    def _calendar(self, day: date) -> bytes:
        prev, nxt = day - timedelta(days=1), day + timedelta(days=1)
        return (
            _chrome(f"{day} 新闻日历") + f"<h2>{day.year}年{day.month}月{day.day}日</h2>"
            "<p>本日暂无稿件。</p>"
            f'<a href="/calendar/{prev}.html">前一天</a> <a href="/calendar/{nxt}.html">后一天</a>'
            "</body></html>"
        ).encode("utf-8")

    def render(self, path: str, base: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /private/\n"
        for n in range(self.n_lists):
            if path == self.list_path(n):
                return 200, "text/html; charset=utf-8", self._list(n)
        m = re.fullmatch(r"/calendar/(\d{4})-(\d{2})-(\d{2})\.html", path)
        if m and self.calendar:
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return 200, "text/html; charset=utf-8", self._calendar(day)
        found = self.by_path.get(path)
        if found is None:
            return 404, "text/html", b"<html><body><h1>404</h1></body></html>"
        art, k = found
        body = art.pages[k]
        if not art.part_paths:  # a real page: keep the crawl on this host
            body = localise(body, base)
        return 200, "text/html", body


def localise(body: bytes, base: str) -> bytes:
    """A real page served on `base`: its absolute links point there, <base href> and meta
    refreshes (which lead to the original site) are gone."""
    local = base.encode()
    body = _ABS_LINK.sub(lambda m: m[1] + m[2] + local, body)
    return _REFRESH.sub(b"", _BASE.sub(b"", body))


class _Handler(BaseHTTPRequestHandler):
    server: RealServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        portal = self.server.portal
        with portal.lock:
            portal.hits[self.path] += 1
            portal.active += 1
            portal.max_active = max(portal.max_active, portal.active)
        try:
            time.sleep(0.005)  # long enough for overlapping requests to show
            status, ctype, body = portal.render(self.path, self.server.base)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with portal.lock:
                portal.active -= 1


class RealServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, portal: RealPortal) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.portal = portal
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def serve(portal: RealPortal) -> Iterator[RealServer]:
    server = RealServer(portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
