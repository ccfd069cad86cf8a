"""Shared fixtures: the seed texts (read from ../shared/seeds) and a store-like lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.types import DocView

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    folder = SHARED / "seeds"
    if not folder.is_dir():
        pytest.skip("shared/seeds not present beside the repository")
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


class MemoryStore:
    """Stands in for the corpus store: the texts the Deduper may look up."""

    def __init__(self) -> None:
        self.docs: dict[str, DocView] = {}

    def lookup(self, key: str) -> DocView | None:
        return self.docs.get(key)

    def put(self, key: str, text: str, published: str | None = None) -> None:
        self.docs[key] = DocView(key, text, published)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()
