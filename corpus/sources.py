"""Ingest inputs -> Pages: WARC(.gz) files, HTML files, plain-text files and folders of them.

WARC records are read by the contract of crawler/records.py: articles, URL-list pages and the
parts of multi-page articles are documents (parts grouped by their first page and stitched in
order); list pages, feeds, sitemaps and unconfirmed pages are not.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from corpus.inputcheck import (
    blank_tail,
    gzip_intact,
    read_bounded,
    read_file_bounded,
    record_complete,
    shown,
    walk_files,
)
from crawler.records import RecordMeta, read_meta
from extract.decode import decode_html
from extract.extractor import MAX_BYTES
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
    offset: int = -1  # bytes of its WARC file read up to it: progress within one big file


WATCH_GAP = 4.0  # seconds between scans of a watched folder where nothing new appears
RACY_S = 2.0  # a file modified this recently is not keyed by its stat (see `stat_key`)


@dataclass(frozen=True, slots=True)
class Source:
    """One input file. A file fully ingested is known by its content hash (`sha1`, computed
    when the file is read) and by its stat (path, size, mtime), so a later run skips it
    unread while its stat has not changed."""

    path: Path
    kind: str  # "warc" | "html" | "text"
    sha1: str = ""  # "" until hashed
    size: int = -1
    mtime_ns: int = -1


@dataclass(frozen=True, slots=True)
class StatKey:
    """What identifies an unchanged file without reading it."""

    path: bytes  # the resolved path, as bytes (file names need not be UTF-8)
    size: int
    mtime_ns: int


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


def expand(paths: list[Path], *, follow_symlinks: bool = False) -> list[Source]:
    """Resolve files and folders into Sources; raise InputError for a bad explicit path.

    Symlinks inside a folder are skipped unless `follow_symlinks` (a path named
    explicitly is read whatever it is).
    """
    out: list[Source] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {shown(path)}")
        if path.is_dir():
            for child in walk_files(path, follow_symlinks=follow_symlinks):
                kind = kind_of(child)
                if kind is not None:
                    out.append(_source(child, kind))
                else:
                    log.debug("skipping %s: not HTML, text or WARC", shown(child))
            continue
        out.append(_source(path, kind_of(path) or sniff(path)))
    return out


def watch(
    paths: list[Path],
    *,
    active: Callable[[], bool] | None = None,
    idle: float | None = None,
    follow_symlinks: bool = False,
    poll: float = 0.25,
    waiting: Any = None,
) -> Iterator[Any]:
    """Every file of `paths`, then the files that appear in them (a crawl closing WARC
    files into its folder, other machines writing to a shared one) for as long as
    `active()` is true and, with `idle`, until no new file came for `idle` seconds.

    Files still being written (`*.warc.gz.open`) are not ingestible: a file is read once
    it is closed. A file seen here is yielded again only if its size or mtime change.
    With `waiting` (corpus.pool.IDLE), that is yielded when there is nothing new instead
    of sleeping here: the caller does other work and asks again.

    The folders are scanned again after `poll` seconds, twice as long after each scan that
    found nothing (up to WATCH_GAP), and never more often than ten times the last scan
    took: watching an archive of 100,000 files must not keep a core busy."""
    seen: set[tuple[Path, int, int]] = set()
    last_new = time.monotonic()
    gap, next_scan = poll, 0.0
    while True:
        stopped = active is not None and not active()
        if time.monotonic() < next_scan and not stopped:
            if waiting is None:
                time.sleep(max(next_scan - time.monotonic(), 0.0))
            else:
                yield waiting
            continue
        live = active() if active is not None else idle is not None
        started = time.monotonic()
        fresh = [
            s
            for s in expand(paths, follow_symlinks=follow_symlinks)
            if (s.path, s.size, s.mtime_ns) not in seen
        ]
        scan = time.monotonic() - started
        for source in fresh:
            seen.add((source.path, source.size, source.mtime_ns))
            yield source
        if fresh:
            last_new = time.monotonic()
        if idle is not None and time.monotonic() - last_new >= idle:
            live = False
        if not live:  # a last look came after the writers stopped (read before the scan)
            return
        gap = poll if fresh else max(10 * scan, min(gap * 2, WATCH_GAP))
        next_scan = time.monotonic() + gap


def _source(path: Path, kind: str) -> Source:
    # Only a stat here: hashing waits until the stat says the file may be new.
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read {shown(path)}: {exc.strerror}") from None
    return Source(path, kind, "", st.st_size, st.st_mtime_ns)


def hashed(source: Source) -> Source:
    """The source with its content hash (reads the whole file once)."""
    return replace(source, sha1=file_sha1(source.path))


def listed_key(source: Source) -> StatKey:
    """The stat key of the file as listed, to look it up among files already ingested."""
    return StatKey(os.fsencode(source.path.resolve()), source.size, source.mtime_ns)


def stat_key(source: Source, *, now: float | None = None) -> StatKey | None:
    """The stat that will recognise this file, unread, in a later run; None while it is
    in flux: changed since it was listed, or modified less than RACY_S ago (on a file
    system with a coarse clock a second change could keep both size and mtime)."""
    try:
        st = source.path.stat()
    except OSError:
        return None
    if (st.st_size, st.st_mtime_ns) != (source.size, source.mtime_ns):
        return None
    if (now if now is not None else time.time()) - st.st_mtime_ns / 1e9 < RACY_S:
        return None
    return StatKey(os.fsencode(source.path.resolve()), source.size, source.mtime_ns)


def read(source: Source) -> Iterator[Input]:
    if source.kind == "warc":
        yield from _read_warc(source.path)
    else:
        yield Input(read_page(source.path))


def read_page(path: Path, url: str | None = None) -> Page:
    """One HTML or text file as a Page (text files wrapped as ingest wraps them)."""
    if path.stat().st_size > MAX_BYTES:  # only enough of it for extract to say too-large
        page = Page(url=path.resolve().as_uri(), body=read_file_bounded(path))
    elif kind_of(path) == "text":
        page = _text_page(path)
    else:
        page = Page(url=path.resolve().as_uri(), body=read_file_bounded(path))
    return replace(page, url=url) if url else page


def sniff(path: Path) -> str:
    """An explicitly named file with an unknown suffix must look like HTML."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read {shown(path)}: {exc.strerror}") from None
    if head[:4] == b"WARC" or head[:2] == b"\x1f\x8b":
        return "warc"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"\x00" not in head and (probe.startswith(b"<") or b"<html" in probe):
        return "html"
    raise InputError(f"{shown(path)} is not an HTML, text or WARC file")


