"""Input edges of ingest: bounded reads, complete-file checks, file names, folder walks.

Each guards against one input found to break ingest: a huge file read whole before its size
was checked, a cut .warc.gz read as complete, a file name that is not UTF-8, a symlink
leading out of the ingested folder (issue 8).
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from extract.extractor import MAX_BYTES

log = logging.getLogger(__name__)

CHUNK = 1 << 20


def shown(path: Path | str) -> str:
    """A path as text that can be stored and printed: bytes that are not UTF-8 (a file
    name from another system) appear as \\xNN escapes instead of breaking SQLite or stdout."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_bounded(fh: IO[bytes], limit: int = MAX_BYTES) -> bytes:
    """At most limit + 1 bytes: enough for extract to say "too-large" without holding a
    300 MB file in memory."""
    return fh.read(limit + 1)


def read_file_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    with path.open("rb") as fh:
        return read_bounded(fh, limit)


def drain(stream: Any) -> None:
    """Read a stream to its end in chunks, keeping nothing."""
    while stream.read(CHUNK):
        pass


def record_complete(record: Any) -> bool:
    """Whether a warcio record was all there: its header block ended with a Content-Length,
    and its LimitReader, counting down that length, expects nothing more after a drain."""
    drain(record.raw_stream)
    # A header block cut short has no Content-Length (mandatory in WARC) or an empty one:
    # warcio then reads the record as empty and complete (in a .warc.gz the gzip check
    # sees the cut, in an uncompressed .warc nothing else would).
    length = record.rec_headers.get_header("Content-Length") or ""
    return length.strip().isdigit() and not getattr(record.raw_stream, "limit", 0)


def blank_tail(fh: IO[bytes], start: int, size: int) -> bool:
    """Whether the bytes from `start` to `size` are only the blank lines that end a record.
    In an uncompressed WARC, warcio's length of the last record leaves out the CRLF CRLF
    that closes it, so a complete file seems to have 4 bytes after its last record."""
    if size - start > 64:
        return False
    fh.seek(start)
    return not fh.read(size - start).strip(b"\r\n")


def gzip_intact(path: Path, start: int = 0) -> bool:
    """Whether every gzip member of `path` from offset `start` (a member's first byte) on
    is complete (a copy cut short ends inside one, possibly inside its 8-byte trailer,
    which warcio never checks)."""
    decomp = zlib.decompressobj(31)
    fed = False
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            while chunk := fh.read(CHUNK):
                data = chunk
                while data:
                    fed = True
                    decomp.decompress(data, CHUNK)  # output bounded, then dropped
                    if decomp.eof:
                        data = decomp.unused_data
                        decomp, fed = zlib.decompressobj(31), False
                    else:
                        data = decomp.unconsumed_tail
    except zlib.error:
        return False
    return not fed


def walk_files(folder: Path, *, follow_symlinks: bool = False) -> Iterator[Path]:
    """Files under `folder`, sorted. Symlinks (to files or folders) are skipped unless
    `follow_symlinks`: they may lead outside the folder that was named. Followed, a folder
    is entered once: a link back to a parent would walk the loop until ELOOP."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=follow_symlinks):
        base = Path(root)
        if follow_symlinks:
            st = base.stat()
            if (st.st_dev, st.st_ino) in seen:
                log.info("not entering %s again (a symlink loop)", shown(base))
                dirs.clear()
                continue
            seen.add((st.st_dev, st.st_ino))
        dirs.sort()
        if not follow_symlinks:
            linked = [d for d in dirs if (base / d).is_symlink()]
            for d in linked:
                log.info("not following symlink %s (use --follow-symlinks)", shown(base / d))
                dirs.remove(d)
        for name in sorted(files):
            path = base / name
            if path.is_symlink() and not follow_symlinks:
                log.info("not following symlink %s (use --follow-symlinks)", shown(path))
                continue
            if path.is_file():
                yield path
