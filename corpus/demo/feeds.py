"""The portal's non-article pages: sitemap.xml / rss.xml per outlet, robots.txt, home, admin."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from corpus.demo.content import Content, Outlet
from corpus.demo.templates import Teaser

_CST = timezone(timedelta(hours=8))
# robots.txt keeps crawlers out of these; the pages exist (linked from footers) as a trap.
DISALLOWED = ("/admin/", "/hebei/search")
ADMIN_PAGES = ("/admin/", "/admin/login.html")


def feed(outlet: Outlet, teasers: list[Teaser], base: str) -> tuple[bytes, str]:
    """The outlet's sitemap or RSS feed (always UTF-8, as both formats expect)."""
    if outlet.feed == "sitemap":
        return _sitemap(teasers), "application/xml"
    return _rss(outlet, teasers, base), "application/rss+xml; charset=utf-8"


def _when(teaser: Teaser) -> datetime:
    return datetime.strptime(teaser.date, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_CST)


def _sitemap(teasers: list[Teaser]) -> bytes:
    rows = "".join(
        f"  <url><loc>{escape(t.url)}</loc><lastmod>{_when(t).isoformat()}</lastmod></url>\n"
        for t in teasers
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )
    return xml.encode("utf-8")


def _rss(outlet: Outlet, teasers: list[Teaser], base: str) -> bytes:
    items = "".join(
        "<item>"
        f"<title>{escape(t.title)}</title><link>{escape(t.url)}</link>"
        f"<description>{escape(t.summary)}</description>"
        f"<pubDate>{format_datetime(_when(t))}</pubDate>"
        "</item>\n"
        for t in teasers
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{escape(outlet.site_title)}</title><link>{escape(base + outlet.prefix)}</link>\n"
        f"<description>{escape(outlet.name)}</description>\n{items}</channel></rss>\n"
    )
    return xml.encode("utf-8")


def robots(content: Content, base: str) -> bytes:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /", ""]
    lines += [f"Sitemap: {base}{o.feed_path}" for o in content.outlets if o.feed == "sitemap"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def fixed_pages(content: Content, base: str) -> dict[str, tuple[bytes, str]]:
    """robots.txt, the portal home and the admin trap pages."""
    html = "text/html; charset=utf-8"
    links = "\n".join(
        f'<li><a href="{escape(o.prefix)}">{escape(o.site_title)}</a></li>' for o in content.outlets
    )
    home = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>离线演示门户</title></head>\n'
        f"<body><h1>离线演示门户</h1>\n<ul>\n{links}\n</ul>\n"
        '<p><a href="/admin/">管理后台</a></p></body></html>\n'
    ).encode()
    admin = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>后台登录</title></head>\n'
        '<body><form method="post"><input name="user"><input name="password" '
        'type="password"></form></body></html>\n'
    ).encode()
    pages = {
        "/robots.txt": (robots(content, base), "text/plain; charset=utf-8"),
        "/": (home, html),
        "/index.html": (home, html),
    }
    pages.update({path: (admin, html) for path in ADMIN_PAGES})
    return pages
