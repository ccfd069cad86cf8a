"""Full-text search over titles and texts (corpus/fts.py), with filters and snippets.

A query is words separated by spaces, all of which must occur; "a phrase" in quotes is
one word, -WORD or NOT WORD leaves out documents holding it, AND is what spaces already
mean. Other FTS5 syntax (* ( ) : ^ + { }) separates words rather than being passed to
SQLite, so no query is a syntax error and text is matched as typed. Each word also matches its
Traditional or Simplified spelling (OpenCC), since copies of one report come in both.
Words of three or more characters use the trigram index; shorter ones (援疆, 医生) cannot,
so they are matched with LIKE on the documents that the longer words (if any) selected.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import opencc

from corpus.fts import FTS_TABLE, backfill, has_fts
from corpus.store import Store
from zhtext import to_simplified

TO_TRADITIONAL = ("s2t.json", "s2tw.json")  # mainland and Taiwan Traditional forms
MARK = ("[", "]")  # around each hit in a snippet; plain text survives every output format
SNIPPET_CHARS = 40
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
TOKEN = re.compile(r'"[^"]*"?|\S+')  # a quoted phrase (its closing quote optional) or a word
SEPARATORS = re.compile(r'["*():^{}+]+')


@dataclass(frozen=True, slots=True)
class Filters:
    outlet: str | None = None  # substring of the outlet name or the profile name
    province: str | None = None  # one of the document's provinces (sending side)
    since: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...]  # each must occur (in some spelling)
    excluded: tuple[str, ...] = ()  # none may occur


def parse_query(text: str) -> Query:
    """Words, "phrases" and -excluded words of a query as users type it (ValueError for
    a query with nothing to find, or OR, which this search does not do)."""
    words: list[str] = []
    excluded: list[str] = []
    negate = False
    for token in TOKEN.findall(text):
        if token.startswith('"'):
            parts = [" ".join(token.strip('"').split())]
        elif token == "AND":
            continue
        elif token == "OR":
            raise ValueError(
                "OR is not supported: every word must occur (run one search per alternative)"
            )
        elif token == "NOT":
            negate = True
            continue
        else:
            if token.startswith("-"):
                token = token.lstrip("-")
                if not token:  # a lone dash is punctuation, not an exclusion
                    continue
                negate = True
            parts = SEPARATORS.split(token)
        parts = [p for p in parts if p and p != "NEAR"]
        if parts:
            (excluded if negate else words).extend(parts)
            negate = False
    if not words:
        raise ValueError(
            "the search query has no word to find"
            + (" (only words to leave out)" if excluded else "")
        )
    return Query(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(excluded)))


@dataclass(frozen=True, slots=True)
class Hit:
    url: str
    title: str
    outlet: str | None
    published: str | None
    provinces: tuple[str, ...]
    cluster: int
    snippet: str

    def row(self) -> dict[str, object]:
        row = asdict(self)
        row["provinces"] = list(self.provinces)
        return row


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def variants(word: str) -> tuple[str, ...]:
    """The word as typed, in Simplified and in Traditional (mainland and Taiwan forms)."""
    out = [word]
    for converted in (to_simplified(word), *(_converter(c).convert(word) for c in TO_TRADITIONAL)):
        if converted not in out:
            out.append(converted)
    return tuple(out)


def check_date(value: str | None, name: str) -> str | None:
    if value is not None and not DATE.match(value):
        raise ValueError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return value


def search(
    store: Store,
    query: str,
    filters: Filters = Filters(),
    limit: int = 20,
    progress: Callable[[str], None] | None = None,
) -> list[Hit]:
    """Documents containing every word of `query` (see parse_query) and none of its
    excluded ones, best matches first (then newest).

    An older database's documents are indexed first (corpus/fts.py `backfill`, once).
    """
    parsed = parse_query(query)
    words = list(parsed.words)
    check_date(filters.since, "--since")
    check_date(filters.until, "--until")
    backfill(store.conn, progress)
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    where, args = _filters(filters)
    for word in short_words:
        where.append(_contains(word, args))
    for word in parsed.excluded:
        where.append("NOT " + _contains(word, args))
    cols = "d.url, d.title, d.outlet, d.published, d.provinces, d.cluster_id"
    if long_words and has_fts(store.conn):
        match = " AND ".join(
            "(" + " OR ".join(_phrase(v) for v in variants(w)) + ")" for w in long_words
        )
        sql = (
            f"SELECT {cols}, d.text, snippet({FTS_TABLE}, 1, ?, ?, '…', 24) AS snip"
            f" FROM {FTS_TABLE} JOIN documents d ON d.id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH ?"
            + "".join(f" AND {w}" for w in where)
            + f" ORDER BY bm25({FTS_TABLE}), d.published DESC, d.id LIMIT ?"
        )
        params = [*MARK, match, *args, limit]
    else:  # only short words, or no index: a scan, which LIKE does as well as anything
        where += [_contains(word, args) for word in long_words]
        sql = (
            f"SELECT {cols}, d.text, NULL AS snip FROM documents d"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.published DESC, d.id LIMIT ?"
        )
        params = [*args, limit]
    hits = []
    for row in store.conn.execute(sql, params):
        snip = row["snip"]
        if not snip or MARK[0] not in snip:  # matched in the title, or by LIKE
            snip = make_snippet(row["text"], [v for w in words for v in variants(w)])
        hits.append(
            Hit(
                url=row["url"],
                title=row["title"],
                outlet=row["outlet"],
                published=row["published"],
                provinces=tuple(json.loads(row["provinces"])),
                cluster=row["cluster_id"],
                snippet=" ".join(snip.split()),
            )
        )
    return hits


def iter_rows(hits: list[Hit]) -> Iterator[dict[str, object]]:
    return (h.row() for h in hits)


def make_snippet(text: str, needles: list[str], width: int = SNIPPET_CHARS) -> str:
    """The text around the first needle found, the needle in MARK brackets."""
    found = [(text.find(n), n) for n in needles if n and n in text]
    if not found:
        return text[: width * 2] + ("…" if len(text) > width * 2 else "")
    at, needle = min(found)
    start, end = max(0, at - width), min(len(text), at + len(needle) + width)
    return (
        ("…" if start else "")
        + text[start:at]
        + MARK[0]
        + needle
        + MARK[1]
        + text[at + len(needle) : end]
        + ("…" if end < len(text) else "")
    )


def _contains(word: str, args: list[object]) -> str:
    """A condition true when the title or text holds `word` in any spelling; its
    parameters are appended to `args`."""
    likes = []
    for v in variants(word):
        likes.append(r"(d.title LIKE ? ESCAPE '\' OR d.text LIKE ? ESCAPE '\')")
        args += [f"%{_escape_like(v)}%"] * 2
    return "(" + " OR ".join(likes) + ")"


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def _filters(f: Filters) -> tuple[list[str], list[object]]:
    where: list[str] = []
    args: list[object] = []
    if f.outlet:
        where.append(r"(d.outlet LIKE ? ESCAPE '\' OR d.site LIKE ? ESCAPE '\')")
        args += [f"%{_escape_like(f.outlet)}%"] * 2
    if f.province:
        names = variants(f.province)
        where.append(
            "EXISTS (SELECT 1 FROM json_each(d.provinces) p WHERE p.value IN"
            f" ({','.join('?' * len(names))}))"
        )
        args += list(names)
    # Dates are stored as written (2023-04-13 or 2023-04-13T11:10:52+08:00): compare as
    # many leading characters as the bound has, so 2023-04 covers the whole month.
    if f.since:
        where.append("d.published IS NOT NULL AND substr(d.published, 1, ?) >= ?")
        args += [len(f.since), f.since]
    if f.until:
        where.append("d.published IS NOT NULL AND substr(d.published, 1, ?) <= ?")
        args += [len(f.until), f.until]
    return where, args
