"""Shared fixtures: paths to the shared seeds and evaldata beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    return path


@pytest.fixture(scope="session")
def evaldata_dir() -> Path:
    path = SHARED / "evaldata"
    if not path.is_dir():
        pytest.skip("../shared/evaldata is not beside the checkout")
    return path
