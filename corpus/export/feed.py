"""Exporting into a folder, exactly once: lock, recover, plan, log, write, commit.

A feed folder receives each cluster once per version: new clusters, changed ones again
under the same id with a higher version, merged-away ones as tombstones. The protocol is in
docs/EXPORT.md; `corpus/export/snapshot.py` writes whole-corpus mirrors instead.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from corpus.errors import UserError
from corpus.export import manifest, records, writers
from corpus.export.folder import Entry, Folder, State
from corpus.export.mirror import mirror
from corpus.export.schema import SCHEMA_VERSION
from corpus.inputcheck import shown
from corpus.store import Store, now

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportResult:
    format: str
    out: Path
    written: int  # live records delivered (new + updated)
    files: tuple[str, ...]
    first_number: int | None  # txt: the NNN of the first new file
    updated: int = 0  # of `written`, clusters delivered before at a lower version
    deleted: int = 0  # tombstones delivered
    snapshot: str | None = None  # snapshot mode: the subfolder `latest` now points at
    warning: str | None = None  # the export is complete, but something needs a look

    def summary(self) -> str:
        if self.snapshot is not None:
            if not self.written and not self.files:
                return f"snapshot in {self.out} is current ({self.format}); nothing written"
            return (
                f"snapshot of {self.written} documents written to {self.out / self.snapshot}"
                f" ({self.format}, {len(self.files)} files); {self.out / 'latest'} points at it"
            )
        if not self.written and not self.deleted:
            return f"nothing new to export to {self.out} ({self.format})"
        numbers = f", numbers from {self.first_number}" if self.first_number is not None else ""
        return (
            f"exported {self.written} documents to {self.out} ({self.format}:"
            f" {self.written - self.updated} new, {self.updated} updated, {self.deleted}"
            f" tombstones{numbers}, {len(self.files)} files)"
        )


def prepare(out: Path, fmt: str, gzip: bool) -> Folder:
    if fmt not in writers.FORMATS:
        raise UserError(f"unknown export format {fmt!r}; choose from {', '.join(writers.FORMATS)}")
    if gzip and fmt != "jsonl":
        raise UserError(f"--gzip applies to jsonl only, not {fmt}")
    if out.exists() and not out.is_dir():
        raise UserError(f"export destination {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return Folder(out)


def open_state(folder: Folder, store: Store, fmt: str, mode: str) -> State:
    """The folder's state, checked against this export; a new one for a new folder."""
    state = folder.load()
    if state is None:
        state = folder.new_state(store.corpus_id, fmt, mode, SCHEMA_VERSION)
        if mode == "feed" and fmt == "txt":
            state = replace(state, manifest=manifest.choose_name(folder.out))
        folder.save(state)
        return state
    if state.mode != mode:
        raise UserError(
            f"{folder.out} holds a {state.mode} export; use another folder for a {mode} export"
        )
    if state.format != fmt:
        raise UserError(f"{folder.out} holds a {state.format} export; use another folder for {fmt}")
    if state.corpus_id != store.corpus_id:
        raise UserError(
            f"{folder.out} receives exports of another corpus ({state.corpus_id}); use a new"
            f" folder for {store.path}"
        )
    if state.schema_version > SCHEMA_VERSION:
        raise UserError(
            f"{folder.out} was written with export schema {state.schema_version}; this"
            f" aidcorpus writes {SCHEMA_VERSION}: upgrade aidcorpus"
        )
    return state


def export(
    store: Store,
    fmt: str,
    out: Path,
    *,
    gzip: bool = False,
    snapshot: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """Deliver to `out` what it lacks (see docs/EXPORT.md); with `snapshot`, write the whole
    corpus as a new subfolder and switch `out/latest` to it."""
    folder = prepare(out, fmt, gzip)

    def waiting() -> None:
        if progress is not None:
            progress(f"waiting for another export into {out} to finish")

    with folder.locked(on_wait=waiting):
        if snapshot:
            from corpus.export.snapshot import write_snapshot

            state = open_state(folder, store, fmt, "snapshot")
            return write_snapshot(store, folder, state, gzip=gzip)
        state = folder.recover(open_state(folder, store, fmt, "feed"))
        return _deliver(store, folder, state, fmt, gzip)


def _deliver(store: Store, folder: Folder, state: State, fmt: str, gzip: bool) -> ExportResult:
    delivered = folder.delivered(state)
    if state.commits == 0 and fmt == "txt":
        delivered = _adopt_legacy(store, folder, state, fmt)
        state = folder.load() or state
    pairs: list[tuple[records.Planned, Entry]] = []
    with records.read_view(store.conn) as conn:
        items = records.plan(conn, delivered)
        if items:
            first = writers.next_free(folder.out, fmt, delivered.values())
            pairs = writers.assign(fmt, items, first, delivered, gzip=gzip)
            commit = state.commits + 1
            header = {"at": now(), "corpus_id": store.corpus_id, "dest": shown(folder.out)}
            folder.write_segment(commit, header, [e for _, e in pairs])
            writers.write(
                folder.out, folder.tmp, fmt, pairs, lambda i: records.read_record(conn, i)
            )
            state = replace(state, commits=commit, updated=now())
            folder.save(state)
    before = {k for k, e in delivered.items() if not e.deleted}
    for _, entry in pairs:
        delivered[entry.id] = entry
    manifest.write_manifest(folder, state)
    warning = mirror(store, state, folder.out, delivered)
    live = [e for _, e in pairs if not e.deleted]
    numbers = [e.number for e in live if e.number is not None]
    return ExportResult(
        fmt,
        folder.out,
        len(live),
        tuple(dict.fromkeys(e.file for _, e in pairs if e.file)),
        min(numbers) if numbers else None,
        updated=sum(1 for e in live if e.id in before),
        deleted=len(pairs) - len(live),
        warning=warning,
    )


def _adopt_legacy(store: Store, folder: Folder, state: State, fmt: str) -> dict[str, Entry]:
    """A folder filled by aidcorpus before export state files existed: take over what the
    corpus recorded for it (by absolute path) as the first commit, so nothing is sent twice.
    Files whose cluster has another id now are left to be delivered again."""
    try:
        rows = store.conn.execute(
            "SELECT c.uid, e.number, e.file FROM exports_v1 e JOIN clusters c"
            " ON c.id = e.cluster_id WHERE e.dest = ? AND e.format = ? AND e.doc = c.uid"
            " ORDER BY e.number",
            (str(folder.out.resolve()), fmt),
        ).fetchall()
    except sqlite3.OperationalError:  # a corpus created with this version: no old table
        return {}
    if not rows:
        return {}
    entries = [Entry(uid, 1, file=file, number=number) for uid, number, file in rows]
    folder.write_segment(1, {"at": now(), "adopted": True}, entries)
    folder.save(replace(state, commits=1, updated=now()))
    log.info("%s: adopted %d files recorded by an older aidcorpus", folder.out, len(entries))
    return {e.id: e for e in entries}
