"""The shared LSH in Redis: datasketch's own Redis storage against dedup.redis_lsh (pipelined).

Run: .venv/bin/python bench/redis_bench.py [--docs 3000]   (needs Redis at 127.0.0.1:6379;
prints markdown; index_bench's results page quotes it). Each round writes into a fresh
key prefix and deletes it afterwards (never FLUSHDB: the server is shared). Both write the
same keys (datasketch's layout), so the candidate sets are compared too.
"""

from __future__ import annotations

import argparse
import time
import uuid

import numpy as np
import redis
from datasketch import MinHashLSH

from dedup.minhash import to_datasketch
from dedup.params import DedupParams
from dedup.redis_lsh import RedisLSH

CONNECTION = {"host": "127.0.0.1", "port": 6379, "socket_timeout": 30}


def _config() -> dict:
    return {"type": "redis", "basename": f"aidcorpus-bench-{uuid.uuid4().hex}".encode(),
            "redis": CONNECTION}


def _drop(config: dict) -> None:
    client = redis.Redis(**CONNECTION)
    for key in client.scan_iter(match=config["basename"] + b"*", count=1000):
        client.delete(key)


def one_round(sigs: np.ndarray, queries: np.ndarray) -> dict[str, float | list]:
    p = DedupParams()
    keys = [f"{i:016x}" for i in range(len(sigs))]
    out: dict[str, float | list] = {}
    config = _config()
    try:
        lsh = MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows), storage_config=config)
        t0 = time.perf_counter()
        for key, sig in zip(keys, sigs, strict=True):
            lsh.insert(key, to_datasketch(sig, p.seed), check_duplication=False)
        out["ds_insert"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        ds = [sorted(lsh.query(to_datasketch(q, p.seed))) for q in queries]
        out["ds_query"] = time.perf_counter() - t0
    finally:
        _drop(config)
    config = _config()
    try:
        ours = RedisLSH(config, p)
        t0 = time.perf_counter()
        for lo in range(0, len(keys), 200):  # as ingest flushes: a batch per save
            ours.insert_many(list(zip(keys[lo : lo + 200], sigs[lo : lo + 200], strict=True)))
        out["our_insert"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        mine = [sorted(ours.query(q)) for q in queries]  # one pipeline per query, as check()
        out["our_query"] = time.perf_counter() - t0
    finally:
        _drop(config)
    out["same"] = [ds == mine]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 2**32, (args.docs, 128), dtype=np.uint32)
    queries = rng.integers(0, 2**32, (args.queries, 128), dtype=np.uint32)
    picked = rng.integers(0, args.docs, args.queries)
    queries[: args.queries // 2, :16] = sigs[picked[: args.queries // 2], :16]  # 4 bands shared
    runs = [one_round(sigs, queries) for _ in range(args.rounds)]

    def best(k: str) -> float:
        return min(float(r[k]) for r in runs)  # type: ignore[arg-type]

    same = all(r["same"][0] for r in runs)  # type: ignore[index]
    lines = [
        f"Redis 127.0.0.1:6379 (shared), {args.docs:,} inserts then {args.queries:,} queries "
        f"(half near duplicates), 32 bands; best of {args.rounds} rounds, "
        "datasketch and ours alternating.",
        "",
        "| Redis LSH | inserts/s | queries/s |",
        "|---|---:|---:|",
        f"| datasketch MinHashLSH, Redis storage (a round trip per command) "
        f"| {args.docs / best('ds_insert'):,.0f} | {args.queries / best('ds_query'):,.0f} |",
        f"| dedup.redis_lsh (pipelines: 200 inserts, one query per round trip) "
        f"| {args.docs / best('our_insert'):,.0f} | {args.queries / best('our_query'):,.0f} |",
        f"| ratio | {best('ds_insert') / best('our_insert'):.1f}x "
        f"| {best('ds_query') / best('our_query'):.1f}x |",
        "",
        f"Same candidates for every query: {'yes' if same else 'NO'}.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
