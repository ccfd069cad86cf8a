"""Page metadata: headline, publication date, outlet, canonical link (from the tree), and the
metadata lines of the text (来源/转载自, 原标题, 记者/通讯员, 责任编辑), parsed and then removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from lxml import etree

from extract.boilerplate import article_end
from extract.canonical import resolve_link
from extract.dates import find_dates, has_date, labelled_date, parse_date, url_date
from extract.outlets import outlet_for_host
from zhtext import strip_pinyin_glosses

_SEP_RE = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|-(?=[^\d\s]{2,12}$))\s*")
_DATE_META = (
    "article:published_time", "og:release_date", "pubdate", "publishdate", "publish_date",
    "pubtime", "ptime", "dc.date", "dc.date.issued", "date", "sailthru.date",
    "weibo:article:create_at",
    "datepublished", "releasedate",
)  # fmt: skip
# A colon is required after 来源 (数据来源于… is prose); 转载自 names its source directly.
# Sohu's 2004 byline brackets the name: "来源：[ 国际金融报 ]".
_ORIGIN_RE = re.compile(r"(?:(?:来源|來源)\s*[:：]|(?:转载自|轉載自|转自)\s*[:：]?)\s*[\[【]?\s*"
                        r"([^\s|()（）\[\]【】:：,，]{2,30})")  # fmt: skip
_ORIGIN_TAIL_RE = re.compile(r"(作者|编辑|記者|记者|编者|時間|时间|日期)$")
_ORIGINAL_TITLE_RE = re.compile(
    r"原标题\s*[:：]\s*(.+?)[)）]?\s*$|原標題\s*[:：]\s*(.+?)[)）]?\s*$"
)
_EDITOR_RE = re.compile(r"(?:责任编辑|責任編輯|责编|编辑|編輯)\s*[:：]\s*([^\s\]】)）|]{2,12})")
_TEASER_END_RE = re.compile(r"(\.{3,}|…|。。。)\s*$")
_NAME = r"[\u4e00-\u9fff·]{2,4}"
# "2004年7月16日08:19 [ 黄宇 ] 来源：…": a bracketed name right after the byline's time.
_BRACKET_AUTHOR_RE = re.compile(rf"(?:\d{{1,2}}[:：]\d{{2}}|日)\s*[\[【]\s*({_NAME})\s*[\]】]")
_AUTHOR_RE = re.compile(
    rf"(?:^[\u4e00-\u9fff]{{0,8}}?|[\s(（【\[]|本报|本報|新华社|新華社)"
    rf"(?:(?:记者|通讯员|記者|通訊員)\s*[:：]?|作者\s*[:：])\s*"
    rf"((?:{_NAME})(?:[\s、，,]+(?!记者|通讯员|記者|通訊員){_NAME})*)(?=$|[\s)）】\]]|报道|報道|摄|攝)"
)
# Words that follow 记者/作者 in page chrome but are not names.
_NOT_NAMES = frozenset({"最新文章", "最近文章", "未知", "整合", "编辑", "报道", "专栏", "简介"})
_META_LINE_RE = re.compile(
    r"^[\[【(（]?\s*(本报|本報|新华社|新華社)?\s*(来源|來源|稿件来源|文章来源|转载自|原标题|原標題|责任编辑|責任編輯|编辑|編輯|责编|"
    r"记者|通讯员|記者|通訊員|作者|发布时间|发布日期|時間|时间|日期|最后更新|更新时间|发表于|发布于|"
    r"信息来源|新闻来源|信息來源|新聞來源)"
    r"|^(本文|文章|稿件|消息|信息|新闻)(来源|來源)"
)
_BYLINE_RE = re.compile(
    r"^[\u4e00-\u9fff\s]{0,12}?(记者|通讯员|記者|通訊員)[\s:：]*[\u4e00-\u9fff·、\s]{2,30}$"
)
_DATE_ONLY_RE = re.compile(r"^[\s\d\-/.:：年月日时分秒TZ+]+$")


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str
    published: str | None
    outlet: str | None
    canonical: str | None
    page_day: date | None  # the best date known before reading the text


@dataclass(frozen=True, slots=True)
class LineMeta:
    origin: str | None
    original_title: str | None
    authors: tuple[str, ...]
    editor: str | None
    published: str | None
    self_label: str | None = None  # the header's 来源 when it names the page's own outlet
    labelled: str | None = None  # first date with a publishing label anywhere in the text


def _meta(root: etree._Element, *keys: str) -> str | None:
    wanted = {k.lower() for k in keys}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in wanted and (el.get("content") or "").strip():
            return el.get("content").strip()
    return None


def _text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _headline(root: etree._Element, cleaneval_title: str | None) -> tuple[str, str | None]:
    """(headline, site suffix of the <title> if any)."""
    title_el = root.find(".//title")
    raw = _text(title_el) if title_el is not None else ""
    raw = raw or _meta(root, "og:title") or cleaneval_title or ""
    parts = [p for p in _SEP_RE.split(raw) if p.strip()]
    suffix = parts[-1].strip() if len(parts) > 1 and len(parts[-1]) <= 16 else None
    squeezed = re.sub(r"\s+", "", raw)
    # A heading element whose text is part of <title> is the headline without the site suffix;
    # the longest such heading, since channel names ("新闻动态") are headings too.
    found = [
        text
        for el in root.iter("h1", "h2", "h3")
        if 4 <= len(text := _text(el)) <= 120 and re.sub(r"\s+", "", text) in squeezed
    ]
    if found:
        return max(found, key=len), suffix
    og = _meta(root, "og:title")
    if og and len(og) >= 4 and len(og) < len(raw):
        return og, suffix
    head = parts[0].strip() if parts else raw
    return (head if len(head) >= 4 else raw), suffix


def _canonical(root: etree._Element, url: str) -> str | None:
    """The first usable canonical link or og:url, as an absolute http(s) URL."""
    links = [
        el.get("href")
        for el in root.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    for href in [*links, _meta(root, "og:url")]:
        if resolved := resolve_link(href, url):
            return resolved
    return None


def page_meta(root: etree._Element, url: str, cleaneval: dict[str, str]) -> PageMeta:
    """Metadata read from the parsed page before any pruning."""
    title, suffix = _headline(root, cleaneval.get("title"))
    canonical = _canonical(root, url)
    where = canonical or cleaneval.get("id") or url
    host = urlsplit(where).hostname or ""
    outlet = _meta(root, "og:site_name") or outlet_for_host(host) or suffix
    published = None
    raw = _meta(root, *_DATE_META)
    if raw:
        found = find_dates(raw)
        published = found[0].iso if found else None
    if published is None:
        for el in root.iter("time"):
            found = find_dates(el.get("datetime") or _text(el))
            if found:
                published = found[0].iso
                break
    day = date.fromisoformat(published[:10]) if published else url_date(where)
    # Glossed pages gloss their chrome too: 中新網(wǎng) is the outlet 中新網.
    title = strip_pinyin_glosses(title) if title else title
    outlet = strip_pinyin_glosses(outlet) if outlet else outlet
    return PageMeta(title, published, outlet, canonical, day)


def _original_title(line: str) -> str | None:
    """The 原标题 a line names, unless it is a teaser cut off with "…" (another story's
    headline, seed 004) or a forum's "【标题】是某某在<日期>发表" (the post replied to)."""
    m = _ORIGINAL_TITLE_RE.search(line)
    if m is None:
        return None
    value = (m.group(1) or m.group(2)).strip()
    if not value or _TEASER_END_RE.search(value) or labelled_date(value):
        return None
    return value


