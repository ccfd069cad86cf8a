"""Choosing what to export and recording it; the format writers live beside this module."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.store import Store, now

FORMATS = ("txt", "jsonl", "parquet")


@dataclass(frozen=True, slots=True)
class Record:
    """One canonical document as exported, with every copy of its cluster."""

    number: int
    cluster_id: int
    key: str
    title: str
    text: str
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExportResult:
    format: str
    out: Path
    written: int
    files: tuple[str, ...]
    first_number: int | None

    def summary(self) -> str:
        if not self.written:
            return f"nothing new to export to {self.out} ({self.format})"
        return (
            f"exported {self.written} documents to {self.out} ({self.format},"
            f" numbers from {self.first_number}, {len(self.files)} files)"
        )


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def pending(store: Store, dest: str, fmt: str, after: int = -1) -> list[Record]:
    """Clusters not yet exported to `dest` in `fmt`, numbered after the last export
    (and after `after`, the highest number already in the folder)."""
    conn = store.conn
    last = conn.execute(
        "SELECT coalesce(max(number), -1) FROM exports WHERE dest = ? AND format = ?", (dest, fmt)
    ).fetchone()[0]
    last = max(last, after)
    rows = conn.execute(
        "SELECT c.id AS cid, d.* FROM clusters c JOIN documents d ON d.key = c.canonical"
        " WHERE c.size > 0 AND c.id NOT IN"
        " (SELECT cluster_id FROM exports WHERE dest = ? AND format = ?) ORDER BY c.id",
        (dest, fmt),
    ).fetchall()
    records = []
    for offset, row in enumerate(rows, start=1):
        copies = conn.execute(
            "SELECT url, outlet, published, fetched FROM documents WHERE cluster_id = ?"
            " ORDER BY id",
            (row["cid"],),
        ).fetchall()
        meta = {
            "url": row["url"],
            "title": row["title"],
            "published": row["published"],
            "outlet": row["outlet"],
            "origin": row["origin"],
            "original_title": row["original_title"],
            "authors": json.loads(row["authors"]),
            "editor": row["editor"],
            "provinces": json.loads(row["provinces"]),
            "recipients": json.loads(row["recipients"]),
            "topic_terms": json.loads(row["topic_terms"]),
            "encoding": row["encoding"],
            "damage": row["damage"],
            "cluster": row["cid"],
            "copies": [dict(c) for c in copies],
        }
        records.append(
            Record(last + offset, row["cid"], row["key"], row["title"], row["text"], meta)
        )
    return records


def record_export(store: Store, dest: str, fmt: str, written: Sequence[tuple[Record, str]]) -> None:
    with store.batch() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO exports VALUES (?,?,?,?,?,?,?)",
            [(dest, fmt, r.cluster_id, r.number, r.key, f, now()) for r, f in written],
        )


def update_manifest(out: Path, fmt: str, files: Sequence[str], count: int) -> None:
    manifest = out / "manifest.json"
    data: dict[str, Any] = {"exports": []}
    if manifest.exists():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError:
            data = {"exports": []}
    data["exports"].append({"at": now(), "format": fmt, "documents": count, "files": list(files)})
    atomic_write(
        manifest,
        lambda p: p.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"),
    )


NUMBERED = re.compile(r"(\d+)_[0-9a-f]{16}\.txt")
STALE = re.compile(r"\.(\d+_[0-9a-f]{16}\.txt|aidcorpus-[\d-]+\.\S+|manifest\.json)\..*\.tmp")
CHUNK = 200  # txt files recorded per transaction: a killed export redoes at most this many


def _highest_number(out: Path) -> int:
    """The highest NNN_ already in the folder (another tool's or an earlier corpus's files)."""
    found = [int(m.group(1)) for p in out.iterdir() if (m := NUMBERED.fullmatch(p.name))]
    return max(found, default=-1)


def _remove_stale(out: Path) -> None:
    """Temporary files of an export that was killed mid-write."""
    for path in out.iterdir():
        if STALE.fullmatch(path.name):
            path.unlink(missing_ok=True)


def export(store: Store, fmt: str, out: Path, *, gzip: bool = False) -> ExportResult:
    """Export every cluster not yet exported to `out` in `fmt` (its canonical copy)."""
    from corpus.export import writers

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    if gzip and fmt != "jsonl":
        raise ValueError(f"--gzip applies to jsonl only, not {fmt}")
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    dest = str(out.resolve())
    records = pending(store, dest, fmt, _highest_number(out) if fmt == "txt" else -1)
    if not records:
        return ExportResult(fmt, out, 0, (), None)
    # Text files are written and recorded in chunks; a JSONL or Parquet file is one unit.
    step = CHUNK if fmt == "txt" else len(records)
    files: list[str] = []
    for start in range(0, len(records), step):
        written = writers.write(fmt, out, records[start : start + step], gzip=gzip)
        record_export(store, dest, fmt, written)
        files.extend(f for _, f in written)
    files = list(dict.fromkeys(files))
    update_manifest(out, fmt, files, len(records))
    return ExportResult(fmt, out, len(records), tuple(files), records[0].number)
