"""Parse a page and linearise it into text segments (split at block boundaries), each with
what its DOM context says about it: link share, sentence punctuation, and the class/id
vocabulary of its nearest named ancestors (comment, recommend/related/feed, nav/footer,
sidebar, share/ad). Only generic words: never a site's own class names.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

_DROP_TAGS = (
    "script", "style", "noscript", "iframe", "select", "option", "textarea", "button", "title",
    "meta", "link",
    "nav", "footer", "aside", "svg", "object", "embed", "map", "input", "label",
)  # fmt: skip
BLOCK_TAGS = frozenset(
    "p div td th tr table tbody ul ol li dl dt dd br h1 h2 h3 h4 h5 h6 section article "
    "blockquote pre center hr header main body html figure figcaption caption".split()
)
_SENTENCE_PUNCT = frozenset("，。！？；：、“”,;")
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS_RE = re.compile(r"\s+")
_STYLED = "//*[@style or @hidden]"

# Bits of `Segment.marks`: the class/id vocabulary of the segment's ancestors.
COMMENT, FEED, NAV, SIDE, SHARE = (1 << i for i in range(5))
RECORD = 1 << 5  # inside a record list found by its shape (extract.records), not by a name
ZONE = 1 << 6  # after a comment heading, in its box (extract.records.comment_zones)
MARK_NAMES = ("comment", "feed", "nav", "side", "share", "record", "zone")

# (bit, whole tokens, substrings): a token is a run of letters of the class/id string.
_VOCAB: tuple[tuple[int, frozenset[str], tuple[str, ...]], ...] = (
    (COMMENT, frozenset({"cmt", "cmts"}),
     ("comment", "respond", "trackback", "guestbook", "liuyan", "pinglun", "discuss")),
    (FEED, frozenset({"rec", "hot", "like", "more", "rank", "top10", "xg", "tj"}),
     ("recommend", "related", "relate", "feed", "guess", "similar", "tuijian", "xiangguan",
      "remen", "hotnews", "popular", "trending", "ranking", "readmore", "morenews")),
    (NAV, frozenset({"nav", "menu", "header", "footer", "foot", "bottom", "logo",
                     "crumb", "crumbs", "copyright", "login", "search", "topbar"}),
     ("navigation", "navbar", "breadcrumb", "copyright", "footer", "header", "sitemap")),
    (SIDE, frozenset({"side", "aside", "sider", "widget", "widgets"}),
     ("sidebar", "sidebox", "widget", "aside", "rightbar", "leftbar")),
    (SHARE, frozenset({"share", "tool", "tools", "ad", "ads", "gg", "print", "fav", "social",
                       "qr", "qrcode", "banner", "sponsor"}),
     ("share", "toolbar", "advert", "banner", "sponsor", "qrcode", "social", "bdshare")),
)  # fmt: skip
# Tokens: runs of letters, also split at camelCase humps ("mainColumnLoginBar" -> main,
# column, login, bar): modern front ends name their boxes that way.
_TOKEN_RE = re.compile(r"[A-Z]?[a-z]+\d*|[A-Z]+\d*(?![a-z])")
_NEAR = 4  # ancestors with vocabulary whose bits a segment inherits


@functools.lru_cache(maxsize=8192)
def vocabulary(names: str) -> int:
    """Bits of the generic class/id words in `names` (the element's class and id joined)."""
    low = names.lower()
    tokens = {t.lower() for t in _TOKEN_RE.findall(names)}
    bits = 0
    for bit, words, parts in _VOCAB:
        if tokens & words or any(p in low for p in parts):
            bits |= bit
    return bits


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text between block boundaries, with the share of it inside links."""

    text: str
    chars: int
    link_chars: int
    punct: int
    comment: bool = False  # inside a container named as a comment section
    marks: int = 0  # COMMENT..SHARE bits of its nearest named ancestors
    code: bool = False  # inside <pre>/<code>: program text, unpunctuated but content
    # The innermost block element holding the segment's first text: lets the density run
    # score DOM containers (extract.density.container). Not part of equality.
    node: etree._Element | None = field(default=None, compare=False, repr=False)


def parse(markup: str) -> etree._Element | None:
    """Parse HTML text leniently; None when nothing usable comes out."""
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)
    try:
        # Plain etree elements: lxml.html's per-element class lookup costs ~10% of a page.
        root = etree.fromstring(markup, _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    _repair_head(root)
    return root


@functools.cache
def _parser() -> etree.HTMLParser:
    # Parsers are reusable and stateless between documents; one per process.
    return etree.HTMLParser(collect_ids=False)


def _repair_head(root: etree._Element) -> None:
    """Move page content that libxml2 parked in <head> (a script before <html>) into <body>."""
    head = root.find("head")
    if head is None:
        return
    strays = [el for el in head if isinstance(el.tag, str) and el.tag in BLOCK_TAGS]
    if not strays:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    first = strays[0]
    moving = [first, *first.itersiblings()]
    for el in reversed(moving):
        body.insert(0, el)


def prune(root: etree._Element) -> None:
    """Remove scripts, styles, forms, nav/footer/aside elements and hidden elements."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter(*_DROP_TAGS)):
        _drop(el)
    # XPath finds the few elements with a style or hidden attribute in C; a Python loop over
    # every element cost ~5% of a page.
    for el in root.xpath(_STYLED):
        style = el.get("style")
        if (style and _HIDDEN_RE.search(style)) or el.get("hidden") is not None:
            _drop(el)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def headline_path(root: etree._Element, title: str | None) -> frozenset[etree._Element]:
    """The page's headline element (the longest h1-h3 whose text is the title or part of it)
    and its ancestors: the containers that hold the article. Their class/id words describe
    the page or the article ("post_header" around a whole story), never a side box."""
    squeezed = "".join((title or "").split())
    if len(squeezed) < 4:
        return frozenset()
    best, size = None, 0
    for el in root.iter("h1", "h2", "h3"):
        text = "".join("".join(el.itertext()).split())
        if len(text) >= 4 and len(text) > size and text in squeezed:
            best, size = el, len(text)
    if best is None:
        return frozenset()
    return frozenset([best, *best.iterancestors()])


def segments(
    root: etree._Element,
    article: frozenset[etree._Element] = frozenset(),
    records: frozenset[etree._Element] = frozenset(),
) -> list[Segment]:
    """Linearise the tree into text segments split at block boundaries, in document order.
    `article`: elements whose class/id words are ignored (see `headline_path`); `records`:
    boxes of a record list (see `extract.records`), marked RECORD whatever their names."""
    segs: list[Segment] = []
    buf: list[str] = []
    # link chars in buf, comment depth, marks of the first text in buf, buf has text, code depth
    state = [0, 0, 0, 0, 0]
    holder: list[etree._Element | None] = [None]  # block element of the first text in buf

    def flush() -> None:
        if not buf:
            return
        text = _WS_RE.sub(" ", "".join(buf)).strip()
        buf.clear()
        chars = len(text) - text.count(" ")
        if chars:
            punct = sum(1 for ch in text if ch in _SENTENCE_PUNCT)
            link = min(state[0], chars)
            segs.append(
                Segment(text, chars, link, punct, state[1] > 0, state[2], state[4] > 0, holder[0])
            )
        state[0] = state[3] = 0

    def add(text: str, marks: int, in_link: bool, block: etree._Element) -> None:
        if not state[3] and not text.isspace():
            state[2], state[3] = marks, 1
            holder[0] = block
        buf.append(text)
        if in_link:
            state[0] += len("".join(text.split()))

    def walk(
        el: etree._Element, in_link: bool, names: tuple[int, ...], marks: int, holds: etree._Element
    ) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block:
            flush()
            holds = el
        inside = in_link or tag == "a"
        code = tag == "pre" or tag == "code"
        if code:
            state[4] += 1
        cls, ident = el.get("class"), el.get("id")
        # A highlighter's class names ("hljs-comment") describe code, not the page.
        own = (
            vocabulary(f"{cls or ''} {ident or ''}")
            if (cls or ident) and not state[4] and el not in article
            else 0
        )
        if el in records:
            own |= RECORD
        is_comment = bool(own & COMMENT)
        if is_comment:
            flush()
            state[1] += 1
        if own:
            # Only the nearest few ancestors that carry such words: a page-wide wrapper
            # ("layout-content", "main-header") high above the text says little about it.
            names = (*names[-(_NEAR - 1) :], own)
            marks = 0
            for bits in names:
                marks |= bits
        if el.text:
            add(el.text, marks, inside, holds)
        for child in el:
            walk(child, inside, names, marks, holds)
            if child.tail:
                add(child.tail, marks, inside, holds)
        if block or is_comment:
            flush()
        if is_comment:
            state[1] -= 1
        if code:
            state[4] -= 1

    walk(root, False, (), 0, root)
    return segs
