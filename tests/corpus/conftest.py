"""A demo corpus built once per test session (served, crawled, ingested like `make demo`)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's output folder: corpus.db, runs/, warc/, export/. Treat it as read-only."""
    from corpus.demo.run import run_demo

    out = tmp_path_factory.mktemp("demo-corpus")
    run_demo(out)
    return out
