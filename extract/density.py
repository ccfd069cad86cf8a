"""Our main-text finder for Chinese pages: the contiguous run of text segments, in document
order, with the best sum of values (maximum-sum run). Prose counts for the run; link lists,
junk-lexicon lines, tail headings, and text inside containers named as comments, feeds,
navigation, sidebars or share widgets count against it (generic class/id words only).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from extract.boilerplate import JUNK, is_tail_heading, junk_class, simplified_lines
from extract.records import comment_zones, is_comment_heading, record_lists
from extract.segments import (
    FEED,
    NAV,
    RECORD,
    SHARE,
    SIDE,
    ZONE,
    Segment,
    headline_path,
    prune,
    segments,
)

# A run outside comment/feed/sidebar containers worth less than this (about 100 characters of
# prose) means those containers are the content: a forum thread or Q&A page. Issue 10: 300
# let the comments and feeds under a short news item in; 100 costs one dev forum page
# (evaldata F1 0.9018 -> 0.9004).
ARTICLE_MIN = 100.0
CONTEXT = 15  # segments kept around the run as context (byline, date, source, editor)
TAIL_BARRIER = 200.0  # a 相关阅读/网友评论 heading: the run rarely continues past it
LINK_TITLE = 12  # link text this long is another page's headline, shorter is a name/button
SHORT_LINK_WEIGHT = 0.1
CODE_WEIGHT = 0.3  # a blog's code block is content, though it has no Chinese punctuation
# Containers named as feeds, navigation, sidebars or share widgets hold chrome on article
# pages (their text is prose-like: feed teasers, sidebar blurbs). Issue 10: held-out aggregator
# pages lost precision to exactly these; leave-one-site-out F1 on evaldata 0.9006 -> 0.9024.
CHROME_MARKS = FEED | NAV | SIDE | SHARE | RECORD | ZONE
# Sidebars, navigation and login boxes stay chrome even when the comment containers are the
# content (a forum or Q&A page): a thread's posts never sit in them. Issue 10: dev F1 equal
# (0.9020 with SIDE alone, 0.9019 with NAV too: two forum pages -0.014, two +0.01/+0.02); NAV
# also keeps a Q&A page's sign-in upsell out. Feed and share bits cost forum pages.
# Record lists (boxes opening with another page's headline, extract.records) stay chrome too:
# a thread's posts open with a user name, so the shape never takes them. So do sections under
# a comment heading (评论, 留言, 跟贴; never 回复): a short news item's comments are not a
# thread. Issue 10: no page with its own class names moves; with hashed names one forum
# topic whose replies sit under "8条评论" loses (dev hashed 0.899 -> 0.893).
FORUM_CHROME = SIDE | NAV | RECORD | ZONE


@dataclass(frozen=True, slots=True)
class Run:
    """The main-text run: its lines and the page text around it (dates, sources, editors)."""

    lines: list[str]
    before: list[str]
    after: list[str]
    score: float  # the run's prose value; small means weak evidence
    # Text of the record lists and comment sections (found by shape and heading, chrome on
    # every page), whitespace removed: what another extractor's output must not bring back.
    chrome: frozenset[str] = frozenset()


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


def ruled(seg: Segment, view: str | None = None) -> float | None:
    """The value hard rules give a segment, or None when the block model decides: a tail
    heading is a barrier; junk-lexicon lines and link text are chrome (short links less so:
    names and buttons between a thread's posts). `view`: its text in Simplified script."""
    if seg.chars <= 30 and is_tail_heading(seg.text, view):
        return -TAIL_BARRIER
    if junk_class(seg.text, view) == JUNK:
        return -float(seg.chars)
    if seg.link_chars / seg.chars > 0.5:
        return -(1.0 if seg.chars >= LINK_TITLE else SHORT_LINK_WEIGHT) * seg.chars
    return None


def prose_value(seg: Segment) -> float:
    """What a segment the rules leave open is worth by its own text: punctuated prose counts
    in full (less its links), long unpunctuated text half, short chrome slightly negative
    (so forum replies and subheadings bridge). Weights from the pre-model density finder."""
    if seg.punct >= 1 and seg.chars >= 8:
        return seg.chars - 3.0 * seg.link_chars
    if seg.code:
        return CODE_WEIGHT * seg.chars
    if seg.chars >= 60:
        return 0.5 * seg.chars
    return -0.05 * seg.chars


def values(segs: list[Segment], rules: list[float | None], *, article: bool = True) -> list[float]:
    """A segment's worth to the run: its ruled value; on an article page (`article`) text in
    a comment, feed, navigation, sidebar or share container counts as chrome; else its prose
    value."""
    worth = []
    for s, rule in zip(segs, rules, strict=True):
        if rule is not None:
            worth.append(rule)
        elif article and (s.comment or s.marks & CHROME_MARKS):
            worth.append(-float(s.chars))
        elif not article and s.marks & FORUM_CHROME and not s.comment:
            worth.append(-float(s.chars))
        else:
            worth.append(prose_value(s))
    return worth


def best_run(root: etree._Element, title: str | None = None) -> Run:
    """Lines of the best contiguous run of segments in document order (maximum-sum run).

    Table-layout pages put each paragraph in its own block inside a cell full of link lists,
    so no single subtree is clean; in document order the article is still one run.
    Comment, feed and sidebar containers count against the run, unless the page is nothing
    but those (forums and Q&A pages name their posts and replies that way).
    """
    prune(root)
    article = headline_path(root, title)
    segs = segments(root, article, record_lists(root, article))
    views = simplified_lines([s.text for s in segs])
    segs = comment_zones(
        segs,
        [is_comment_heading(s.text, v) for s, v in zip(segs, views, strict=True)],
    )
    rules = [ruled(s, v) for s, v in zip(segs, views, strict=True)]
    score, lo, hi = _best_run(values(segs, rules))
    if score < ARTICLE_MIN and any(s.comment or s.marks & CHROME_MARKS for s in segs):
        forum = _best_run(values(segs, rules, article=False))
        if forum[0] > score:
            score, lo, hi = forum
    if hi < lo:
        return Run([], [], [], 0.0, _chrome(segs))

    def text_of(a: int, b: int) -> list[str]:
        return [s.text for s in segs[a:b] if s.link_chars / s.chars <= 0.5]

    lines = text_of(lo, hi + 1)
    before = text_of(max(0, lo - CONTEXT), lo)
    after = text_of(hi + 1, hi + 1 + CONTEXT)
    return Run(lines, before, after, score, _chrome(segs))


def _chrome(segs: list[Segment]) -> frozenset[str]:
    return frozenset("".join(s.text.split()) for s in segs if s.marks & (RECORD | ZONE))
