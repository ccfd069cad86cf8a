"""Views handed to the outlet templates, the page skeleton they share and small HTML helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from corpus.demo.content import Outlet


@dataclass(frozen=True, slots=True)
class Teaser:
    """A link to another page of the same outlet (lists, 相关阅读, 24小时热点)."""

    title: str
    url: str
    date: str
    summary: str


@dataclass(frozen=True, slots=True)
class Chrome:
    """An outlet's fixed page furniture: declared charset, header, footer, list pager labels."""

    charset: str
    header: str  # everything between <body> and the page's own content
    footer: str
    pager_labels: tuple[str, str, str, str]  # 首页 上一页 下一页 尾页, in the outlet's script


@dataclass(frozen=True, slots=True)
class ArticleView:
    """Everything an article template shows; text is already in the outlet's script."""

    outlet: Outlet
    base: str  # served base URL, e.g. http://127.0.0.1:PORT
    url: str  # absolute URL of this page
    title: str
    paragraphs: tuple[str, ...]
    published: str  # "2023-04-13 11:10:52"
    source: str
    editor: str
    byline: str
    dateline: str
    keywords: str
    page: int
    pages: int
    page_urls: tuple[str, ...]  # absolute URLs of every page of this article
    previous: Teaser | None  # 上一篇
    following: Teaser | None  # 下一篇
    related: tuple[Teaser, ...]
    hot: tuple[Teaser, ...]
    original_title: str = ""  # 原标题, when a repost retitled the report
    filler: tuple[str, ...] = ()  # content-farm junk link titles (farm template only)
    teaser_lines: tuple[str, ...] = ()  # teaser lines cut with "..." (farm template only)


@dataclass(frozen=True, slots=True)
class ListView:
    """One page of an outlet's channel list."""

    outlet: Outlet
    base: str
    page: int  # 0-based
    page_urls: tuple[str, ...]  # absolute URLs of all list pages, in order
    entries: tuple[Teaser, ...]
    hot: tuple[Teaser, ...]


def esc(text: str) -> str:
    return escape(text, quote=True)


def head(title: str, charset: str, canonical: str = "", extra: str = "") -> str:
    """<head> with the declared charset (old-style http-equiv, as Chinese CMSs write it)."""
    link = f'<link rel="canonical" href="{esc(canonical)}">\n' if canonical else ""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        f"<title>{esc(title)}</title>\n{link}{extra}</head>\n"
    )


def paragraphs_html(paragraphs: tuple[str, ...], indent: str = "") -> str:
    return "\n".join(f"<p>{indent}{esc(p)}</p>" for p in paragraphs)


def teaser_links(teasers: tuple[Teaser, ...], *, with_date: bool = False) -> str:
    items = []
    for t in teasers:
        date = f" <span>{esc(t.date)}</span>" if with_date else ""
        items.append(f'<li><a href="{esc(t.url)}">{esc(t.title)}</a>{date}</li>')
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def pager(urls: tuple[str, ...], current: int, labels: tuple[str, str, str, str]) -> str:
    """首页 上一页 1 2 3 下一页 尾页 (labels in the outlet's script; empty label: left out)."""
    first, prev, nxt, last = labels
    parts = [f'<a href="{esc(urls[0])}">{first}</a>'] if first else []
    if current > 0:
        parts.append(f'<a href="{esc(urls[current - 1])}">{prev}</a>')
    for i, url in enumerate(urls):
        number = f'<span class="cur">{i + 1}</span>'
        parts.append(number if i == current else f'<a href="{esc(url)}">{i + 1}</a>')
    if current < len(urls) - 1:
        parts.append(f'<a href="{esc(urls[current + 1])}">{nxt}</a>')
    if last:
        parts.append(f'<a href="{esc(urls[-1])}">{last}</a>')
    return '<div class="pages">' + " ".join(parts) + "</div>"


def article_pager(view: ArticleView, prev_label: str, next_label: str) -> str:
    """Links between the pages of a split article (上一页 1 2 下一页)."""
    if view.pages < 2:
        return ""
    return pager(view.page_urls, view.page - 1, ("", prev_label, next_label, ""))


def page(chrome: Chrome, title: str, body: str, canonical: str = "", extra: str = "") -> str:
    """A whole document: head, the outlet's header, ``body``, the outlet's footer."""
    return (
        head(title, chrome.charset, canonical, extra)
        + "<body>\n"
        + chrome.header
        + body
        + chrome.footer
        + "</body>\n</html>\n"
    )


def side_box(
    css_class: str, heading: str, teasers: tuple[Teaser, ...], *, with_date: bool = False
) -> str:
    """A titled box of teaser links (相关阅读, 24小时热点)."""
    return (
        f'<div class="{css_class}"><h3>{heading}</h3>\n'
        + teaser_links(teasers, with_date=with_date)
        + "</div>\n"
    )


def prev_next(view: ArticleView) -> str:
    """上一篇 / 下一篇 links to the neighbouring articles, when there are any."""
    nav = []
    if view.previous:
        nav.append(f'上一篇：<a href="{esc(view.previous.url)}">{esc(view.previous.title)}</a>')
    if view.following:
        nav.append(f'下一篇：<a href="{esc(view.following.url)}">{esc(view.following.title)}</a>')
    return '<div class="prevnext">' + "<br>".join(nav) + "</div>"


def listing_page(
    view: ListView,
    chrome: Chrome,
    title: str,
    row: Callable[[Teaser], str],
    frame: tuple[str, str],
    side: tuple[str, str] | None = None,
) -> str:
    """A channel list page: rows between ``frame``'s two halves, the pager, then the optional
    ``side`` box (css class, heading) of hot teasers."""
    rows = "\n".join(row(t) for t in view.entries)
    box = side_box(side[0], side[1], view.hot) if side else ""
    body = (
        frame[0]
        + rows
        + frame[1]
        + pager(view.page_urls, view.page, chrome.pager_labels)
        + "\n"
        + box
    )
    return page(chrome, title, body)
