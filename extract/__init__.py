"""PAGE -> Article: decoding, main-text extraction, Chinese clean-up and metadata.

Pure functions, no I/O; imports nothing else of aidcorpus.
"""

from __future__ import annotations

from extract.types import Article, Decoded, Dropped, Page

__all__ = ["Article", "Decoded", "Dropped", "Page", "extract_page"]


def extract_page(page: Page) -> Article | Dropped:
    """The one entry point used by `aidcorpus extract` and by ingest."""
    from extract.extractor import extract_page as _extract

    return _extract(page)
