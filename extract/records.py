"""Page parts found without class names, so hashed or atomic class names (no class word to go
by) do not hide them.

Record lists: runs of sibling boxes that each open with another page's headline link and hold
a few short blocks (a feed's headline + summary + source, a related entry's name + blurb, a
post list's title + excerpt + date). The density run counts them as chrome on every page: a
forum thread's posts and a comment list open with a user name, never with a headline, so the
shape does not take them (see HEADLINE).

Comment sections: what follows a comment heading ("评论", "留言列表 (42)") inside its box, once
the page has said a sentence. Chrome on every page, a short news item's too: a forum thread
heads its replies 回复, which is never a comment heading.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from itertools import islice

from lxml import etree

from extract.segments import BLOCK_TAGS, ZONE, Segment
from zhtext import to_simplified

MIN_RECORDS = 4  # siblings of one tag that look like records before we believe the list
MAX_CHARS = 300  # text of one record: a teaser or a remark, not an article or a long post
MIN_BLOCKS = 2  # its text sits in 2+ blocks: a record is a box, a paragraph with links is not
# A record's link is another page's headline: this many characters or more. A user name, a
# floor number or a reply button is shorter, so a forum thread's replies are not records
# (their text is the thread's content; a news page's comment list has the same shape).
HEADLINE = 10
# Table rows are a data table's records (an encyclopedia's filmography, a report's figures):
# content whatever their links. Old portals' teaser tables are link lists, chrome already.
_NOT_RECORDS = frozenset({"tr", "td", "th", "tbody", "thead", "p"})
# Links whose text may be a headline (normalize-space keeps single spaces: a superset of the
# HEADLINE test, which counts characters without spaces), and how far above its headline a
# record box may sit (a stream item: li > div > div > h3 > a).
_LONG_LINKS = etree.XPath(f"//a[string-length(normalize-space(string(.))) >= {HEADLINE}]")
_DEPTH = 8
PROSE_BEFORE = 20  # characters of sentences (。！？) a comment heading must follow
_SENTENCE_END = re.compile("[。！？!?]")
_TEXTS = etree.XPath(".//text()[normalize-space()]")
_TEXT_SIZE = etree.XPath("string-length(normalize-space(string(.)))")  # spaces count: a bound


def record_lists(
    root: etree._Element, article: frozenset[etree._Element] = frozenset()
) -> frozenset[etree._Element]:
    """Elements that are records of a list: 4+ siblings of one tag, each with a headline link,
    at most 300 characters, in 2+ blocks. `article`: the headline and its ancestors, never a
    record (the headline box is the article's own)."""
    # A record holds a headline link, so only the few ancestors of long links are parents
    # worth grouping; XPath finds the links in C (a Python pass over every element cost more
    # than all the checks).
    groups: dict[tuple[etree._Element, str], None] = {}  # (parent, tag of the child on the path)
    for link in _LONG_LINKS(root):
        node = link
        for _ in range(_DEPTH):
            parent = node.getparent()
            if parent is None:
                break
            if node.tag not in _NOT_RECORDS:
                groups[(parent, node.tag)] = None
            node = parent
    found: set[etree._Element] = set()
    for parent, tag in groups:
        if len(parent) < MIN_RECORDS:
            continue
        group = [child for child in parent.findall(tag) if child not in article]
        if len(group) < MIN_RECORDS:
            continue
        records = _records_of(group)
        if len(records) >= MIN_RECORDS:
            # The list's other items made from the same template (same class) are its
            # records too, whatever their headline's length.
            template = {el.get("class") for el in records}
            found.update(el for el in group if el.get("class") in template)
    return frozenset(found)


def _records_of(group: list[etree._Element]) -> list[etree._Element]:
    """The records among siblings of one tag; stops once 4 can no longer be reached (most
    groups are menus: one link per item, no block inside, rejected by lxml-side checks)."""
    records: list[etree._Element] = []
    misses_left = len(group) - MIN_RECORDS
    for el in group:
        if (
            el.find(".//a") is not None
            and next(islice(el.iter(*BLOCK_TAGS), 1, None), None) is not None
            and _TEXT_SIZE(el) <= 2 * MAX_CHARS
            and _is_record(el)
        ):
            records.append(el)
        else:
            misses_left -= 1
            if misses_left < 0:
                return []
    return records


def _is_record(el: etree._Element) -> bool:
    """Short, in 2+ blocks, and opening with a headline link (within its first two texts:
    a category label may come first). A forum post or a comment opens with its user name."""
    texts = _TEXTS(el)
    if sum(len("".join(t.split())) for t in texts) > MAX_CHARS:
        return False
    # A text node's owner: the element it sits in (a tail sits in its element's parent).
    owners = [t.getparent().getparent() if t.is_tail else t.getparent() for t in texts]
    if len({_block_of(owner, el) for owner in owners if owner is not None}) < MIN_BLOCKS:
        return False
    for owner in owners[:2]:
        link = _link_of(owner, el) if owner is not None else None
        if link is not None and len("".join("".join(link.itertext()).split())) >= HEADLINE:
            return True
    return False


def _link_of(node: etree._Element, top: etree._Element) -> etree._Element | None:
    """The <a> holding `node` (itself or an ancestor), no higher than the record."""
    while True:
        if node.tag == "a":
            return node
        if node is top:
            return None
        parent = node.getparent()
        if parent is None:
            return None
        node = parent


def _block_of(node: etree._Element, top: etree._Element) -> etree._Element:
    """The nearest block element holding `node`'s text, no higher than the record itself."""
    while node is not top and node.tag not in BLOCK_TAGS:
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node


# A heading that opens the page's comment section ("评论", "留言列表 (42)", "跟贴32", "63条评论",
# "Comments"). Not "回复"/"回答": a forum thread's or a Q&A page's replies are its content. No
# colon: "点评：" or "评论：" inside an article introduces the author's own commentary.
_COMMENT_HEADING_RE = re.compile(
    r"^[【\[]?(网友|读者|用户|最新|热门|最热|精彩|全部|所有|发表|我要|查看)?"
    r"(评论|留言|跟贴|跟帖)(列表|区|板)?[】\]]?\s*[(（]?\s*共?\s*\d*\s*条?\s*[)）]?$"
    r"|^(共|已有)?\s*\d+\s*[条件则](评论|留言|跟贴|跟帖)"
    r"|已有\s*\d+\s*[条件则]?(评论|留言)$"
    r"|^(\d+\s*)?(comments?|feedback|responses|leave a (reply|comment))\s*[(（]?\d*[)）]?$",
    re.I,
)


def is_comment_heading(line: str, view: str | None = None) -> bool:
    """A short line that opens the page's comment section. `view`: as for is_tail_heading."""
    if len(line) > 60:
        return False
    return _COMMENT_HEADING_RE.search((view or to_simplified(line)).strip()) is not None


def comment_zones(segs: Sequence[Segment], headings: Sequence[bool]) -> list[Segment]:
    """`segs` with the page's comment sections marked ZONE: from a comment heading ("评论",
    "留言列表 (42)", "跟贴32": `headings[i]`) to the end of the smallest box that holds more
    than the heading. A comment list under a hashed class name
    is found by the heading its site writes above it; the box keeps a sidebar's "最新评论"
    widget from taking the article with it."""
    out = list(segs)
    prose = 0  # characters of sentences so far: a comment section follows what it discusses
    for i, seg in enumerate(segs):
        if seg.link_chars * 2 <= seg.chars and _SENTENCE_END.search(seg.text):
            prose += seg.chars
        if not headings[i] or seg.node is None or seg.link_chars * 2 > seg.chars:
            continue
        # A paragraph among paragraphs is the article's own subheading; a list item is a tab
        # or a menu ("正文 | 评论"); before any prose it is a tab strip above the story.
        if seg.node.tag in ("p", "li") or prose < PROSE_BEFORE:
            continue
        box = _box_of(seg.node, seg.chars)
        for j in range(i + 1, len(segs)):
            node = segs[j].node
            if node is None or not _inside(node, box):
                break
            if not out[j].marks & ZONE:
                out[j] = dataclasses.replace(out[j], marks=out[j].marks | ZONE)
    return out


def _box_of(node: etree._Element, chars: int) -> etree._Element:
    """The nearest ancestor of a heading holding more text than the heading itself."""
    box = node
    while (parent := box.getparent()) is not None:
        box = parent
        text = "".join(box.itertext())
        if len(text) - text.count(" ") > chars + 20:
            break
    return box


def _inside(node: etree._Element, box: etree._Element) -> bool:
    while node is not None:
        if node is box:
            return True
        node = node.getparent()
    return False
