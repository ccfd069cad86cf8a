"""WARC files -> Inputs, by the record contract of crawler/records.py.

Articles, URL-list pages and the parts of multi-page articles are documents; list pages,
feeds, sitemaps and unconfirmed pages are not. The pages of one multi-page article are
grouped by their first page and stitched in order, and only when the group is whole:
every page 1..n of the count its records carry (docs/INTERFACES.md, "WARC records").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from corpus.inputcheck import blank_tail, gzip_intact, read_bounded, record_complete, shown
from corpus.inputtypes import Input, InputError
from crawler.records import RecordMeta, read_meta, whole_count
from extract.types import Page


def read_warc(path: Path) -> Iterator[Input]:
    """Article records of one WARC file; InputError once the file proves cut or corrupt
    (the complete records before that point have been yielded, the file is not complete).

    Every record is read to its end, skipped ones too, so a cut anywhere is seen: inside
    a record (its Content-Length is not all there), inside its headers (warcio fails on
    them), or inside the last gzip member's trailer (the gzip framing check).
    """
    groups: dict[str, list[tuple[int, int | None, Page]]] = {}
    size = 0
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
                    group = groups.setdefault(meta.part_of, [])
                    group.append((meta.part or 1, meta.parts, found.page))
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
    for first_url, pages in groups.items():  # read once the whole file was
        yield replace(stitch(first_url, pages), offset=size)


def stitch(first_url: str, pages: list[tuple[int, int | None, Page]]) -> Input:
    """The pages (part number, page count, page) of one multi-page article met in a file,
    in part order: the first page and the rest. Complete when the records counting n pages
    hold pages 1..n (only those are stitched: an incomplete copy beside them is not this
    article); records carrying no count (older WARC files) are stitched as they are. A page
    fetched twice (a rerun after a kill) counts once, the later copy winning."""
    total = whole_count((number, count) for number, count, _ in pages)
    by_number: dict[int, Page] = {}
    for number, count, page in pages:
        if not total or count == total:
            by_number[number] = page
    ordered = [by_number[n] for n in sorted(by_number)]
    first = next((p for p in ordered if p.url == first_url), ordered[0])
    rest = tuple(p for p in ordered if p is not first)
    return Input(first, rest, complete=total != 0)


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
