"""One output convention for every listing command: `--format table|jsonl|tsv`.

`table` is for people (the default on a terminal), `jsonl` for programs (the default in a
pipe), `tsv` for spreadsheets and `cut`. Lists are joined by spaces in table and tsv.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMATS = ("table", "jsonl", "tsv")


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: table on a terminal, jsonl in a pipe or file)",
    )


def resolve_format(value: str | None, stream: TextIO | None = None) -> str:
    stream = stream or sys.stdout
    if value:
        return value
    return "table" if stream.isatty() else "jsonl"


def emit(
    rows: Iterable[dict[str, Any]],
    fmt: str | None,
    columns: Sequence[str],
    *,
    stream: TextIO | None = None,
    widths: dict[str, int] | None = None,
) -> int:
    """Write rows; jsonl keeps every field, table and tsv only `columns`. Returns 0."""
    out = stream or sys.stdout
    fmt = resolve_format(fmt, out)
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "tsv":
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(_cell(row.get(c)) for c in columns) + "\n")
    else:
        _table(rows, columns, out, widths or {})
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = " ".join(_cell(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split())  # no tabs or newlines inside a cell


def _table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO, widths: dict[str, int]
) -> None:
    from rich.console import Console
    from rich.table import Table

    # rich measures CJK characters as two cells wide, so the columns line up.
    table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
    for col in columns:
        table.add_column(col, max_width=widths.get(col), overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
        count += 1
    console = Console(file=out, width=None if out.isatty() else 200, soft_wrap=False)
    if count:
        console.print(table)
    else:
        out.write("(nothing)\n")
