"""Render the demo portal into ``path -> (bytes, content type)``: articles, lists, feeds, robots.

Pages are encoded in each outlet's codec (UTF-8, GBK for gb2312, Big5-HKSCS for big5) and
the Content-Type header declares the same charset as the page's ``<meta>``.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from corpus.demo import feeds
from corpus.demo.content import Content, Copy, Outlet, Report, copy_path, load_content
from corpus.demo.content import copy_paragraphs as edited_paragraphs
from corpus.demo.templates import ARTICLE, LISTING, ArticleView, ListView, Teaser
from corpus.demo.traditional import add_glosses, damage, to_traditional

Site = Mapping[str, tuple[bytes, str]]

_HOT = 5  # 24小时热点 entries
_RELATED = 4  # 为您推荐 / 相关阅读 entries


@dataclass(frozen=True, slots=True)
class Placed:
    """A copy with its report and outlet, ordered within its outlet by time."""

    report: Report
    copy: Copy
    outlet: Outlet

    @property
    def path(self) -> str:
        return copy_path(self.outlet, self.copy)


@functools.lru_cache(maxsize=8)
def build_site(base: str) -> Site:
    """Every page of the portal for a server at ``base`` (e.g. ``http://127.0.0.1:8000``)."""
    base = base.rstrip("/")
    content = load_content()
    pages: dict[str, tuple[bytes, str]] = {}
    for outlet in content.outlets:
        placed = outlet_copies(content, outlet)
        for index, item in enumerate(placed):
            for page, html in enumerate(_render_article(content, placed, index, base), 1):
                path = copy_path(outlet, item.copy, page)
                pages[path] = (html.encode(outlet.codec), _html_type(outlet))
        for path, html in _render_lists(placed, outlet, base):
            pages[path] = (html.encode(outlet.codec), _html_type(outlet))
        pages[outlet.feed_path] = feeds.feed(outlet, [_teaser(p, base) for p in placed], base)
    pages.update(feeds.fixed_pages(content, base))
    return MappingProxyType(pages)


def outlet_copies(content: Content, outlet: Outlet) -> list[Placed]:
    """The outlet's copies, newest first (the order of its lists)."""
    placed = [
        Placed(report, copy, outlet)
        for report in content.reports
        for copy in report.copies
        if copy.outlet == outlet.key
    ]
    return sorted(placed, key=lambda p: p.copy.time, reverse=True)


def display_text(outlet: Outlet, text: str, *, gloss: bool = True) -> str:
    """Text in the outlet's script; Traditional outlets also gloss (seed 002)."""
    if outlet.script != "Hant":
        return text
    converted = to_traditional(text)
    return add_glosses(converted) if gloss else converted


def _html_type(outlet: Outlet) -> str:
    return f"text/html; charset={outlet.charset}"


def _teaser(item: Placed, base: str) -> Teaser:
    first = edited_paragraphs(item.report, item.copy)[0]
    summary = display_text(item.outlet, first[:40], gloss=False) + "..."
    return Teaser(
        title=display_text(item.outlet, item.copy.title),
        url=base + item.path,
        date=item.copy.time.strftime("%Y-%m-%d %H:%M:%S"),
        summary=summary,
    )


def body_paragraphs(item: Placed, *, gloss: bool = True) -> tuple[tuple[str, ...], str]:
    """Paragraphs as the outlet prints them (without pinyin glosses: the text a clean
    extraction must give), and the byline left for the template."""
    return _body(item, gloss=gloss)


def _body(item: Placed, *, gloss: bool = True) -> tuple[tuple[str, ...], str]:
    """Paragraphs as the outlet prints them, and the byline left for the template."""
    report, copy, outlet = item.report, item.copy, item.outlet
    paragraphs = list(edited_paragraphs(report, copy))
    byline = copy.byline
    if report.dateline:  # wire-style lead: 中新网新疆新闻9月20日电（霍然 魏路）
        credit = f"（{byline}）" if byline else ""
        paragraphs[0] = f"{report.dateline}{credit}{paragraphs[0]}"
        byline = ""
    elif byline and outlet.template in ("chinanews", "farm"):
        paragraphs[-1] = f"{paragraphs[-1]}（{byline}）"
        byline = ""
    if outlet.script == "Hant":
        converted = [to_traditional(p) for p in paragraphs]
        if copy.mojibake:
            converted = _damage_first(converted, copy.mojibake)
        paragraphs = [add_glosses(p) for p in converted] if gloss else converted
        byline = to_traditional(byline)
    return tuple(paragraphs), byline


def _damage_first(paragraphs: list[str], span: str) -> list[str]:
    target = to_traditional(span)
    for i, paragraph in enumerate(paragraphs):
        if target in paragraph:
            return [*paragraphs[:i], damage(paragraph, span), *paragraphs[i + 1 :]]
    raise ValueError(f"mojibake span {span!r} not found in any paragraph")


def _render_article(content: Content, placed: list[Placed], index: int, base: str) -> list[str]:
    item = placed[index]
    report, copy, outlet = item.report, item.copy, item.outlet
    paragraphs, byline = _body(item)
    per_page = math.ceil(len(paragraphs) / copy.pages)
    page_urls = tuple(base + copy_path(outlet, copy, n) for n in range(1, copy.pages + 1))
    others = [_teaser(p, base) for i, p in enumerate(placed) if i != index]
    # Lists run newest first: the previous article (上一篇) is the older neighbour.
    previous = _teaser(placed[index + 1], base) if index + 1 < len(placed) else None
    following = _teaser(placed[index - 1], base) if index > 0 else None
    filler: tuple[str, ...] = ()
    teaser_lines: tuple[str, ...] = ()
    if outlet.template == "farm":
        filler, teaser_lines = _farm_filler(content, item, paragraphs[0])
    retitled = copy.title != report.title
    html = []
    for page in range(1, copy.pages + 1):
        view = ArticleView(
            outlet=outlet,
            base=base,
            url=page_urls[page - 1],
            title=display_text(outlet, copy.title),
            paragraphs=paragraphs[(page - 1) * per_page : page * per_page],
            published=copy.time.strftime("%Y-%m-%d %H:%M:%S"),
            source=display_text(outlet, copy.source, gloss=False),
            editor=display_text(outlet, copy.editor, gloss=False),
            byline=byline,
            dateline=report.dateline,
            keywords=copy.keywords,
            page=page,
            pages=copy.pages,
            page_urls=page_urls,
            previous=previous,
            following=following,
            related=tuple(others[:_RELATED]),
            hot=tuple(others[-_HOT:]),
            original_title=report.title if retitled and outlet.template == "farm" else "",
            filler=filler,
            teaser_lines=teaser_lines,
        )
        html.append(ARTICLE[outlet.template](view))
    return html


def _farm_filler(
    content: Content, item: Placed, first: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Junk link titles (50-100, seed 003) and teaser lines cut with "..." (seed 004)."""
    rng = random.Random(item.copy.slug)  # seeded by the page: the site is deterministic
    combos = [f"{p}{e}" for p in content.filler.places for e in content.filler.events]
    links = tuple(rng.sample(combos, rng.randint(50, 100)))
    own = f"{item.copy.title}{first[:18]}..."
    cut = tuple(line[: rng.randint(24, 34)] + "..." for line in content.filler.teasers)
    return links, (own, *rng.sample(cut, 8))


def _render_lists(placed: list[Placed], outlet: Outlet, base: str) -> list[tuple[str, str]]:
    """Channel pages index.html, index_1.html, … (the channel root serves the first)."""
    chunks = [placed[i : i + outlet.page_size] for i in range(0, len(placed), outlet.page_size)]
    paths = [f"{outlet.prefix}index{'' if i == 0 else f'_{i}'}.html" for i in range(len(chunks))]
    urls = tuple(base + p for p in paths)
    hot = tuple(_teaser(p, base) for p in placed[:_HOT])
    out = []
    for i, chunk in enumerate(chunks):
        view = ListView(
            outlet=outlet,
            base=base,
            page=i,
            page_urls=urls,
            entries=tuple(_teaser(p, base) for p in chunk),
            hot=hot,
        )
        html = LISTING[outlet.template](view)
        out.append((paths[i], html))
        if i == 0:
            out.append((outlet.prefix, html))
    return out
