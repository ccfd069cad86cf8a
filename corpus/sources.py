"""Ingest inputs -> Pages: WARC(.gz) files, HTML files, plain-text files and folders of them.

WARC files are read by corpus/warcread.py (the record contract of crawler/records.py), HTML
and text files by corpus/pagefiles.py.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus.inputcheck import shown, walk_files
from corpus.inputtypes import Input, InputError  # also imported from here, their old home
from corpus.pagefiles import TEXT_SUFFIXES, read_page
from corpus.warcread import read_warc

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".asp", ".aspx", ".php", ".jsp")
WARC_SUFFIXES = (".warc", ".warc.gz")
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
        yield from read_warc(source.path)
    else:
        yield Input(read_page(source.path))


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
