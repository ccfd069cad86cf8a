"""`[dedup] lsh = "redis"` in aidcorpus.toml: the LSH bands go to the real Redis at
127.0.0.1:6379 (a unique namespace per test, deleted after; never a flush), and the
corpus is the one the local index builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.config import load_config
from corpus.errors import UserError
from corpus.ingest import ingest_paths
from corpus.store import Store
from tests.corpus.realinput import build_input, corpus_digest

redis = pytest.importorskip("redis")
URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def namespace(redis_namespace: str) -> str:
    return redis_namespace  # tests/conftest.py: the real Redis, keys deleted after


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "aidcorpus.toml"
    path.write_text('[crawl]\nsites = ["people-xj"]\n' + body, encoding="utf-8")
    return path


def test_the_config_selects_the_redis_lsh(tmp_path: Path) -> None:
    plain = load_config(_config(tmp_path, ""))
    assert plain.dedup_storage is None and plain.redis_url is None
    shared = load_config(
        _config(tmp_path, f'redis_url = "{URL}"\n[dedup]\nlsh = "redis"\nnamespace = "x"\n')
    )
    assert shared.redis_url == URL
    assert shared.dedup_storage == {"type": "redis", "url": URL, "basename": "x"}
    own = load_config(_config(tmp_path, '[dedup]\nlsh = "redis"\nredis_url = "redis://h:1/2"\n'))
    assert own.dedup_storage is not None and own.dedup_storage["url"] == "redis://h:1/2"
    for bad, message in (
        ('[dedup]\nlsh = "redis"\n', "needs redis_url"),
        ('[dedup]\nlsh = "memory"\n', "must be 'local' or 'redis'"),
        ('redis_url = "http://127.0.0.1:6379"\n', "redis://"),
    ):
        with pytest.raises(UserError, match=message):
            load_config(_config(tmp_path, bad))


def test_ingest_with_the_lsh_in_redis_builds_the_same_corpus(
    tmp_path: Path, namespace: str
) -> None:
    folder = build_input(tmp_path / "in", pages=24)
    storage = load_config(
        _config(
            tmp_path, f'[dedup]\nlsh = "redis"\nredis_url = "{URL}"\nnamespace = "{namespace}"\n'
        )
    ).dedup_storage
    for name, config in (("local", None), ("redis", storage)):
        with Store.open(tmp_path / f"{name}.db", create=True) as store:
            stats = ingest_paths(store, [folder], storage_config=config, workers=2)
            assert stats.reposts + stats.exact > 5
    _, local = corpus_digest(tmp_path / "local.db")
    _, shared = corpus_digest(tmp_path / "redis.db")
    assert shared["documents"] == local["documents"] and shared["links"] == local["links"]
    client = redis.Redis.from_url(URL)
    assert client.hlen(namespace.encode() + b"_keys") == len(local["documents"])


def test_crawl_processes_need_a_redis(tmp_path: Path) -> None:
    assert load_config(_config(tmp_path, "processes = 1\n")).processes == 1
    shared = load_config(_config(tmp_path, f'processes = 3\nredis_url = "{URL}"\n'))
    assert shared.processes == 3 and shared.redis_prefix == "aidcorpus"
    with pytest.raises(UserError, match="processes must be 1, or more with a redis_url"):
        load_config(_config(tmp_path, "processes = 2\n"))
