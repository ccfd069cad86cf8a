"""Format writers: name the files of a delivery, then write each under a temporary name in
`.aidcorpus/tmp/` and rename it into the folder, in log order."""

from __future__ import annotations

import gzip as gz
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from corpus.export.folder import Entry, new_tmp, open_new, publish, sync_folder
from corpus.export.records import Planned
from corpus.export.schema import ExportRecord, arrow_schema, arrow_table, json_line

FORMATS = ("txt", "jsonl", "parquet")
PART_RECORDS = 20_000  # records per JSONL or Parquet file
ROW_GROUP = 1_000  # Parquet rows written at a time: memory stays bounded
NUMBERED = re.compile(r"(\d+)_[0-9a-f]{16}\.txt")
PART = re.compile(r"aidcorpus-(\d{6})\.(jsonl|jsonl\.gz|parquet)")

Reader = Callable[[Planned], ExportRecord]


def txt_name(number: int, uid: str) -> str:
    return f"{number:03d}_{uid}.txt"


def part_name(part: int, fmt: str, gzip: bool) -> str:
    suffix = {"txt": ".txt", "jsonl": ".jsonl.gz" if gzip else ".jsonl", "parquet": ".parquet"}
    return f"aidcorpus-{part:06d}{suffix[fmt]}"


def next_free(out: Path, fmt: str, entries: Iterable[Entry]) -> int:
    """The next NNN (txt) or part number: past everything delivered and past any file of
    that shape already in the folder (another tool's, or an older corpus's)."""
    pattern = NUMBERED if fmt == "txt" else PART
    used = [int(m.group(1)) for p in out.iterdir() if (m := pattern.fullmatch(p.name))]
    for e in entries:
        if fmt == "txt" and e.number is not None:
            used.append(e.number)
        elif e.file and (m := PART.fullmatch(e.file)):
            used.append(int(m.group(1)))
    return max(used, default=-1 if fmt == "txt" else 0) + 1


def assign(
    fmt: str,
    items: list[Planned],
    first: int,
    delivered: Mapping[str, Entry],
    *,
    gzip: bool = False,
) -> list[tuple[Planned, Entry]]:
    """Give each planned delivery its file, in log order: one numbered file per live record
    (txt) with tombstones last and file-less, or parts of PART_RECORDS never splitting a
    survivor from the tombstones that follow it (jsonl, parquet)."""
    pairs: list[tuple[Planned, Entry]] = []
    if fmt == "txt":
        number = first
        for item in [i for i in items if not i.deleted] + [i for i in items if i.deleted]:
            had = delivered.get(item.id)
            supersedes = had.number if had is not None else None
            if item.deleted:
                entry = Entry(item.id, item.version, True, item.merged_into, None, None, supersedes)
            else:
                name = txt_name(number, item.id)
                entry = Entry(item.id, item.version, False, None, name, number, supersedes)
                number += 1
            pairs.append((item, entry))
        return pairs
    part, count = first, 0
    for item in items:
        if count >= PART_RECORDS and not item.deleted:
            part, count = part + 1, 0
        name = part_name(part, fmt, gzip)
        pairs.append((item, Entry(item.id, item.version, item.deleted, item.merged_into, name)))
        count += 1
    return pairs


def write(
    out: Path,
    tmp_dir: Path,
    fmt: str,
    pairs: list[tuple[Planned, Entry]],
    read: Reader,
) -> None:
    """Write and publish every file of the delivery, in order."""
    groups: dict[str, list[Planned]] = {}
    for item, entry in pairs:
        if entry.file:
            groups.setdefault(entry.file, []).append(item)
    for name, items in groups.items():
        tmp = new_tmp(tmp_dir, name)
        if fmt == "txt":
            _txt(tmp, read(items[0]))
        elif fmt == "jsonl":
            _jsonl(tmp, (read(i) for i in items), name.endswith(".gz"))
        else:
            _parquet(tmp, items, read)
        publish(tmp, out / name, durable=False)
    sync_folder(out)  # every file and rename on disk before the commit that names them


def txt_body(record: ExportRecord) -> str:
    # The headline once on top; the text often opens with it already, sometimes after a
    # kicker line (引题) printed above it.
    text, title = record.text, record.title or ""
    if title:
        lines = text.split("\n")
        if title in lines[:3]:
            lines.remove(title)
            text = "\n".join(lines).lstrip("\n")
    return f"{title}\n\n{text}\n" if title else f"{text}\n"


def _txt(path: Path, record: ExportRecord) -> None:
    with open_new(path, sync=False) as fh:
        fh.write(txt_body(record).encode("utf-8"))


def _jsonl(path: Path, records: Iterable[ExportRecord], gzip: bool) -> None:
    with open_new(path, sync=False) as raw:
        # mtime 0: the same records give the same bytes, whichever run wrote them.
        sink = gz.GzipFile(fileobj=raw, mode="wb", mtime=0) if gzip else raw
        for record in records:
            sink.write(json_line(record).encode("utf-8"))
        if gzip:
            sink.close()


def _parquet(path: Path, items: list[Planned], read: Reader) -> None:
    import pyarrow.parquet as pq

    with open_new(path, sync=False) as fh, pq.ParquetWriter(fh, arrow_schema()) as writer:
        for start in range(0, len(items), ROW_GROUP):
            writer.write_table(arrow_table([read(i) for i in items[start : start + ROW_GROUP]]))
