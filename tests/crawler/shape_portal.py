"""A local portal of real pages served under MANY URL shapes, as a real portal's articles
are (dated paths, hashes, short ids, CMS `t2024..._id` names, query ids, `.shtml`, ...).

The pages are real (../shared/evaldata, read at test time, never copied): the human-labelled
news pages and the unlabelled article pages. Each is served under a path drawn from a set
of URL shapes; three disjoint shape sets make three portals: SHAPES_A, discovery was tuned
on; SHAPES_B, looked at while tuning; SHAPES_C, written afterwards and run once (held out).
Around the articles: a home page, channels with pagination, a ranking box and a video box on
every list, tag, author and video pages whose URLs look like articles but are not, sorting
and session-id links, robots.txt and the endless calendar of real_portal.py. Served on
127.0.0.1 only, absolute links rewritten to the local host.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from real_portal import EVALDATA, Article, RealPortal, _chrome, load_articles, localise

Shape = Callable[[int], str]  # article number -> path (and query)
UNLABELLED = ("gne-unlabelled", "cx-extractor-163-silver")
PER_LIST = 10
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _day(n: int) -> date:
    return date(2024, 5, 1) + timedelta(days=n * 7 % 60)


def _hex(n: int, k: int = 32) -> str:
    return hashlib.sha1(f"p{n}".encode()).hexdigest()[:k]


def _b62(n: int, k: int) -> str:
    v = int(_hex(n, 24), 16)
    out = ""
    for _ in range(k):
        v, r = divmod(v, 62)
        out += _B62[r]
    return out


def _ymd(n: int, sep: str = "") -> str:
    return _day(n).strftime(f"%Y{sep}%m{sep}%d")


# Shapes seen on real portals (the issue and ../shared/evaldata name them), in two sets.
SHAPES_A: tuple[Shape, ...] = (
    lambda n: f"/{_day(n):%Y-%m}/{_day(n):%d}/c_{1129952031 + n * 37}.htm",
    lambda n: f"/{_ymd(n)}/{_hex(n)}/c.html",
    lambda n: f"/politics/leaders/{_ymd(n)}/{_hex(n)}/c.html",
    lambda n: f"/n2/{_day(n):%Y}/{_day(n):%m%d}/c{82837 + n % 5}-{34849763 + n * 11}.html",
    lambda n: f"/zhengce/zwmc/{_day(n):%Y%m}/t{_ymd(n)}_{2599398 + n * 3}.html",
    lambda n: f"/c/{_b62(n, 11)}",
    lambda n: f"/a/{123456 + n * 7}.html",
    lambda n: f"/html/{_day(n):%Y-%m}/{_day(n):%d}/content_{12345 + n}.htm",
    lambda n: f"/news.php?id={123 + n}",
    lambda n: f"/gn/{_day(n):%Y}/{_day(n):%m-%d}/{10212345 + n * 13}.shtml",
)
SHAPES_B: tuple[Shape, ...] = (
    lambda n: f"/newsDetail_forward_{27123456 + n * 29}",
    lambda n: f"/dy/article/{_b62(n, 16).upper()}.html",
    lambda n: f"/art/{_day(n).year}/{_day(n).month}/{_day(n).day}/art_1229_{5123456 + n}.html",
    lambda n: f"/info/1023/{45678 + n * 3}.htm",
    lambda n: f"/detail.aspx?cid=3&newsid={4173 + n}",
    lambda n: f"/p/{_b62(n, 10)}",
    lambda n: f"/world/{_ymd(n)}/{_hex(n, 6)}.html",
    lambda n: f"/system/{_ymd(n, '/')}/{30012345 + n * 5:09d}.shtml",
    lambda n: f"/c/{_ymd(n, '-')}/doc-i{_b62(n, 14).lower()}.shtml",
    lambda n: f"/news/{7364512 + n * 17}",
)
# Written after discovery was tuned on A (and B looked at): the held-out check, run once.
SHAPES_C: tuple[Shape, ...] = (
    lambda n: f"/{_ymd(n, '/')}/ARTI{_b62(n, 22)}.shtml",
    lambda n: f"/rmrb/{_day(n):%Y%m}/{_day(n):%d}/nw.D110000renmrb_{_ymd(n)}_{n % 9 + 1}-01.htm",
    lambda n: f"/index.php?m=content&c=index&a=show&catid=12&id={880 + n}",
    lambda n: f"/Item/Show.asp?m=1&d={3300 + n}",
    lambda n: f"/toutiao/{7364512000000000000 + n * 7919}/",
    lambda n: f"/shipin/cns/{_day(n):%Y/%m-%d}/news{600123 + n * 3}.shtml",
    lambda n: f"/e/{_b62(n, 8).lower()}",
    lambda n: f"/news/show-{5512 + n}.html",
    lambda n: f"/ywdt/{2088 + n * 3}.jhtml",
    lambda n: f"/doc/{_ymd(n, '/')}/{_hex(n, 8)}-{_hex(n + 1, 4)}-{_hex(n + 2, 4)}.shtml",
)
# Article numbers per shape: a few shapes carry most articles, some only two or three.
WEIGHTS = (6, 5, 3, 2, 2, 1, 2, 1, 2, 1)


def _headline(title: str) -> str:
    """`标题_网易财经` / `标题-新华网` -> `标题`: the site's name is not in list anchors."""
    head = re.split(r"\s*[_|｜]\s*|\s+-\s+|-(?=[^-]{2,8}$)", title.strip())[0]
    return (head or title)[:40]


