"""HTML and plain-text input files -> Pages (text files wrapped as minimal HTML)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from corpus.inputcheck import read_file_bounded
from extract.decode import decode_html
from extract.extractor import MAX_BYTES
from extract.types import Page

TEXT_SUFFIXES = (".txt",)
DATED = re.compile(r"(19|20)\d\d\s*[-/年.]\s*\d{1,2}")


def read_page(path: Path, url: str | None = None) -> Page:
    """One HTML or text file as a Page (text files wrapped as ingest wraps them)."""
    if path.stat().st_size > MAX_BYTES:  # only enough of it for extract to say too-large
        page = Page(url=path.resolve().as_uri(), body=read_file_bounded(path))
    elif path.name.lower().endswith(TEXT_SUFFIXES):
        page = _text_page(path)
    else:
        page = Page(url=path.resolve().as_uri(), body=read_file_bounded(path))
    return replace(page, url=url) if url else page


def text_title(lines: list[str]) -> str:
    """The headline of a naively extracted page: portals print it twice near the top (page
    title and article heading), after chrome such as 中新網 or 客服热线; else the first line."""
    head = lines[:15]
    for line in head:
        if 6 <= len(line) <= 80 and head.count(line) > 1 and not line.endswith((":", "：")):
            return line
    return lines[0] if lines else ""


def _text_page(path: Path) -> Page:
    """A plain-text file (the seeds' layout) wrapped in minimal HTML, one <p> per line."""
    # Text files come in GBK and Big5 too: the same evidence-based decoding as pages.
    decoded = decode_html(read_file_bounded(path))
    text = decoded.text
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = text_title(lines)
    # What stands above the headline's last copy near the top is chrome (site name, 分享到).
    start = max((i for i, ln in enumerate(lines[:15]) if ln == title), default=-1) + 1
    # ...but a dated byline up there ("admin 于2023年05月03日发表") is metadata: keep it.
    byline = [ln for ln in lines[:start] if ln != title and DATED.search(ln)]
    body = "".join(f"<p>{html.escape(ln)}</p>\n" for ln in [*byline, *lines[start:]])
    title = html.escape(title)
    # Re-encoded in the file's own codec, so the document records the encoding it came in.
    codec = decoded.encoding
    doc = (
        f'<html><head><meta charset="{codec}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>\n{body}</article></body></html>"
    )
    try:
        body_bytes = doc.encode(codec)
    except (LookupError, UnicodeEncodeError):
        body_bytes = doc.replace(f'charset="{codec}"', 'charset="utf-8"').encode("utf-8")
    return Page(url=path.resolve().as_uri(), body=body_bytes)
