"""Ingest's reading side: input files as a stream of events, in order. A file already
ingested is one Skip (recognised by its stat, unread, or by its content hash); any other
is Begin, a PageEvent per record, then End, or Fail where it breaks. corpus/ingest_run.py
handles them in this order, whatever runs ahead in the worker pool.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from corpus.inputcheck import shown
from corpus.pool import IDLE
from corpus.sources import Input, Source, StatKey, hashed, listed_key, read, stat_key
from corpus.store import Store


@dataclass(frozen=True, slots=True)
class Skip:
    """A file already ingested: known by its stat, or by its content hash."""

    source: Source
    key: StatKey | None  # to remember, when it was recognised by its content


@dataclass(frozen=True, slots=True)
class Begin:
    source: Source


@dataclass(frozen=True, slots=True)
class PageEvent:
    item: Input
    where: str


@dataclass(frozen=True, slots=True)
class End:
    source: Source
    pages: int
    key: StatKey | None


@dataclass(frozen=True, slots=True)
class Fail:
    source: Source
    error: Exception
    begun: bool  # after its Begin (counted) or before (not hashed, not counted yet)


Event = Skip | Begin | PageEvent | End | Fail


def read_events(
    store: Store, sources: Iterable[Source | object], *, force: bool = False
) -> Iterator[Event | object]:
    """The events of reading `sources` in order (IDLE passes through)."""
    for source in sources:
        if source is IDLE:  # waiting for files to appear: the pool hands results on
            yield IDLE
            continue
        begun = False
        try:
            for event in _read(store, source, force):
                begun = begun or isinstance(event, Begin)
                yield event
        except Exception as exc:  # the handler flushes what came before, then decides
            yield Fail(source, exc, begun)


def _read(store: Store, source: Source, force: bool) -> Iterator[Event]:
    if not force:
        sha1 = store.known_file(*fields(listed_key(source)))
        if sha1 is not None:  # path, size and mtime unchanged: not even hashed
            yield Skip(replace(source, sha1=sha1), None)
            return
    source = hashed(source)
    if not force and store.has_source(source.sha1):
        yield Skip(source, stat_key(source))
        return
    yield Begin(source)
    pages = 0
    where = shown(source.path)
    for item in read(source):
        pages += 1
        yield PageEvent(item, where)
    yield End(source, pages, stat_key(source))


def fields(key: StatKey) -> tuple[bytes, int, int]:
    return key.path, key.size, key.mtime_ns
