"""The destination side of the export protocol: lock, state file, delivery log, recovery.

Everything of ours lives in `<out>/.aidcorpus/` (a name no other tool takes; readers that
skip hidden entries, such as pyarrow.dataset and Hugging Face datasets, never see it):
`lock` (flock, one writer), `state.json` (the commit point, replaced atomically), `log/`
(one JSON-lines segment per commit: what it delivered) and `tmp/` (files being written).
See docs/EXPORT.md for the protocol and why a crashed commit is rolled forward.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from corpus.errors import UserError
from corpus.locks import file_lock

log = logging.getLogger(__name__)

META = ".aidcorpus"
CONTRACT = "aidcorpus-export"


@dataclass(frozen=True, slots=True)
class Entry:
    """One delivery: a cluster id at a version, in a file (None: a txt tombstone)."""

    id: str
    version: int
    deleted: bool = False
    merged_into: str | None = None
    file: str | None = None
    number: int | None = None  # txt layout: the NNN of the file
    supersedes: int | None = None  # txt layout: the NNN of this id's previous file


@dataclass(frozen=True, slots=True)
class State:
    """What state.json holds: the folder's identity and how far its log is committed."""

    dest_id: str
    corpus_id: str
    format: str
    mode: str  # "feed" | "snapshot"
    schema_version: int
    commits: int = 0
    manifest: str | None = None  # txt feeds: the manifest file name in the folder
    current: str | None = None  # snapshot mode: the snapshot `latest` points at
    updated: str | None = None


def write_atomic(path: Path, data: bytes, tmp_dir: Path) -> None:
    """Write `data` under a temporary name in `tmp_dir`, fsync, then rename onto `path`.

    The file is created with mode 0666 minus the umask (0644 under 022), not mkstemp's 0600,
    so tools running as other users can read what we deliver.
    """
    tmp = new_tmp(tmp_dir, path.name)
    with open_new(tmp) as fh:
        fh.write(data)
    publish(tmp, path)


def new_tmp(tmp_dir: Path, name: str) -> Path:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return tmp_dir / f"{uuid.uuid4().hex[:12]}-{name}"


@contextmanager
def open_new(path: Path, *, sync: bool = True) -> Iterator[Any]:
    """A new binary file, flushed to disk when the block ends unless `sync` is False (a
    writer of many files syncs them all at once with sync_folder)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as fh:
        yield fh
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def sync_folder(folder: Path) -> None:
    """Put every file written into `folder`'s filesystem on disk with one syncfs(2) call
    (one fsync per file costs ~5 ms: 2,000 txt files took 9 s); os.sync where there is none."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()


def publish(tmp: Path, path: Path, *, durable: bool = True) -> None:
    """Rename a complete file into place; `durable` makes the rename survive a power cut
    at once (a writer publishing many files syncs once with sync_folder instead)."""
    os.replace(tmp, path)
    if durable:
        sync_dir(path.parent)


def sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Folder:
    """One destination folder and its `.aidcorpus/` record."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.meta = out / META
        self.tmp = self.meta / "tmp"
        self.logs = self.meta / "log"

    @contextmanager
    def locked(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the folder's writer lock; a second writer waits here for the first."""
        self.meta.mkdir(parents=True, exist_ok=True)
        with file_lock(self.meta / "lock", wait=True, on_wait=on_wait):
            yield

    # -- state --------------------------------------------------------------------------
    def load(self) -> State | None:
        path = self.meta / "state.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data.pop("contract", None)
            return State(**data)
        except (ValueError, TypeError) as exc:
            raise UserError(
                f"{path} is damaged ({exc}); the folder's export record cannot be trusted:"
                " move the folder's contents elsewhere and export again"
            ) from None

    def save(self, state: State) -> None:
        body = {"contract": CONTRACT, **asdict(state)}
        data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        write_atomic(self.meta / "state.json", data, self.tmp)

    def new_state(self, corpus_id: str, fmt: str, mode: str, schema_version: int) -> State:
        return State(uuid.uuid4().hex, corpus_id, fmt, mode, schema_version)

    # -- the delivery log ---------------------------------------------------------------
    def segment(self, commit: int) -> Path:
        return self.logs / f"{commit:06d}.jsonl"

    def write_segment(self, commit: int, header: dict[str, Any], entries: list[Entry]) -> None:
        lines = [json.dumps({"commit": commit, **header}, ensure_ascii=False)]
        lines += [json.dumps(asdict(e), ensure_ascii=False) for e in entries]
        self.logs.mkdir(parents=True, exist_ok=True)
        write_atomic(self.segment(commit), ("\n".join(lines) + "\n").encode(), self.tmp)

    def read_segment(self, commit: int) -> tuple[dict[str, Any], list[Entry]]:
        lines = self.segment(commit).read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        return header, [Entry(**json.loads(line)) for line in lines[1:] if line]

    def history(self, state: State) -> Iterator[tuple[dict[str, Any], list[Entry]]]:
        for commit in range(1, state.commits + 1):
            yield self.read_segment(commit)

    def delivered(self, state: State) -> dict[str, Entry]:
        """The latest committed delivery of every id."""
        latest: dict[str, Entry] = {}
        for _, entries in self.history(state):
            for e in entries:
                latest[e.id] = e
        return latest

    # -- recovery -----------------------------------------------------------------------
    def recover(self, state: State) -> State:
        """Finish what a killed writer left: roll its last commit forward as far as its
        files reached, drop the rest, and remove temporary files."""
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
        pending = state.commits + 1
        if self.segment(pending).exists():
            header, entries = self.read_segment(pending)
            done = self._reached(entries)
            if done:
                log.warning(
                    "%s: an interrupted export had delivered %d of %d records; kept",
                    self.out,
                    len(done),
                    len(entries),
                )
                self.write_segment(pending, {**header, "recovered": True}, done)
                state = replace(state, commits=pending)
                self.save(state)
            else:
                self.segment(pending).unlink()
        # Segments beyond the commit point can only be debris of an older crash.
        if self.logs.exists():
            for path in self.logs.iterdir():
                if path.suffix == ".jsonl" and path.stem.isdigit():
                    if int(path.stem) > state.commits:
                        path.unlink(missing_ok=True)
        return state

    def _reached(self, entries: list[Entry]) -> list[Entry]:
        """Entries whose files were published: files are published in log order, each by
        an atomic rename, so everything up to the last file present was delivered (a tool
        may already have taken an earlier one away). File-less entries (txt tombstones)
        come last and count only when every file was published."""
        with_files = [i for i, e in enumerate(entries) if e.file]
        present = [i for i in with_files if (self.out / str(entries[i].file)).exists()]
        if not present:
            return []
        last = present[-1]
        if last == with_files[-1]:
            return entries
        return entries[: last + 1]
