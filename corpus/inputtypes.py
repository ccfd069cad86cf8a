"""What ingest reads an input file into: Inputs (one article's pages), or an InputError."""

from __future__ import annotations

from dataclasses import dataclass

from extract.types import Page


class InputError(Exception):
    """An input path that cannot be ingested (missing, unreadable, not HTML or WARC)."""


@dataclass(frozen=True, slots=True)
class Input:
    """One article to extract: its first page and any continuation pages, in order."""

    page: Page
    parts: tuple[Page, ...] = ()
    status: int = 200  # HTTP status of a WARC response
    offset: int = -1  # bytes of its WARC file read up to it: progress within one big file
    # False: a multi-page article archived without all its pages (a crawl killed or
    # stopped, or a page failed): not stored, a later crawl archives it whole
    complete: bool = True
