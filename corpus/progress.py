"""Ingest progress: a bar with total and ETA on a terminal (rich), plain lines elsewhere.

Both are callables taking a message (what ingest always sent) with an extra `update`
taking a Snapshot; a plain callable still gets a line every few seconds.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

LINE_EVERY_S = 5.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    files_done: int
    files_total: int
    bytes_done: int  # of input files finished: the measure the ETA is taken on
    bytes_total: int
    pages: int
    stored: int
    duplicates: int
    dropped: int
    elapsed: float

    def eta(self) -> float | None:
        if self.bytes_done <= 0 or self.bytes_total <= 0 or self.elapsed <= 0:
            return None
        return self.elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done

    def counts(self) -> str:
        rate = self.pages / self.elapsed if self.elapsed > 0 else 0.0
        return (
            f"{self.pages} pages, {rate:.1f}/s, {self.stored} stored,"
            f" {self.duplicates} duplicates, {self.dropped} dropped"
        )

    def short_counts(self) -> str:
        """counts() for a bar on an 80-column terminal, where the long form cut the ETA off."""
        rate = self.pages / self.elapsed if self.elapsed > 0 else 0.0
        return (
            f"{self.pages} pages {rate:.1f}/s, {self.stored} stored,"
            f" {self.duplicates} dup, {self.dropped} dropped"
        )

    def line(self) -> str:
        share = self.bytes_done / self.bytes_total if self.bytes_total else 0.0
        eta = self.eta()
        return (
            f"{self.files_done}/{self.files_total} files ({share:.0%}), {self.counts()},"
            f" ETA {_clock(eta) if eta is not None else '?'}"
        )


def _clock(seconds: float) -> str:
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


class LineProgress:
    """Messages as lines, and a snapshot line at most every `every` seconds (logs, cron)."""

    def __init__(self, stream: TextIO | None = None, every: float = LINE_EVERY_S) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.last = time.monotonic()

    def __call__(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def update(self, snap: Snapshot, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last >= self.every:  # the caller prints a summary last
            self.last = now
            self(snap.line())

    def close(self) -> None:
        pass


class BarProgress:
    """A rich progress bar on a terminal: files, share of input bytes, counts, ETA."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.table import Column

        self.console = Console(file=stream or sys.stderr)
        self.bar = Progress(
            # Bar, share, files and ETA are never cut; on a narrow terminal the counts
            # wrap to a second line (rich squeezed every column, the ETA to "0:0…").
            TextColumn("ingest", table_column=Column(no_wrap=True)),
            BarColumn(bar_width=16, table_column=Column(no_wrap=True)),
            TaskProgressColumn(table_column=Column(no_wrap=True)),
            TextColumn("{task.fields[files]}", table_column=Column(no_wrap=True)),
            TextColumn("ETA", table_column=Column(no_wrap=True)),
            TimeRemainingColumn(table_column=Column(no_wrap=True)),
            TextColumn("{task.fields[counts]}", table_column=Column()),
            console=self.console,
            transient=True,  # the summary line replaces it
        )
        self.task: Any = None

    def __call__(self, message: str) -> None:
        self.console.print(message, markup=False, highlight=False)

    def update(self, snap: Snapshot, *, final: bool = False) -> None:
        fields = {
            "files": f"{snap.files_done}/{snap.files_total} files",
            "counts": snap.short_counts(),
        }
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task("ingest", total=max(snap.bytes_total, 1), **fields)
        self.bar.update(self.task, completed=snap.bytes_done, **fields)

    def close(self) -> None:
        if self.task is not None:
            self.bar.stop()


def for_stream(stream: TextIO | None = None) -> LineProgress | BarProgress:
    """A bar when `stream` (stderr by default) is a terminal, else plain lines."""
    stream = stream or sys.stderr
    return BarProgress(stream) if stream.isatty() else LineProgress(stream)
