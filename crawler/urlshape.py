"""URL shapes and article-looking links: what a link's URL and anchor say before any fetch.

`url_shape` generalises a URL into its template (ids, hashes and short ids become `\\d+` or
`\\w+`, date runs keep their length); `article_score` weighs a link's evidence of leading to
an article (date and id segments, extension, list-like names, a headline for anchor, a place
in a list of headlines); `headline_blocks` and `article_blocks` find the lists of articles
on a page. Pure functions (crawler/discovery.py decides what to fetch and learn from them).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from urllib.parse import parse_qsl, urlsplit

from crawler.canon import canonical_host
from extract.dates import url_date

# --- URL shapes ---------------------------------------------------------------------------

_NUMERIC_SEG = re.compile(r"^[\d\-_.]+$")
_LONG_TOKEN = re.compile(r"(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{12,}")
_DIGITS = re.compile(r"\d+")
_DATE_RUNS = frozenset({1, 2, 4, 6, 8})  # d, dd, yyyy or mmdd, yyyymm, yyyymmdd


def _numeric_segment(seg: str) -> str:
    """`2024-05` -> `\\d{4}-\\d{2}`: date-like runs keep their length, ids become `\\d+`."""
    out, pos = [], 0
    for m in _DIGITS.finditer(seg):
        out.append(re.escape(seg[pos : m.start()]))
        n = len(m.group())
        out.append(rf"\d{{{n}}}" if n in _DATE_RUNS else r"\d+")
        pos = m.end()
    out.append(re.escape(seg[pos:]))
    return "".join(out)


def id_token(seg: str) -> bool:
    """A short id standing for a whole segment (`7WrNTWHwe39`, `aBajBehSwV`, `x8k2m9q1`):
    eight or more letters and digits mixed, or letters whose case flips like no word's."""
    stem = seg.split(".", 1)[0]
    if len(stem) < 8 or not stem.isascii() or not stem.isalnum() or stem.isdigit():
        return False
    if any(c.isdigit() for c in stem):
        return True
    return sum(a.islower() and b.isupper() for a, b in pairwise(stem)) >= 2


def _word_segment(seg: str) -> str:
    """`c_1129952031.htm` -> `c_\\d+\\.htm`; long mixed tokens (hashes, ids) -> `\\w+`."""
    if id_token(seg):
        _, dot, ext = seg.partition(".")
        return r"\w+" + re.escape(dot + ext)
    out, pos = [], 0
    for m in re.finditer(rf"{_LONG_TOKEN.pattern}|\d+", seg):
        out.append(re.escape(seg[pos : m.start()]))
        out.append(r"\d+" if m.group().isdigit() else r"\w+")
        pos = m.end()
    out.append(re.escape(seg[pos:]))
    return "".join(out)


@lru_cache(maxsize=1 << 14)  # pure; a crawl asks for the shape of the same URL several times
def url_shape(url: str) -> tuple[str, str]:
    """(folded host, path template): the URL with its variable parts generalised, written
    as a regular expression (`/news/\\d{4}/\\d{4}/a\\d+\\.html`); query values generalised."""
    try:
        parts = urlsplit(url)
        host = canonical_host(parts.hostname or "")
    except ValueError:
        return "", url
    segs = parts.path.split("/")
    template = "/".join(
        _numeric_segment(s) if _NUMERIC_SEG.match(s) else _word_segment(s) for s in segs
    )
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    if keys:
        template += r"\?" + "&".join(f"{re.escape(k)}=…" for k in keys)
    return host, template or "/"


# --- article-looking links ------------------------------------------------------------------

