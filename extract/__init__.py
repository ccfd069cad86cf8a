"""PAGE -> Article: decoding, main-text extraction, Chinese clean-up and metadata.

Pure functions, no I/O; imports nothing else of aidcorpus.
"""

from __future__ import annotations

from extract.types import Article, Decoded, Dropped, Page

__all__ = ["Article", "Decoded", "Dropped", "Page", "extract_page"]


def extract_page(page: Page, *, time_budget: float | None = None) -> Article | Dropped:
    """The one entry point used by `aidcorpus extract` and by ingest; never raises.

    `time_budget`: CPU seconds per page before it is dropped as "timeout" (default 10).
    """
    from extract.extractor import TIME_BUDGET
    from extract.extractor import extract_page as _extract

    return _extract(page, time_budget=TIME_BUDGET if time_budget is None else time_budget)