def _authors(line: str) -> list[str]:
    names: list[str] = []
    if _ORIGIN_RE.search(line) and has_date(line):
        names.extend(m.group(1) for m in _BRACKET_AUTHOR_RE.finditer(line))
    for m in _AUTHOR_RE.finditer(line):
        names.extend(n for n in re.split(r"[\s、，,]+", m.group(1)) if n and n not in _NOT_NAMES)
    return names


def is_meta_line(line: str) -> bool:
    """A short line that only carries metadata (来源, 编辑, 记者, a date) and no prose."""
    if len(line) > 90:
        return False
    if _ORIGINAL_TITLE_RE.search(line) and len(line) < 90:
        return True  # a headline may end in ？ or ！
    if re.search(r"[。！？]", line):
        return False
    if labelled_date(line) and not re.search(r"[，；]", line):
        return True  # "发布时间 2005/05/17 22:11:42 by 眉间尺", "admin 于2023年05月03日发表"
    if _BYLINE_RE.match(line):
        return True
    if _DATE_ONLY_RE.match(line) and find_dates(line):
        return True
    if _META_LINE_RE.match(line):
        return True
    # "2023-04-13 11:10:52 来源:中华网山西" and "(来源:山西日报)"
    return bool(has_date(line) and _ORIGIN_RE.search(line)) or bool(
        re.fullmatch(
            r"[(（\[【]\s*(来源|來源|编辑|編輯|责任编辑)\s*[:：][^)）\]】]*[)）\]】]", line
        )
    )


def parse_lines(
    lines: list[str], reference: date | None, outlet: str | None = None
) -> tuple[list[str], LineMeta]:
    """Read metadata from the text's lines; return the lines without pure metadata lines."""
    original_title = editor = published = labelled = None
    authors: list[str] = []
    origins: list[str] = []
    kept: list[str] = []
    edge = set(range(min(6, len(lines)))) | set(range(max(0, len(lines) - 6), len(lines)))
    end = article_end(lines)
    for i, line in enumerate(lines):
        meta_line = is_meta_line(line)
        if labelled is None and meta_line and "原标题" not in line:
            stamp = labelled_date(line)
            labelled = stamp.iso if stamp else None
        if meta_line or i in edge:
            origins.extend(_ORIGIN_TAIL_RE.sub("", m.group(1)) for m in _ORIGIN_RE.finditer(line))
            if original_title is None and i < end:
                original_title = _original_title(line)
            if editor is None and (m := _EDITOR_RE.search(line)):
                editor = m.group(1)
            if published is None and i < 6 and (found := parse_date(line, reference)):
                published = found.iso if len(line) < 60 else None
        if i < 6 or meta_line:
            authors.extend(a for a in _authors(line) if a not in authors)
        if not meta_line:
            kept.append(line)
    # A repost names itself in the header line and the original at the end: prefer a source
    # other than the outlet.
    others = [o for o in origins if not outlet or (o not in outlet and outlet not in o)]
    origin = (others or origins or [None])[0]
    self_label = None
    distinct = list(dict.fromkeys(origins))
    if outlet is None and len(distinct) >= 2:
        # Outlet unknown (a saved page): the header's 来源 is the page's own site, the
        # last one named (at the end of the text) is the original.
        self_label, origin = distinct[0], distinct[-1]
    meta = LineMeta(origin, original_title, tuple(authors), editor, published, self_label, labelled)
    return kept, meta