def real_pages() -> list[Article]:
    """The labelled real news pages (truth = human full text) and the unlabelled article
    pages (truth = "")."""
    pages = [a for a in load_articles(multipage=0)]
    for source in UNLABELLED:
        for meta_path in sorted((EVALDATA / "extract" / source).glob("*.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("page_type") != "article" or not meta.get("title"):
                continue
            body = meta_path.with_suffix(".html").read_bytes()
            pages.append(Article(f"/{source}/{meta['id']}", meta["title"], "", [body]))
    return pages


def assign(pages: list[Article], shapes: tuple[Shape, ...]) -> list[Article]:
    """Each page under a path of one of `shapes`, drawn by WEIGHTS."""
    wheel = [i for i, w in enumerate(WEIGHTS[: len(shapes)]) for _ in range(w)]
    out = []
    for n, page in enumerate(pages):
        path = shapes[wheel[n * 7 % len(wheel)]](n)
        out.append(replace(page, path=path, title=_headline(page.title)))
    return out


class ShapePortal(RealPortal):
    """Channels `/<name>/` (pages `/<name>/index_<n>.html`) list the articles; the home page
    `/` links the channels and the top headlines."""

    CHANNELS = ("guonei", "guoji", "caijing", "difang")

    def __init__(self, articles: list[Article], *, calendar: bool = True) -> None:
        super().__init__(articles, calendar=calendar)
        self.per_channel = -(-len(articles) // len(self.CHANNELS))

    def channel(self, c: int) -> list[Article]:
        return self.articles[c * self.per_channel : (c + 1) * self.per_channel]

    def channel_path(self, name: str, n: int) -> str:
        return f"/{name}/" if n == 0 else f"/{name}/index_{n + 1}.html"

    def _box(self, cls: str, items: list[tuple[str, str]]) -> str:
        lis = "".join(f'<li><a href="{html.escape(h)}">{html.escape(t)}</a></li>'
                      for h, t in items)  # fmt: skip
        return f"<div class='{cls}'><ul>{lis}</ul></div>"

    def _aside(self, n: int) -> str:
        """A ranking box of articles from all channels, a video box and tags: on every list."""
        ranked = self.articles[n * 3 % len(self.articles) :][:6]
        videos = [
            (
                f"/video/{_day(n + k):%Y-%m}/{_day(n + k):%d}/v_{880000 + n * 10 + k}.htm",
                f"视频：{_headline(a.title)[:14]}现场画面",
            )
            for k, a in enumerate(ranked[:3])
        ]
        tags = [(f"/tag/{100 + k}.html", t) for k, t in enumerate(("援疆", "经济", "民生"))]
        authors = [(f"/author/{20000 + n}.html", "本网记者 张明")]
        return (
            "<div class='rank'><h3>热点排行</h3>"
            + self._box("rank-list", [(a.path, a.title) for a in ranked]) + "</div>"
            + "<div class='video'><h3>视频</h3>" + self._box("video-list", videos) + "</div>"
            + self._box("tags", tags) + self._box("authors", authors)
        )  # fmt: skip

    def _channel_page(self, c: int, n: int) -> bytes:
        name = self.CHANNELS[c]
        arts = self.channel(c)[n * PER_LIST : (n + 1) * PER_LIST]
        pages = -(-len(self.channel(c)) // PER_LIST)
        items = "".join(
            f'<li><a href="{html.escape(a.path)}">{html.escape(a.title)}</a>'
            f"<span>{_day(c * 50 + n * PER_LIST + i)}</span></li>"
            for i, a in enumerate(arts)
        )
        pager = " ".join(f'<a href="{self.channel_path(name, k)}">{k + 1}</a>'
                         for k in range(pages) if k != n)  # fmt: skip
        if n + 1 < pages:
            pager += f' <a href="{self.channel_path(name, n + 1)}">下一页</a>'
        pager += f' <a href="{self.channel_path(name, n)}?sort=hot">按热度</a>'
        pager += f' <a href="/{name}/;jsessionid={_hex(n, 24).upper()}">刷新</a>'
        cal = '<a href="/calendar/2024-05-09.html">2024年5月9日 新闻日历</a>'
        cal = cal if self.calendar else ""
        return (
            _chrome(f"{name} 第{n + 1}页") + f"<div class='side'>{cal}</div>"
            f"<ul class='news-list'>{items}</ul><div class='pager'>{pager}</div>"
            + self._aside(c * 7 + n)
            + "<div class='footer'><a href='/about.html'>关于我们</a>"
            "<a href='/private/2024/0509/n123456.html'>内部通报：工作座谈会纪要</a></div>"
            "</body></html>"
        ).encode("utf-8")

    def _home(self) -> bytes:
        nav = "".join(f'<a href="/{c}/">{c}</a>' for c in self.CHANNELS)
        top = [(a.path, a.title) for a in (self.channel(c)[0] for c in range(len(self.CHANNELS)))]
        return (
            _chrome("首页") + f"<div class='channels'>{nav}</div>"
            + self._box("top", top) + self._aside(0) + "</body></html>"
        ).encode("utf-8")  # fmt: skip

    def _stub(self, title: str, text: str, links: list[tuple[str, str]] = ()) -> bytes:
        """A page whose URL looks like an article's but that holds no article."""
        return (
            _chrome(title) + f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            + self._box("more", list(links)) + "</body></html>"
        ).encode("utf-8")  # fmt: skip

    def render(self, path: str, base: str) -> tuple[int, str, bytes]:
        page = "text/html; charset=utf-8"
        clean = path.split("?sort=")[0].split(";jsessionid=")[0]
        if clean == "/":
            return 200, page, self._home()
        for c, name in enumerate(self.CHANNELS):
            for n in range(-(-len(self.channel(c)) // PER_LIST)):
                if clean == self.channel_path(name, n):
                    return 200, page, self._channel_page(c, n)
        if m := re.fullmatch(r"/video/[\d-]+/\d+/v_(\d+)\.htm", path):
            return 200, page, self._stub(f"视频{m[1]}", "视频时长 02:35 来源：本网")
        if re.fullmatch(r"/(tag|author)/\d+\.html", path):
            links = [(a.path, a.title[:6]) for a in self.articles[:3]]
            return 200, page, self._stub("相关稿件", "共 3 篇", links)
        found = self.by_path.get(path)
        if found is not None:
            return 200, "text/html", localise(found[0].pages[0], base)
        return super().render(path, base)


def shape_portal(shapes: tuple[Shape, ...], half: int, *, limit: int = 0) -> ShapePortal:
    """Half 0 or 1 of the real pages (disjoint) under `shapes`; `limit` caps the articles."""
    pages = real_pages()[half::2]
    return ShapePortal(assign(pages[:limit] if limit else pages, shapes))
