"""Ingest inputs -> Pages: WARC(.gz) files, HTML files, plain-text files and folders of them.

WARC records are read by the contract of crawler/records.py: articles, URL-list pages and the
parts of multi-page articles are documents (parts grouped by their first page and stitched in
order); list pages, feeds, sitemaps and unconfirmed pages are not.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.records import read_meta
from extract.decode import decode_html
from extract.types import Page

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".asp", ".aspx", ".php", ".jsp")
WARC_SUFFIXES = (".warc", ".warc.gz")
TEXT_SUFFIXES = (".txt",)
DATED = re.compile(r"(19|20)\d\d\s*[-/年.]\s*\d{1,2}")


class InputError(Exception):
    """An input path that cannot be ingested (missing, unreadable, not HTML or WARC)."""


@dataclass(frozen=True, slots=True)
class Input:
    """One article to extract: its first page and any continuation pages, in order."""

    page: Page
    parts: tuple[Page, ...] = ()
    status: int = 200  # HTTP status of a WARC response


@dataclass(frozen=True, slots=True)
class Source:
    """One input file, identified by its content hash so a second ingest skips it."""

    path: Path
    kind: str  # "warc" | "html" | "text"
    sha1: str


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def check_paths(paths: list[Path]) -> None:
    """Raise InputError for a missing path or an explicit file that is not ingestible."""
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_file() and kind_of(path) is None:
            sniff(path)


def expand(paths: list[Path]) -> list[Source]:
    """Resolve files and folders into Sources; raise InputError for a bad explicit path."""
    out: list[Source] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                kind = kind_of(child)
                if kind is not None:
                    out.append(Source(child, kind, _sha1(child)))
                else:
                    log.debug("skipping %s: not HTML, text or WARC", child)
            continue
        kind = kind_of(path) or sniff(path)
        out.append(Source(path, kind, _sha1(path)))
    return out


def read(source: Source) -> Iterator[Input]:
    if source.kind == "warc":
        yield from _read_warc(source.path)
    else:
        yield Input(read_page(source.path))


def read_page(path: Path, url: str | None = None) -> Page:
    """One HTML or text file as a Page (text files wrapped as ingest wraps them)."""
    page = (
        _text_page(path)
        if kind_of(path) == "text"
        else Page(url=path.resolve().as_uri(), body=path.read_bytes())
    )
    return replace(page, url=url) if url else page


def sniff(path: Path) -> str:
    """An explicitly named file with an unknown suffix must look like HTML."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if head[:4] == b"WARC" or head[:2] == b"\x1f\x8b":
        return "warc"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"\x00" not in head and (probe.startswith(b"<") or b"<html" in probe):
        return "html"
    raise InputError(f"{path} is not an HTML, text or WARC file")


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return digest.hexdigest()


def text_title(lines: list[str]) -> str:
    """The headline of a naively extracted page: portals print it twice near the top (page
    title and article heading), after chrome such as 中新網 or 客服热线; else the first line."""
    head = lines[:15]
    for line in head:
        if 6 <= len(line) <= 80 and head.count(line) > 1 and not line.endswith((":", "：")):
            return line
    return lines[0] if lines else ""


def _text_page(path: Path) -> Page:
    """A plain-text file (the seeds' layout) wrapped in minimal HTML, one <p> per line."""
    # Text files come in GBK and Big5 too: the same evidence-based decoding as pages.
    decoded = decode_html(path.read_bytes())
    text = decoded.text
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = text_title(lines)
    # What stands above the headline's last copy near the top is chrome (site name, 分享到).
    start = max((i for i, ln in enumerate(lines[:15]) if ln == title), default=-1) + 1
    # ...but a dated byline up there ("admin 于2023年05月03日发表") is metadata: keep it.
    byline = [ln for ln in lines[:start] if ln != title and DATED.search(ln)]
    body = "".join(f"<p>{html.escape(ln)}</p>\n" for ln in [*byline, *lines[start:]])
    title = html.escape(title)
    # Re-encoded in the file's own codec, so the document records the encoding it came in.
    codec = decoded.encoding
    doc = (
        f'<html><head><meta charset="{codec}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>\n{body}</article></body></html>"
    )
    try:
        body_bytes = doc.encode(codec)
    except (LookupError, UnicodeEncodeError):
        body_bytes = doc.replace(f'charset="{codec}"', 'charset="utf-8"').encode("utf-8")
    return Page(url=path.resolve().as_uri(), body=body_bytes)


def _read_warc(path: Path) -> Iterator[Input]:
    parts: dict[str, list[tuple[int, Page]]] = {}
    try:
        with path.open("rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = int(record.http_headers.get_statuscode() or 0)
                meta = read_meta(record)
                # Our crawler labels list pages, feeds and sitemaps: they are not documents.
                if not meta.is_document:
                    continue
                if not 200 <= status < 300:
                    yield Input(Page(url=meta.url, body=b""), status=status)
                    continue
                body = record.content_stream().read()
                if getattr(record.raw_stream, "limit", 0):
                    # The file ends inside this record: a copy cut short, or a crawl killed
                    # before warcio's recovery ran. Keep what came before, report the rest.
                    raise InputError(f"{path}: WARC file is truncated (last record incomplete)")
                page = Page(
                    url=meta.url,
                    body=body,
                    headers=tuple(record.http_headers.headers),
                    fetched=meta.fetched,
                    site=meta.site,
                )
                if meta.part_of:
                    parts.setdefault(meta.part_of, []).append((meta.part or 1, page))
                    continue
                yield Input(page)
            size = path.stat().st_size
            end = records.get_record_offset() + (records.get_record_length() or 0)
            if end and end < size:  # bytes after the last whole record: a cut-off one
                raise InputError(f"{path}: WARC file is truncated (last record incomplete)")
    except ArchiveLoadFailed as exc:
        raise InputError(f"{path} is not a readable WARC file: {str(exc)[:120]}") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: WARC file is truncated or corrupt ({exc})") from None
    for first_url, numbered in parts.items():
        yield stitch(first_url, numbered)


def stitch(first_url: str, numbered: list[tuple[int, Page]]) -> Input:
    """The pages of one multi-page article, in part order: the first page and the rest.
    A page fetched twice (a rerun after a kill) counts once."""
    by_number: dict[int, Page] = {}
    for number, page in numbered:
        by_number[number] = page  # the later copy of a repeated part wins
    ordered = [by_number[n] for n in sorted(by_number)]
    first = next((p for p in ordered if p.url == first_url), ordered[0])
    rest = tuple(p for p in ordered if p is not first)
    return Input(first, rest)
