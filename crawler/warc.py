"""Gzipped WARC writing: request + response records per fetched page, rotated by size.

Files are written as `*.warc.gz.open` and renamed to `*.warc.gz` when closed; a file left
open by a killed run is cut back to its last complete record by `recover_open_files`.
"""

from __future__ import annotations

import logging
import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
# Scrapy hands us decoded bodies: these headers would describe bytes we do not store.
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One fetched response as the spider hands it to the archive pipeline."""

    url: str  # final URL (after redirects)
    request_url: str  # URL as requested
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    request_headers: tuple[tuple[str, str], ...]
    site: str
    kind: str  # list, article, part, feed, sitemap, search, url
    fetched: str  # ISO 8601 UTC
    method: str = "GET"
    part_of: str | None = None  # first page URL of a multi-page article
    part: int | None = None  # 1-based part number
    last_part: bool = True  # False while more parts of this article are to come
    topic_terms: tuple[str, ...] = ()
    kept: bool | None = None  # articles only: topic gate verdict


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcWriter:
    """Append records to the current `.open` file; rotate past `max_size` bytes."""

    def __init__(self, directory: Path, *, prefix: str, max_size: int, fsync: bool = False):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.fsync = fsync
        self.closed_files: list[Path] = []
        self.records = 0
        self._seq = 0
        self._path: Path | None = None
        self._fh: object | None = None
        self._writer: WARCWriter | None = None

    def _open(self) -> WARCWriter:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._seq += 1
        name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._seq:05d}.warc.gz"
        self._path = self.directory / (name + OPEN_SUFFIX)
        fh = open(self._path, "wb")
        self._fh = fh
        writer = WARCWriter(None, gzip=False)  # builds records; _write_member compresses
        info = writer.create_warcinfo_record(
            name, {"software": "aidcorpus", "format": "WARC File Format 1.0"}
        )
        self._writer = writer
        self._write_member(info)
        return writer

    def _write_member(self, record: object) -> None:
        """One record = one gzip member (what WARC readers and our recovery expect).
        warcio compresses at level 9; level 6 is about twice as fast for ~the same size."""
        raw = BytesIO()
        WARCWriter(raw, gzip=False).write_record(record)
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self._fh.write(packer.compress(raw.getvalue()) + packer.flush())  # type: ignore[attr-defined]

    def write(self, rec: FetchRecord) -> None:
        """Write the request and response records, flushed before returning."""
        writer = self._writer or self._open()
        date = rec.fetched
        req_headers = StatusAndHeaders(
            f"{rec.method} {_path_of(rec.request_url)} HTTP/1.1",
            list(rec.request_headers),
            is_http_request=True,
        )
        request = writer.create_warc_record(
            rec.request_url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=req_headers,
            warc_headers_dict={"WARC-Date": date},
        )
        headers = [(k, v) for k, v in rec.headers if k.lower() not in _DROP_HEADERS]
        headers.append(("Content-Length", str(len(rec.body))))
        http = StatusAndHeaders(f"{rec.status} {_reason(rec.status)}", headers, protocol="HTTP/1.1")
        extra = {
            "WARC-Date": date,
            "WARC-Aidcorpus-Site": rec.site,
            "WARC-Aidcorpus-Kind": rec.kind,
        }
        if rec.part_of is not None and rec.part is not None:
            extra["WARC-Aidcorpus-Part-Of"] = rec.part_of
            extra["WARC-Aidcorpus-Part"] = str(rec.part)
        if rec.topic_terms:
            extra["WARC-Aidcorpus-Topic-Terms"] = ",".join(rec.topic_terms)
        response = writer.create_warc_record(
            rec.url,
            "response",
            payload=BytesIO(rec.body),
            length=len(rec.body),
            http_headers=http,
            warc_headers_dict=extra,
        )
        # the response's WARC-Concurrent-To ties the request to it (WARC 1.0 §5.7)
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        self._write_member(request)
        self._write_member(response)
        self._flush()
        self.records += 1
        if self._path is not None and self._path.stat().st_size >= self.max_size:
            self.close()

    def _flush(self) -> None:
        fh = self._fh
        fh.flush()  # type: ignore[attr-defined]
        if self.fsync:
            os.fsync(fh.fileno())  # type: ignore[attr-defined]

    def close(self) -> Path | None:
        """Close the current file and publish it under its final name."""
        if self._fh is None or self._path is None:
            return None
        self._flush()
        self._fh.close()  # type: ignore[attr-defined]
        final = self._path.with_name(self._path.name[: -len(OPEN_SUFFIX)])
        os.replace(self._path, final)
        self.closed_files.append(final)
        log.debug("closed WARC %s", final)
        self._fh = self._writer = self._path = None
        return final


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def complete_prefix(path: Path) -> int:
    """Byte length of the leading complete gzip members (one WARC record each)."""
    data = memoryview(path.read_bytes())
    pos = good = 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        p = pos
        try:
            while not d.eof and p < len(data):
                chunk = data[p : p + 65536]
                d.decompress(chunk)
                p += len(chunk)
        except zlib.error:
            break
        if not d.eof:
            break
        pos = p - len(d.unused_data)
        good = pos
    return good


def recover_open_files(directory: Path) -> list[Path]:
    """Cut every `*.warc.gz.open` back to its complete records and publish it."""
    recovered: list[Path] = []
    for path in sorted(Path(directory).glob(f"*.warc.gz{OPEN_SUFFIX}")):
        good = complete_prefix(path)
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        if good == 0:
            path.unlink()
            log.warning("removed empty unfinished WARC %s", path)
            continue
        with open(path, "r+b") as fh:
            fh.truncate(good)
        os.replace(path, final)
        recovered.append(final)
        log.warning("recovered unfinished WARC %s (%d bytes kept)", final, good)
    return recovered
