"""What to deliver and the records themselves, read from one consistent view of the corpus.

A cluster is delivered when the folder lacks it or holds an older version; a cluster merged
into another is delivered as a tombstone when the folder holds it alive.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from corpus.export.folder import Entry
from corpus.export.schema import CopyRow, ExportRecord, parse_time


@dataclass(frozen=True, slots=True)
class Planned:
    """One delivery to make: the cluster, its uid and version, and whether it is gone."""

    cluster_id: int
    id: str
    version: int
    canonical: str | None
    deleted: bool = False
    merged_into: str | None = None


@contextmanager
def read_view(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: every query inside sees the same corpus, whatever an ingest
    commits meanwhile (SQLite WAL: readers never wait for the writer)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def plan(
    conn: sqlite3.Connection, delivered: Mapping[str, Entry], *, tombstones: bool = True
) -> list[Planned]:
    """Deliveries in a stable order: clusters by age, each survivor followed by the
    tombstones of the clusters merged into it (so they land in the same file)."""
    rows = conn.execute(
        "SELECT c.id, c.uid, c.version, c.size, c.canonical, s.uid AS into_uid"
        " FROM clusters c LEFT JOIN clusters s ON s.id = c.merged_into ORDER BY c.id"
    ).fetchall()
    live: list[Planned] = []
    gone: dict[str, list[Planned]] = {}
    for row in rows:
        had = delivered.get(row["uid"])
        if row["into_uid"] is not None:
            if tombstones and had is not None and not had.deleted:
                item = Planned(row["id"], row["uid"], row["version"], None, True, row["into_uid"])
                gone.setdefault(row["into_uid"], []).append(item)
        elif row["size"] > 0 and row["canonical"] is not None:
            if had is None or had.deleted or had.version < row["version"]:
                live.append(Planned(row["id"], row["uid"], row["version"], row["canonical"]))
    ordered: list[Planned] = []
    for item in live:
        ordered.append(item)
        ordered.extend(gone.pop(item.id, ()))
    for rest in gone.values():  # survivor already delivered at its current version
        ordered.extend(rest)
    return ordered


def read_record(conn: sqlite3.Connection, item: Planned) -> ExportRecord:
    if item.deleted:
        return ExportRecord(item.id, item.version, True, item.merged_into)
    row = conn.execute("SELECT * FROM documents WHERE key = ?", (item.canonical,)).fetchone()
    copies = conn.execute(
        "SELECT url, outlet, published, fetched FROM documents WHERE cluster_id = ? ORDER BY id",
        (item.cluster_id,),
    ).fetchall()
    published, day = parse_time(row["published"])
    return ExportRecord(
        id=item.id,
        version=item.version,
        text=row["text"],
        url=row["url"],
        title=row["title"] or None,
        published=published,
        published_date=day,
        outlet=row["outlet"],
        origin=row["origin"],
        original_title=row["original_title"],
        authors=tuple(json.loads(row["authors"])),
        editor=row["editor"],
        provinces=tuple(json.loads(row["provinces"])),
        recipients=tuple(json.loads(row["recipients"])),
        topic_terms=tuple(json.loads(row["topic_terms"])),
        encoding=row["encoding"],
        damage=float(row["damage"]),
        copies=tuple(_copy(c) for c in copies),
    )


def _copy(row: sqlite3.Row) -> CopyRow:
    published, day = parse_time(row["published"])
    fetched, _ = parse_time(row["fetched"])
    return CopyRow(row["url"], row["outlet"], published, day, fetched)
