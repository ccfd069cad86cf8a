"""Format writers: each writes its files atomically and returns (record, file name) pairs."""

from __future__ import annotations

import gzip as gz
import json
from collections.abc import Sequence
from pathlib import Path

from corpus.export.base import Record, atomic_write


def write(
    fmt: str, out: Path, records: Sequence[Record], *, gzip: bool
) -> list[tuple[Record, str]]:
    if fmt == "txt":
        return _txt(out, records)
    if fmt == "jsonl":
        return _jsonl(out, records, gzip)
    return _parquet(out, records)


def txt_name(record: Record) -> str:
    return f"{record.number:03d}_{record.key}.txt"


def _txt(out: Path, records: Sequence[Record]) -> list[tuple[Record, str]]:
    done = []
    for r in records:
        name = txt_name(r)
        # The headline once on top; the text often opens with it already.
        text = r.text
        if r.title and text.startswith(r.title):
            text = text[len(r.title) :].lstrip("\n")
        body = f"{r.title}\n\n{text}\n" if r.title else f"{text}\n"
        atomic_write(out / name, lambda p, body=body: p.write_text(body, encoding="utf-8"))
        done.append((r, name))
    return done


def _batch_name(records: Sequence[Record], suffix: str) -> str:
    return f"aidcorpus-{records[0].number:05d}-{records[-1].number:05d}{suffix}"


def _line(r: Record) -> str:
    doc = {"id": r.key, "text": r.text, "metadata": {**r.metadata, "number": r.number}}
    return json.dumps(doc, ensure_ascii=False) + "\n"


def _jsonl(out: Path, records: Sequence[Record], gzip: bool) -> list[tuple[Record, str]]:
    name = _batch_name(records, ".jsonl.gz" if gzip else ".jsonl")

    def write_file(path: Path) -> None:
        opener = gz.open if gzip else open
        with opener(path, "wt", encoding="utf-8") as fh:
            for r in records:
                fh.write(_line(r))

    atomic_write(out / name, write_file)
    return [(r, name) for r in records]


def _parquet(out: Path, records: Sequence[Record]) -> list[tuple[Record, str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = _batch_name(records, ".parquet")
    table = pa.table(
        {
            "id": [r.key for r in records],
            "text": [r.text for r in records],
            "title": [r.title for r in records],
            "number": [r.number for r in records],
            "metadata": [json.dumps(r.metadata, ensure_ascii=False) for r in records],
        }
    )
    atomic_write(out / name, lambda p: pq.write_table(table, p))
    return [(r, name) for r in records]
