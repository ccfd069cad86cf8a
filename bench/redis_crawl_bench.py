"""What a crawl shared in Redis costs per page: crawl-state memory (one hash per URL),
dupefilter memory (one fingerprint per request) and the round trips of the state
operations a fetched page makes, against the real Redis at 127.0.0.1:6379 (a unique key
prefix, deleted at the end; never a flush).

Command: `.venv/bin/python bench/redis_crawl_bench.py [--pages 20000]`; writes
bench/results/shared_crawl.md.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import redis
from benchio import write_result

from crawler.canon import canonical_url
from crawler.redisstate import RedisCrawlState
from crawler.warc import FetchRecord, now_iso

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "shared_crawl.md"
URL = "redis://127.0.0.1:6379/0"


def url_of(i: int) -> str:
    day = f"{i % 12 + 1:02d}{i % 28 + 1:02d}"
    return f"https://www.example-news.cn/xinjiang/2024/{day}/c{i:08d}.html"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    client = redis.Redis.from_url(URL)
    prefix = f"aidcorpus-bench-{uuid.uuid4().hex}"
    state = RedisCrawlState(client, prefix)
    try:
        n = args.pages
        started = time.perf_counter()
        for lo in range(0, n, 50):  # a list page: its links noted in one pipeline
            state.note_discovered("bench", [(url_of(i), "article") for i in range(lo, lo + 50)])
        noted = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(n):
            stamp = "Mon, 01 Jan 2024 00:00:00 GMT"
            headers = (("ETag", f'"{i:016x}"'), ("Last-Modified", stamp))
            url = url_of(i)
            state.get(url)  # the frontier's freshness check
            rec = FetchRecord(url, url, 200, headers, b"x" * 2000, (), "bench", "article",
                              now_iso(), topic_terms=("援疆",), kept=True)  # fmt: skip
            state.record(rec)
            if i % 16 == 15:
                state.commit()  # the archive's batch
        state.commit()
        fetched = time.perf_counter() - started
        step = max(1, n // 500)
        sample = [f"{prefix}:page:{canonical_url(url_of(i))}" for i in range(0, n, step)]
        per_page = sum(client.memory_usage(k) or 0 for k in sample) / len(sample)
        pending = client.memory_usage(f"{prefix}:pending:bench") or 0
        dupe_key = f"{prefix}:dupefilter"
        for lo in range(0, n, 1000):
            prints = [hashlib.sha1(url_of(i).encode()).hexdigest() for i in range(lo, lo + 1000)]
            client.sadd(dupe_key, *prints)
        dupe = (client.memory_usage(dupe_key) or 0) / n
    finally:
        for key in client.scan_iter(match=prefix + ":*", count=1000):
            client.delete(key)
    lines = [
        "# A crawl shared in Redis: cost per page",
        "",
        f"Command: `.venv/bin/python bench/redis_crawl_bench.py --pages {n}` (run"
        f" {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},"
        " Redis on the same shared 2-CPU machine).",
        "",
        "| what | measured |",
        "|---|---:|",
        f"| crawl state, one hash per fetched URL (MEMORY USAGE, mean of {len(sample)}) |"
        f" {per_page:.0f} B |",
        f"| pending set (pages noted, not yet archived whole): after the crawl | {pending} B |",
        f"| dupefilter, one fingerprint per request of a round | {dupe:.0f} B |",
        f"| noting discovered links (50 per pipeline) | {n / noted:,.0f} links/s |",
        "| a fetched page: freshness read + record, commit every 16 |"
        f" {n / fetched:,.0f} pages/s |",
        "",
        f"So 10 M URLs of crawl state need about {per_page * 1e7 / 1e9:.1f} GB of Redis, and a"
        " round's dupefilter (deleted when the round ends) about"
        f" {dupe * 1e6 / 1e6:.0f} MB per million requests.",
    ]
    write_result(args.out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