ARTICLE_EXTENSIONS = (".html", ".htm", ".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp")
NOT_PAGE_EXTENSIONS = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg", ".ico", ".pdf", ".doc", ".docx",
    ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".gz", ".mp4", ".mp3", ".flv",
    ".avi", ".wmv", ".css", ".js", ".json", ".xml", ".rss", ".apk", ".exe", ".swf", ".txt",
    ".wps", ".ofd", ".m3u8",
)  # fmt: skip
_LISTY = re.compile(
    r"(?:^|[/_\-.])(?:index|list|default|node|col|column|channel|category|tags?|search"
    r"|about|login|register|sitemap|rss|special|zt|topic)(?:[_\-.\d]|$)",
    re.I,
)
# Query keys that name one document (`?p=1700`, `?NewsID=4173`, `?detailsid=2359`).
_ID_KEY = re.compile(r"^(?:p|id|aid|tid|pid|docid|[a-z]*_?id)$", re.I)
_YEAR_MONTH = re.compile(r"/(?:19|20)\d{2}(?:[-_]?\d{2})?/")
_ID = re.compile(r"\d{5,}|[0-9a-fA-F]{16,}|(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{20,}")
CJK = re.compile(r"[\u3400-\u9fff]")
# Query keys of sorting, filtering and session ids: the same list in many orders (traps).
TRAP_PARAMS = frozenset(
    {
        "sort", "sortby", "sort_by", "order", "orderby", "order_by", "sorttype", "filter",
        "view", "display", "sid", "sessionid", "session_id", "jsessionid", "phpsessid",
        "aspsessionid", "replytocom", "print", "printable",
    }
)  # fmt: skip


def trap_param(url: str) -> str | None:
    """The first sorting/filtering/session query key of `url`, if any."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return None
    for key, _ in parse_qsl(query, keep_blank_values=True):
        if key.lower() in TRAP_PARAMS:
            return key
    if ";jsessionid=" in url.lower():
        return "jsessionid"
    return None


def article_score(url: str, anchor: str = "", *, headlines: bool = False) -> int:
    """How much `url` looks like an article page; >= 3 looks like one. Evidence: a date and
    an id in the path or query, an article extension, not a list/about/login name, a
    headline for anchor text, and (`headlines`) a place in a block of headline links."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return -9
    path, lower = parts.path, parts.path.lower()
    if lower.endswith(NOT_PAGE_EXTENSIONS):
        return -9
    segs = [s for s in path.split("/") if s]
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not segs and not query:
        return -9  # a home page
    score = 0
    if url_date(url) is not None or _YEAR_MONTH.search(path):
        score += 2
    tail = "/".join(segs[-2:])
    ids = [v for k, v in query if _ID_KEY.match(k) and v.isdigit()]
    if _ID.search(tail) or any(len(v) >= 3 for v in ids):
        score += 2
    elif ids or (segs and (re.search(r"\d{3,}", segs[-1]) or id_token(segs[-1]))):
        score += 1
    if lower.endswith(ARTICLE_EXTENSIONS):
        score += 1
    elif path.endswith("/"):
        score -= 1
    if segs and _LISTY.search("/" + segs[-1]):
        score -= 3
    if anchor:
        han = len(CJK.findall(anchor))
        if han >= 6 or len(anchor) >= 24:
            score += 1
        elif len(anchor) <= 4:
            score -= 1
    if headlines:
        score += 1
    return score


def looks_like_article(url: str, anchor: str = "", *, headlines: bool = False) -> bool:
    return article_score(url, anchor, headlines=headlines) >= 3


HEADLINE_BLOCK = 4  # links in a block, most with headline-like anchors: a list of articles


def article_blocks(links: list[tuple[int, bool]]) -> set[int]:
    """Blocks where at least two links, and half of all, are article links (`True`): their
    other links are likely articles of a shape not met yet (siblings in one list)."""
    total: Counter[int] = Counter()
    hits: Counter[int] = Counter()
    for block, is_article in links:
        if block:
            total[block] += 1
            hits[block] += is_article
    return {b for b, n in total.items() if hits[b] >= 2 and hits[b] * 2 >= n}


def headline_blocks(links: list[tuple[int, str]]) -> set[int]:
    """Blocks (ids from pagetext.Link.block) holding at least HEADLINE_BLOCK links of which
    most have headline-like anchors (six or more Han characters): lists of articles."""
    total: Counter[int] = Counter()
    long: Counter[int] = Counter()
    for block, text in links:
        if block:
            total[block] += 1
            long[block] += len(CJK.findall(text)) >= 6
    return {b for b, n in total.items() if n >= HEADLINE_BLOCK and long[b] * 5 >= n * 3}
