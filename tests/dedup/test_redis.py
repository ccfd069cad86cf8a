"""The LSH index in the real Redis at 127.0.0.1:6379 (DESIGN "scale-out"); skipped without it."""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Iterator

import numpy as np
import pytest
from datasketch import MinHashLSH

from dedup.engine import Deduper
from dedup.minhash import to_datasketch
from dedup.params import DedupParams, ParamsMismatch
from dedup.redis_lsh import RedisLSH
from tests.dedup.test_segments import planted

redis = pytest.importorskip("redis")
CONNECTION = {"host": "127.0.0.1", "port": 6379, "socket_timeout": 5}


@pytest.fixture
def config() -> Iterator[dict]:
    client = redis.Redis(**CONNECTION)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    basename = f"aidcorpus-test-{uuid.uuid4().hex}".encode()
    yield {"type": "redis", "basename": basename, "redis": CONNECTION}
    for key in client.scan_iter(match=basename + b"*", count=500):
        client.delete(key)
    assert not list(client.scan_iter(match=basename + b"*"))


def test_lsh_in_redis_is_shared_between_instances(tmp_path, store, seeds, config) -> None:
    first = Deduper(tmp_path / "a", lookup=store.lookup, storage_config=config)
    for key in ("003", "004"):
        v = first.check(key, seeds[key])
        assert v.match is None
        store.put(key, seeds[key])
        first.add(key, seeds[key], verdict=v)
    repost = seeds["003"] + "\n（来源：大众网）"
    assert first.check("x", repost).repost_of == "003"
    first.save()
    first.close()
    # Another worker: its own index directory, the same Redis namespace and store.
    other = Deduper(tmp_path / "b", lookup=store.lookup, storage_config=config)
    assert other.check("y", repost).repost_of == "003"
    assert other.check("z", seeds["001"]).match is None
    # Reopening the first worker's directory keeps its local part (keys, clauses).
    again = Deduper(tmp_path / "a", lookup=store.lookup, storage_config=config)
    assert again.keys() == {"003", "004"}
    assert again.check("w", seeds["004"] + "\n责任编辑：某某").repost_of == "004"


def test_redis_namespace_refuses_other_parameters(tmp_path, store, config) -> None:
    Deduper(tmp_path / "a", lookup=store.lookup, storage_config=config)
    with pytest.raises(ParamsMismatch, match=r"bands: index has 32, requested 16"):
        Deduper(
            tmp_path / "b",
            DedupParams(bands=16, rows=8),
            store.lookup,
            storage_config=config,
        )
    # Verification thresholds are not stamped.
    Deduper(tmp_path / "c", DedupParams(threshold=0.7), store.lookup, storage_config=config)


def test_batched_redis_lsh_is_datasketch_layout_both_ways(config) -> None:
    p = DedupParams()
    sigs = planted(120, 9)
    ours = RedisLSH(config, p)
    ours.insert_many([(f"o{i}", sigs[i]) for i in range(60)])
    ours.insert_many([(f"o{i}", sigs[i]) for i in range(5)])  # a retried batch: no change
    theirs = MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows), storage_config=config)
    for i in range(60, 120):
        theirs.insert(f"t{i}", to_datasketch(sigs[i], p.seed))
    local = MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows))
    for i in range(120):
        local.insert(f"o{i}" if i < 60 else f"t{i}", to_datasketch(sigs[i], p.seed))
    queries = np.vstack([sigs[::4], planted(10, 10)])
    batched = ours.query_many(queries)
    for q, found in zip(queries, batched, strict=True):
        expected = set(local.query(to_datasketch(q, p.seed)))
        assert found == expected
        assert set(theirs.query(to_datasketch(q, p.seed))) == expected
    assert sum(map(len, batched)) > len(queries)
    assert theirs.keys.get(pickle.dumps("o3")) == ours._band_bytes(sigs[3])


def test_redis_keys_that_are_not_strings_are_refused(config) -> None:
    p = DedupParams()
    ours = RedisLSH(config, p)
    sig = planted(1, 12)[0]
    table = ours._tables[0] + ours._band_bytes(sig)[0]
    ours.client.sadd(table, pickle.dumps(print))  # what an intruder's pickle would do
    with pytest.raises(pickle.UnpicklingError, match=r"builtins\.print"):
        ours.query(sig)
