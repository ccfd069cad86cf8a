"""Advisory file locks: one scheduled run at a time, one writer (ingest, reindex) per corpus."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_lock(
    path: Path, *, wait: bool, on_wait: Callable[[], None] | None = None
) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created if missing).

    Yields True once held. With wait=False yields False at once if another process holds
    it; with wait=True calls `on_wait` and blocks until the other process lets go.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            if on_wait is not None:
                on_wait()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def writer_lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".writer.lock")


def run_lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")
