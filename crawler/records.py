"""The WARC record contract between the crawler and ingest, in one place: the
`WARC-Aidcorpus-*` header names, the record kinds, and the reader of those headers.

crawler/warc.py writes records with `aidcorpus_fields`; corpus/sources.py reads them with
`read_meta`. Nobody else spells a header name or a kind (docs/INTERFACES.md, "WARC records").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SITE = "WARC-Aidcorpus-Site"  # profile name: ingest takes its outlet and topic terms
KIND = "WARC-Aidcorpus-Kind"  # one of KINDS
TOPIC_TERMS = "WARC-Aidcorpus-Topic-Terms"  # comma-separated terms the crawler matched
PART_OF = "WARC-Aidcorpus-Part-Of"  # multi-page article: URL of its first page
PART = "WARC-Aidcorpus-Part"  # multi-page article: 1-based page number
# multi-page article: how many pages it has ("n" on every record of an article archived
# whole; "0" on the pages of one whose later pages were not fetched: ingest defers those)
PARTS = "WARC-Aidcorpus-Parts"
FOUND_BY = "WARC-Aidcorpus-Found-By"  # article: "pattern" (article_pattern) or "shape"

LIST = "list"  # channel and pagination pages
ARTICLE = "article"  # the first (or only) page of an article
PART_KIND = "part"  # page 2.. of a multi-page article (carries PART_OF and PART)
URL = "url"  # a page of a URL-list crawl: a document like an article
FEED = "feed"
SITEMAP = "sitemap"
SEARCH = "search"
PAGE = "page"  # fetched because its URL looked like an article, but the page did not
KINDS = (LIST, ARTICLE, PART_KIND, URL, FEED, SITEMAP, SEARCH, PAGE)
# Kinds ingest reads as documents; a record without KIND (a foreign WARC) is one as well.
DOCUMENT_KINDS = frozenset({ARTICLE, PART_KIND, URL})
# Kinds the crawl state tracks as documents (archived whole, refetched after refresh days).
ARTICLE_KINDS = (ARTICLE, URL)


def new_record_id() -> str:
    """A WARC-Record-ID (WARC 1.0 §5.2); the spider's items name the response by it."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def aidcorpus_fields(
    site: str,
    kind: str,
    *,
    part_of: str | None = None,
    part: int | None = None,
    parts: int | None = None,
    topic_terms: tuple[str, ...] = (),
    found_by: str | None = None,
) -> list[tuple[str, str]]:
    """Our headers of one response record, in the order they are written. `parts`: the
    article's page count when archived whole, 0 when its later pages are missing."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    fields = [(SITE, site), (KIND, kind)]
    if part_of is not None and part is not None:
        fields += [(PART_OF, part_of), (PART, str(part))]
        if parts is not None:
            fields.append((PARTS, str(parts)))
    if topic_terms:
        fields.append((TOPIC_TERMS, ",".join(topic_terms)))
    if found_by:
        fields.append((FOUND_BY, found_by))
    return fields


@dataclass(frozen=True, slots=True)
class RecordMeta:
    """What our headers say about one response record (all None for a foreign WARC)."""

    url: str
    record_id: str | None
    fetched: str | None
    site: str | None
    kind: str | None
    part_of: str | None
    part: int | None
    topic_terms: tuple[str, ...]
    # multi-page article: its page count (0: archived without its later pages; None: not
    # said, a WARC written before this header existed)
    parts: int | None = None

    @property
    def is_document(self) -> bool:
        """Ingest reads it as (a page of) a document: articles, parts, URL-list pages."""
        return self.kind is None or self.kind in DOCUMENT_KINDS


def whole_count(pages: Iterable[tuple[int, int | None]]) -> int | None:
    """The page count of one multi-page article archived whole, from its records' (part,
    parts) pairs: n when the records counting n pages hold pages 1..n (the largest such
    n), 0 when no count is complete (a page missing, or archived as incomplete), None when
    no record carries a count (a WARC written before PARTS existed)."""
    by_count: dict[int, set[int]] = {}
    for number, count in pages:
        if count is not None:
            by_count.setdefault(count, set()).add(number)
    if not by_count:
        return None
    done = [n for n, got in by_count.items() if n >= 1 and set(range(1, n + 1)) <= got]
    return max(done, default=0)


def read_meta(record: Any) -> RecordMeta:
    """Our headers of a warcio response record."""
    get = record.rec_headers.get_header
    part_of = get(PART_OF) or None
    try:
        part = int(get(PART) or 1) if part_of else None
    except ValueError:
        part = 1
    try:
        parts = int(get(PARTS)) if part_of and get(PARTS) is not None else None
    except ValueError:
        parts = 0  # a count we cannot read: not a whole article
    terms = tuple(t for t in (get(TOPIC_TERMS) or "").split(",") if t)
    return RecordMeta(
        url=get("WARC-Target-URI") or "",
        record_id=get("WARC-Record-ID"),
        fetched=get("WARC-Date"),
        site=get(SITE),
        kind=get(KIND),
        part_of=part_of,
        part=part,
        topic_terms=terms,
        parts=parts,
    )