def file_sha1(path: Path) -> str:
    digest = hashlib.sha1()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"cannot read {shown(path)}: {exc.strerror}") from None
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
    decoded = decode_html(read_file_bounded(path))
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
    """Article records of one WARC file; InputError once the file proves cut or corrupt
    (the complete records before that point have been yielded, the file is not complete).

    Every record is read to its end, skipped ones too, so a cut anywhere is seen: inside
    a record (its Content-Length is not all there), inside its headers (warcio fails on
    them), or inside the last gzip member's trailer (the gzip framing check).
    """
    parts: dict[str, list[tuple[int, Page]]] = {}
    last = 0
    truncated = InputError(f"{shown(path)}: WARC file is truncated (last record incomplete)")
    try:
        with path.open("rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                item = _warc_input(record)
                if not record_complete(record):
                    # The file ends inside this record: a copy cut short, or a crawl killed
                    # before warcio's recovery ran. Keep what came before, report the rest.
                    raise truncated
                if item is None:
                    continue
                meta, found = item
                if meta.part_of and found.status == 200:
                    parts.setdefault(meta.part_of, []).append((meta.part or 1, found.page))
                    continue
                yield replace(found, offset=fh.tell())
            size = path.stat().st_size
            last = records.get_record_offset()
            end = last + (records.get_record_length() or 0)
            if end and end < size and not blank_tail(fh, end, size):
                raise truncated  # bytes after the last whole record: a cut-off one
    except InputError:
        raise
    except ArchiveLoadFailed as exc:
        raise InputError(f"{shown(path)} is not a readable WARC file: {str(exc)[:120]}") from None
    except Exception as exc:  # warcio fails in many ways on a cut header block
        raise InputError(
            f"{shown(path)}: WARC file is truncated or corrupt ({type(exc).__name__}: {exc})"
        ) from None
    # Only the file's end can be cut: check the gzip members from the last record on.
    if _is_gzip(path) and not gzip_intact(path, start=last):
        raise truncated
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


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _warc_input(record: ArcWarcRecord) -> tuple[RecordMeta, Input] | None:
    """Our headers and the Input of one document response record (None for any other
    record), read by the contract of crawler/records.py; the body is read only up to the
    size extract accepts."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    meta = read_meta(record)
    # Articles, their parts and URL-list pages are documents; lists, feeds, sitemaps are not.
    if not meta.is_document:
        return None
    status = int(record.http_headers.get_statuscode() or 0)
    if not 200 <= status < 300:
        return meta, Input(Page(url=meta.url, body=b""), status=status)
    page = Page(
        url=meta.url,
        body=read_bounded(record.content_stream()),
        headers=tuple(record.http_headers.headers),
        fetched=meta.fetched,
        site=meta.site,
    )
    return meta, Input(page)
