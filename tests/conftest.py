"""Shared fixtures: paths to the shared seeds and evaldata beside the checkout, and a
key namespace of the real Redis at 127.0.0.1:6379 (skipped when none runs)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REDIS_URL = "redis://127.0.0.1:6379/0"


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


@pytest.fixture
def redis_namespace() -> Iterator[str]:
    """A fresh key prefix on the real Redis; its keys are deleted afterwards."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    name = f"aidcorpus-test-{uuid.uuid4().hex}"
    yield name
    for key in client.scan_iter(match=name + "*", count=1000):
        client.delete(key)
