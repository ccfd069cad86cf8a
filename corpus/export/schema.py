"""The exported record and its two encodings, versioned: a JSONL line and an Arrow row.

The contract is written down in docs/EXPORT.md, docs/schema/line.v2.schema.json and
docs/schema/parquet.v2.arrow.txt; tests/corpus/test_export_schema.py keeps them equal to this.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

SCHEMA_VERSION = 2
JOIN = "、"  # list fields in JSONL: names and terms never contain the enumeration comma


@dataclass(frozen=True, slots=True)
class CopyRow:
    """One copy (URL) of a cluster as exported."""

    url: str
    outlet: str | None
    published: datetime | None  # publication time, with the offset the page gave
    published_date: date | None  # publication day (local), also when only the day is known
    fetched: datetime | None


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One cluster as delivered: its canonical copy's text and metadata, every copy, and the
    delivery fields (id for life, version, tombstone)."""

    id: str
    version: int
    deleted: bool = False
    merged_into: str | None = None
    text: str = ""
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    published_date: date | None = None
    outlet: str | None = None
    origin: str | None = None
    original_title: str | None = None
    authors: tuple[str, ...] = ()
    editor: str | None = None
    provinces: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    topic_terms: tuple[str, ...] = ()
    encoding: str | None = None
    damage: float = 0.0
    copies: tuple[CopyRow, ...] = ()


METADATA_FIELDS = (
    "version",
    "deleted",
    "merged_into",
    "url",
    "title",
    "published",
    "published_date",
    "outlet",
    "origin",
    "original_title",
    "authors",
    "editor",
    "provinces",
    "recipients",
    "topic_terms",
    "encoding",
    "damage",
    "copies",
)
COPY_FIELDS = ("url", "outlet", "published", "published_date", "fetched")


def parse_time(value: str | None) -> tuple[datetime | None, date | None]:
    """A stored ISO 8601 value -> (timestamp or None when only a day is known, day).

    A stamp without an offset is taken as UTC (WARC dates); extract always adds one.
    """
    if not value:
        return None, None
    try:
        if len(value) <= 10:
            return None, date.fromisoformat(value)
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp, stamp.date()


# -- JSONL ----------------------------------------------------------------------------
# Readers that infer types per file (pyarrow.json, Hugging Face datasets) must see the same
# schema in every file, whatever its lines hold. So no null and no empty list anywhere
# (an all-null column infers as `null`, an all-empty list as `list<null>`): a missing
# string is "", a list is one string joined by JOIN. Timestamps carry milliseconds:
# second-precision ISO strings are turned into naive UTC timestamps by pyarrow's inference
# (16:45+08:00 read as 08:45), millisecond ones stay strings with their offset. A day is
# YYYYMMDD (ISO 8601 basic form) for the same reason.


def _json_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, tuple):
        return JOIN.join(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def json_line(record: ExportRecord) -> str:
    """One line: {"id", "text", "metadata": {...}} with every field in every line."""
    meta: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = getattr(record, name)
        if name == "copies":
            meta[name] = [{f: _json_value(getattr(c, f)) for f in COPY_FIELDS} for c in value]
        else:
            meta[name] = _json_value(value)
    meta["damage"] = float(meta["damage"])
    line = {"id": record.id, "text": record.text, "metadata": meta}
    return json.dumps(line, ensure_ascii=False) + "\n"


# -- Parquet --------------------------------------------------------------------------
@functools.cache
def arrow_schema() -> Any:
    """The declared Parquet schema: flat, typed columns, nullable where a value can be missing."""
    import pyarrow as pa

    stamp = pa.timestamp("ms", tz="UTC")
    strings = pa.list_(pa.string())
    copy = pa.struct(
        [
            pa.field("url", pa.string(), nullable=False),
            pa.field("outlet", pa.string()),
            pa.field("published", stamp),
            pa.field("published_date", pa.date32()),
            pa.field("fetched", stamp),
        ]
    )
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("text", pa.string(), nullable=False),
            pa.field("version", pa.int64(), nullable=False),
            pa.field("deleted", pa.bool_(), nullable=False),
            pa.field("merged_into", pa.string()),
            pa.field("url", pa.string()),
            pa.field("title", pa.string()),
            pa.field("published", stamp),
            pa.field("published_date", pa.date32()),
            pa.field("outlet", pa.string()),
            pa.field("origin", pa.string()),
            pa.field("original_title", pa.string()),
            pa.field("authors", strings, nullable=False),
            pa.field("editor", pa.string()),
            pa.field("provinces", strings, nullable=False),
            pa.field("recipients", strings, nullable=False),
            pa.field("topic_terms", strings, nullable=False),
            pa.field("encoding", pa.string()),
            pa.field("damage", pa.float64(), nullable=False),
            pa.field("copies", pa.list_(copy), nullable=False),
        ],
        metadata={"aidcorpus.schema_version": str(SCHEMA_VERSION)},
    )


def _arrow_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, tuple):
        return list(value)
    return value


def arrow_table(records: list[ExportRecord]) -> Any:
    """The records as one Arrow table built against arrow_schema()."""
    import pyarrow as pa

    schema = arrow_schema()
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for r in records:
        for name in schema.names:
            value = getattr(r, name)
            if name == "copies":
                value = [{f: _arrow_value(getattr(c, f)) for f in COPY_FIELDS} for c in value]
            columns[name].append(_arrow_value(value))
    return pa.Table.from_pydict(columns, schema=schema)
