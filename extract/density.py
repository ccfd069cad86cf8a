"""Our own main-text finder for Chinese pages: the run of text segments, in document order,
with the best balance of prose (Chinese sentence punctuation, few links) against link lists,
junk-lexicon lines, comment sections and tail headings (maximum-sum run).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from lxml import etree

from extract.boilerplate import is_tail_heading, junk_rule

_DROP_TAGS = (
    "script", "style", "noscript", "iframe", "select", "option", "textarea", "button", "title",
    "meta", "link",
    "nav", "footer", "aside", "svg", "object", "embed", "map", "input", "label",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    "p div td th tr table tbody ul ol li dl dt dd br h1 h2 h3 h4 h5 h6 section article "
    "blockquote pre center hr header main body html figure figcaption caption".split()
)
# Comment sections of blogs and news pages (not forum posts, which are the content there).
# A run outside comment sections worth less than this (about 300 characters of prose) means
# the "comments" are the content: a forum thread or Q&A page.
ARTICLE_MIN = 300.0
LINK_WEIGHT = 1.0
SHORT_LINK_WEIGHT = 0.1
LINK_TITLE = 12
TAIL_BARRIER = 200.0  # a 相关阅读/网友评论 heading: the run rarely continues past it
CONTEXT = 15  # segments kept around the run as context (byline, date, source, editor)
_COMMENT_RE = re.compile(r"comment|respond|trackback|guestbook|liuyan|pinglun", re.I)
_SENTENCE_PUNCT = frozenset("，。！？；：、“”,;")
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text between block boundaries, with the share of it inside links."""

    text: str
    chars: int
    link_chars: int
    punct: int
    comment: bool = False  # inside a container named as a comment section


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
    strays = [el for el in head if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS]
    if not strays:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    first = strays[0]
    moving = [first, *first.itersiblings()]
    for el in reversed(moving):
        body.insert(0, el)


def _prune(root: etree._Element) -> None:
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter(*_DROP_TAGS)):
        _drop(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        style = el.get("style") or ""
        if _HIDDEN_RE.search(style) or el.get("hidden") is not None:
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


def segments(root: etree._Element) -> list[Segment]:
    """Linearise the tree into text segments split at block boundaries, in document order."""
    segs: list[Segment] = []
    buf: list[str] = []
    link = [0]
    comment = [0]

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buf)).strip()
        buf.clear()
        chars = len(text.replace(" ", ""))
        if chars:
            punct = sum(1 for ch in text if ch in _SENTENCE_PUNCT)
            segs.append(Segment(text, chars, min(link[0], chars), punct, comment[0] > 0))
        link[0] = 0

    def walk(el: etree._Element, in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        inside = in_link or tag == "a"
        named = f"{el.get('id') or ''} {el.get('class') or ''}" if tag else ""
        is_comment = bool(named.strip()) and _COMMENT_RE.search(named) is not None
        if is_comment:
            flush()
            comment[0] += 1
        if el.text:
            buf.append(el.text)
            if inside:
                link[0] += len("".join(el.text.split()))
        for child in el:
            walk(child, inside)
            if child.tail:
                buf.append(child.tail)
                if in_link or tag == "a":
                    link[0] += len("".join(child.tail.split()))
        if block or is_comment:
            flush()
        if is_comment:
            comment[0] -= 1

    walk(root, False)
    return segs


def _value(seg: Segment) -> float:
    """Positive for prose, strongly negative for link text, slightly negative for short chrome.

    Weights were tuned on the evaldata full-text pages (bench/extract_eval.py); short
    unpunctuated text is only mildly negative so forum replies and subheadings bridge.
    """
    link_ratio = seg.link_chars / seg.chars
    if is_tail_heading(seg.text):
        return -TAIL_BARRIER
    if seg.comment or junk_rule(seg.text) is not None:
        return -seg.chars
    if link_ratio > 0.5:
        # Long links are headlines of other pages; short ones are names and buttons, which
        # sit between the posts of a thread and should not break the run as hard.
        return -(LINK_WEIGHT if seg.chars >= LINK_TITLE else SHORT_LINK_WEIGHT) * seg.chars
    if seg.punct >= 1 and seg.chars >= 8:
        return seg.chars * (1.0 - link_ratio) - 2.0 * seg.link_chars
    if seg.chars >= 60:
        return 0.5 * seg.chars
    return -0.05 * seg.chars


def _best_run(values: list[float]) -> tuple[float, int, int]:
    """Maximum-sum contiguous run (Kadane): (sum, first index, last index)."""
    best = (0.0, 0, -1)
    total, start = 0.0, 0
    for i, value in enumerate(values):
        if total <= 0:
            total, start = 0.0, i
        total += value
        if total > best[0]:
            best = (total, start, i)
    return best


@dataclass(frozen=True, slots=True)
class Run:
    """The main-text run: its lines and the page text around it (dates, sources, editors)."""

    lines: list[str]
    before: list[str]
    after: list[str]
    score: float  # the run's prose value; small means weak evidence


def run_lines(root: etree._Element) -> list[str]:
    """Lines of the best run (see `best_run`)."""
    return best_run(root).lines


def best_run(root: etree._Element) -> Run:
    """Lines of the best contiguous run of segments in document order (maximum-sum run).

    Table-layout pages put each paragraph in its own block inside a cell full of link lists,
    so no single subtree is clean; in document order the article is still one run.
    Comment sections count against the run, unless the page is nothing but "comments"
    (forums and Q&A pages name their posts that way).
    """
    _prune(root)
    segs = segments(root)
    values = [_value(s) for s in segs]
    score, lo, hi = _best_run(values)
    if any(s.comment for s in segs):
        plain = [_value(replace(s, comment=False)) for s in segs]
        forum = _best_run(plain)
        if score < ARTICLE_MIN:
            score, lo, hi = forum
    if hi < lo:
        return Run([], [], [], 0.0)
    lines = [s.text for s in segs[lo : hi + 1] if s.link_chars / s.chars <= 0.5]
    before = [s.text for s in segs[max(0, lo - CONTEXT) : lo] if s.link_chars / s.chars <= 0.5]
    after = [s.text for s in segs[hi + 1 : hi + 1 + CONTEXT] if s.link_chars / s.chars <= 0.5]
    return Run(lines, before, after, score)
