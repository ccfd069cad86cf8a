"""Snapshot exports: the whole current corpus as one consistent version, for tools that want
a mirror rather than a feed.

Each snapshot is written under `.aidcorpus/tmp/`, renamed into `<out>/snap-NNNNNN/` when
complete, and published by atomically replacing the symlink `<out>/latest`: a reader that
opens `latest/` sees one whole snapshot, old or new. The previous snapshot is kept (a
reader may still be in it); older ones are removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.errors import UserError
from corpus.export import records, writers
from corpus.export.folder import Folder, State, write_atomic
from corpus.export.mirror import mirror
from corpus.export.schema import SCHEMA_VERSION
from corpus.store import Store, now

if TYPE_CHECKING:
    from corpus.export.feed import ExportResult

log = logging.getLogger(__name__)

SNAP = re.compile(r"snap-(\d{6})")
MARKER = ".aidcorpus-snapshot.json"


def _ours(path: Path) -> bool:
    return bool(SNAP.fullmatch(path.name)) and (path / MARKER).is_file()


def _current(out: Path) -> str | None:
    link = out / "latest"
    if not link.is_symlink():
        if link.exists():
            raise UserError(f"{link} exists and is not our symlink; use a new folder")
        return None
    return os.readlink(link)


def _recover(folder: Folder, state: State) -> State:
    """The `latest` link is the commit point; a snapshot it does not name (and that is not
    the previous one) is debris of a killed export."""
    shutil.rmtree(folder.tmp, ignore_errors=True)
    current = _current(folder.out)
    if current is not None and current != state.current and (m := SNAP.fullmatch(current)):
        state = replace(state, commits=int(m.group(1)), current=current, updated=now())
        folder.save(state)
    keep = {current, _previous(folder)}
    for path in folder.out.iterdir():
        if _ours(path) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    return state


def _previous(folder: Folder) -> str | None:
    """The snapshot `latest` pointed at before the last switch: kept for readers in it."""
    path = folder.meta / "previous"
    if not path.exists():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def _marker(snapshot: Path) -> dict:
    try:
        return json.loads((snapshot / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_snapshot(store: Store, folder: Folder, state: State, *, gzip: bool) -> ExportResult:
    from corpus.export.feed import ExportResult

    state = _recover(folder, state)
    out, fmt = folder.out, state.format
    with records.read_view(store.conn) as conn:
        items = records.plan(conn, {}, tombstones=False)
        digest = hashlib.sha1("\n".join(f"{i.id}:{i.version}" for i in items).encode()).hexdigest()
        if state.current and _marker(out / state.current).get("digest") == digest:
            return ExportResult(fmt, out, 0, (), None, snapshot=state.current)
        number = state.commits + 1
        name = f"snap-{number:06d}"
        staging = folder.tmp / name
        staging.mkdir(parents=True)
        pairs = writers.assign(fmt, items, 0 if fmt == "txt" else 1, {}, gzip=gzip)
        writers.write(staging, folder.tmp, fmt, pairs, lambda i: records.read_record(conn, i))
    entries = [e for _, e in pairs]
    files = list(dict.fromkeys(e.file for e in entries if e.file))
    body = {
        "generator": "aidcorpus",
        "snapshot": number,
        "at": now(),
        "schema_version": SCHEMA_VERSION,
        "format": fmt,
        "documents": len(entries),
        "digest": digest,
        "files": [{"file": e.file, "id": e.id, "version": e.version} for e in entries],
    }
    write_atomic(staging / MARKER, json.dumps(body, ensure_ascii=False).encode(), folder.tmp)
    previous = state.current
    write_atomic(folder.meta / "previous", (previous or "").encode(), folder.tmp)
    os.replace(staging, out / name)
    _switch(folder, name)
    state = replace(state, commits=number, current=name, updated=now())
    folder.save(state)
    for path in out.iterdir():
        if _ours(path) and path.name not in (name, previous):
            shutil.rmtree(path, ignore_errors=True)
    warning = mirror(store, state, out, {e.id: e for e in entries})
    return ExportResult(fmt, out, len(entries), tuple(files), None, snapshot=name, warning=warning)


def _switch(folder: Folder, name: str) -> None:
    """Point `latest` at `name` in one step: a new symlink renamed over the old one."""
    tmp = folder.tmp / "latest"
    tmp.unlink(missing_ok=True)
    os.symlink(name, tmp)
    os.replace(tmp, folder.out / "latest")
