"""Light page reading for the spider: evidence-based decoding, links with anchor text,
topic terms, feed/sitemap entries and the next part of a multi-page article. No extraction.

Pages are parsed once with lxml; helpers take the lxml root (or a parsel Selector).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from parsel import Selector
from scrapy.http import Response

from extract.decode import decode_html
from extract.normalise import strip_pinyin_glosses, to_simplified
from extract.topic import TOPIC_TERMS, match_terms

NEXT_LABELS = frozenset({"下一页", "下页", "下一頁", "下頁", "后页", "後頁"})
_PART_LABEL = re.compile(r"^\s*(?:第\s*(\d+)\s*[页頁]|\[?(\d+)\]?)\s*$")
# Only anchors that can lead to a next part (article pages carry 100+ navigation links).
_PART_ANCHORS = (
    "//a[@href][contains(@href, '_') or contains(., '页') or contains(., '頁')"
    " or translate(normalize-space(.), '0123456789[]', '') = '']"
)
_NUMBERED = re.compile(r"_\d+(\.[A-Za-z0-9]+)?$")


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    block: int = 0  # the enclosing list/table/div (links of one block share it); 0: unknown


_CARDS = 3  # sibling blocks of one tag and class that make a list of cards
_BLOCKS = frozenset({"ul", "ol", "dl", "table", "tbody", "div", "section", "nav", "td", "form"})


def _block(a: etree._Element, alive: list[etree._Element]) -> int:
    """An id for the list, table or div holding `a` (siblings in a headline list share it).
    lxml makes a new proxy object per access: `alive` holds them so the ids stay unique."""
    el = a.getparent()
    while el is not None and el.tag not in _BLOCKS:
        el = el.getparent()
    if el is None:
        return 0
    # A list of cards (div.news-item x N, one headline each): the list is the block.
    parent = el.getparent()
    if parent is not None and parent.tag in _BLOCKS:
        kind = (el.tag, el.get("class"))
        if sum(1 for s in parent if (s.tag, s.get("class")) == kind) >= _CARDS:
            el = parent
    alive.append(el)
    return id(el)


def header_pairs(headers: object) -> tuple[tuple[str, str], ...]:
    """Scrapy Headers -> ((name, value), ...), bytes kept via latin-1."""
    pairs: list[tuple[str, str]] = []
    for key, values in headers.items():  # type: ignore[attr-defined]
        name = key.decode("latin-1")
        pairs.extend((name, v.decode("latin-1")) for v in values)
    return tuple(pairs)


def page_tree(response: Response) -> etree._Element:
    """The page's lxml root, parsed once from the text decoded by evidence."""
    decoded = decode_html(response.body, header_pairs(response.headers))
    parser = etree.HTMLParser(recover=True, encoding="utf-8")
    # parsel's way: UTF-8 bytes with a UTF-8 parser, so a <meta charset> cannot mislead lxml
    try:
        root = etree.fromstring((decoded.text or "").encode("utf-8"), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    return root if root is not None else etree.fromstring(b"<html></html>", parser=parser)


def _root(sel: Any) -> etree._Element:
    return sel.root if isinstance(sel, Selector) else sel


def links(sel: Any, page_url: str, xpath: str = "//a[@href]") -> Iterator[Link]:
    """Links (absolute http(s) URL, anchor text) of a page (lxml root or parsel Selector)."""
    root = _root(sel)
    bases = root.xpath("//base/@href")
    base = urljoin(page_url, str(bases[0]).strip()) if bases else page_url
    alive: list[etree._Element] = []
    for a in root.xpath(xpath):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if url.startswith(("http://", "https://")) or urlsplit(url).scheme in ("http", "https"):
            yield Link(url, " ".join("".join(a.itertext()).split()), _block(a, alive))


def page_terms(sel: Any, extra: Iterable[str]) -> tuple[str, ...]:
    """Topic terms in the page's title and text (scripts, styles, teaser blocks and links
    removed: edits the tree). Links and blocks made mostly of links are teasers of other
    pages (相关阅读, 为您推荐, 24小时热点, 上一篇): an off-topic article beside on-topic
    teasers is off-topic, as ingest finds it from the extracted text."""
    root = _root(sel)
    title = " ".join(root.xpath("//title//text() | //h1//text()"))
    etree.strip_elements(root, "script", "style", etree.Comment, with_tail=False)
    _drop_teaser_blocks(root)
    etree.strip_elements(root, "a", with_tail=False)
    body = root.find("body")
    text = " ".join((body if body is not None else root).itertext())
    return fast_match_terms(f"{title}\n{text}", tuple(extra))


TEASER_LINK_SHARE = 0.3  # a block whose text is this much link text is a teaser box
TEASER_MAX_TEXT = 300  # ...unless it holds more text of its own than a box of summaries


TEASER_TAGS = frozenset(("div", "ul", "ol", "section", "aside", "dl", "table", "td"))


def _drop_teaser_blocks(root: Any) -> None:
    """Remove blocks with two or more links that make up much of their text (a teaser box
    also carries summaries and dates that are not link text). Innermost blocks go first, so
    a layout table holding the article and a few link boxes loses the boxes, not the text.

    One pass from the leaves up: the links below each element and their text are summed
    from its children, and only blocks with two or more links read their own text (a page
    used to run an XPath per block; the verdicts are the same on every real page:
    tests/crawler/test_teaser_speed.py)."""
    below: dict[Any, tuple[int, int]] = {}  # element -> (links below it, their text)
    for element in reversed(list(root.iter())):
        tag = element.tag
        if not isinstance(tag, str):
            continue
        count = linked = 0
        for child in element:
            found = below.pop(child, None)
            if found is not None:
                count, linked = count + found[0], linked + found[1]
        if tag == "a":
            below[element] = (count + 1, linked + len("".join(element.itertext()).strip()))
            continue
        if count >= 2 and tag in TEASER_TAGS and element.getparent() is not None:
            total = len("".join(element.itertext()).strip())
            if total and linked / total >= TEASER_LINK_SHARE and total - linked <= TEASER_MAX_TEXT:
                _drop(element)
                continue
        if count:
            below[element] = (count, linked)


def _drop(element: Any) -> None:
    """Remove an element but keep its tail text (lxml's remove() drops the tail too)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


@cache  # read-only: the simplified form of each term, computed once per term list
def _simplified_terms(extra: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for term in (*TOPIC_TERMS, *extra):
        if term and term not in seen:
            seen[term] = to_simplified(term)
    return tuple(seen.items())


def fast_match_terms(text: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """`extract.topic.match_terms` with the terms' OpenCC conversion done once, not per page."""
    view = to_simplified(strip_pinyin_glosses(text))
    positions: dict[str, int] = {}
    for term, simple in _simplified_terms(extra):
        at = view.find(simple)
        if at >= 0:
            positions[term] = at
    return tuple(sorted(positions, key=lambda t: (positions[t], -len(t))))


def link_terms(link: Link, extra: Iterable[str]) -> tuple[str, ...]:
    return match_terms(f"{link.text} {link.url}", extra)


def _stem_re(first_url: str) -> re.Pattern[str]:
    """`…/name.html` -> parts `…/name_<n>.html` (also `index.html` -> `index_1.html`)."""
    path_end = first_url.rsplit("/", 1)
    name = path_end[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    # A page number is short: `c_1125585113.htm` (xinhua) or `newsDetail_forward_4629448` is
    # an article id, and its parts are `c_1125585113_2.htm`, not every `c_<id>.htm` it links.
    stem = re.sub(r"_\d{1,2}$", "", stem)
    prefix = re.escape(path_end[0] + "/" + stem) if len(path_end) == 2 else re.escape(stem)
    suffix = re.escape("." + ext) if ext else ""
    return re.compile(rf"^{prefix}_(\d+){suffix}$")


def next_part(
    sel: Selector, url: str, first_url: str, part: int, seen: Iterable[str]
) -> str | None:
    """URL of part `part + 1` of the article whose first page is `first_url`, if linked."""
    done = set(seen) | {url, first_url}
    candidates = [
        link
        for link in links(sel, url, _PART_ANCHORS)
        if link.url not in done
        and (link.text in NEXT_LABELS or _PART_LABEL.match(link.text) or _NUMBERED.search(link.url))
    ]
    if not candidates:
        return None
    stem = _stem_re(first_url)
    folder = url.rsplit("/", 1)[0]
    labelled: str | None = None
    numbered: list[tuple[int, str]] = []
    for link in candidates:
        m = stem.match(link.url)
        label = _PART_LABEL.match(link.text)
        wanted = label is not None and int(label.group(1) or label.group(2)) == part + 1
        if link.text in NEXT_LABELS and (m or link.url.rsplit("/", 1)[0] == folder):
            labelled = labelled or link.url
        elif m and wanted:
            labelled = labelled or link.url
        elif m and int(m.group(1)) <= part + 1:  # a pager's next page, not an id
            numbered.append((int(m.group(1)), link.url))
    if labelled:
        return labelled
    return min(numbered)[1] if numbered else None


def feed_entries(body: bytes) -> Iterator[Link]:
    """RSS <item> and Atom <entry>: (link, title + description)."""
    root = _xml_root(body)
    if root is None:
        return
    for item in root.iter():
        tag = etree.QName(item).localname if isinstance(item.tag, str) else ""
        if tag not in ("item", "entry"):
            continue
        url, text = "", []
        for child in item:
            ctag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if ctag == "link":
                url = url or (child.get("href") or child.text or "").strip()
            elif ctag in ("title", "description", "summary", "category"):
                text.append(" ".join("".join(child.itertext()).split()))
        if url:
            yield Link(url, " ".join(text))


def sitemap_entries(body: bytes) -> tuple[str, list[Link]]:
    """('sitemapindex'|'urlset'|'', entries); news sitemaps give the title as text."""
    root = _xml_root(body)
    if root is None:
        return "", []
    kind = etree.QName(root).localname
    out: list[Link] = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc, text = "", []
        for el in node.iter():
            if not isinstance(el.tag, str):
                continue
            name = etree.QName(el).localname
            if name == "loc" and not loc:
                loc = (el.text or "").strip()
            elif name in ("title", "keywords"):
                text.append((el.text or "").strip())
        if loc:
            out.append(Link(loc, " ".join(text)))
    return kind, out


def _xml_root(body: bytes) -> etree._Element | None:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(body.lstrip(), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def json_strings(body: bytes) -> Iterator[str]:
    """Every string value in a JSON document (search results)."""
    try:
        stack = [json.loads(body)]
    except ValueError:
        return
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
