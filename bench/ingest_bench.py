"""`aidcorpus ingest --workers 1` against `--workers 2` on a WARC of real pages: wall time
side by side in alternating rounds, and the corpora they build compared row by row.

Command: `.venv/bin/python bench/ingest_bench.py [--rounds 3] [--copies 1] [--workers 1 2]`
(from the repo root); writes bench/results/ingest.md. The WARC holds every page of
../shared/evaldata/extract (real pages, their own bytes) as response records under
127.0.0.1 URLs; `--copies 2` adds each page again under a second URL (exact reposts).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / ".." / "shared" / "evaldata" / "extract"
RESULTS = REPO / "bench" / "results" / "ingest.md"
AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


def build_warc(path: Path, copies: int) -> tuple[int, int]:
    """Every evaldata page as a response record; returns (records, payload bytes)."""
    pages = sorted(EVAL.glob("*/*.html"))
    if not pages:
        raise SystemExit(f"no pages under {EVAL}")
    total = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for copy in range(copies):
            for page in pages:
                body = page.read_bytes()
                url = f"http://127.0.0.1/c{copy}/{page.parent.name}/{page.stem}.html"
                head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
                record = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=head
                )
                writer.write_record(record)
                total += len(body)
    return len(pages) * copies, total


def corpus_digest(db: Path) -> tuple[str, dict[str, int]]:
    """A digest of everything a corpus holds that ingest decides (no timestamps, no row
    ids): documents with their stored text, clusters by uid, links, figures, drops."""
    conn = sqlite3.connect(db)
    queries = {
        "documents": "SELECT d.key, d.url, d.text, d.title, d.published, d.outlet, d.exact_hash,"
        " c.uid, d.repost_of, d.similarity, d.damage, d.source FROM documents d"
        " JOIN clusters c ON c.id = d.cluster_id ORDER BY d.id",
        "clusters": "SELECT c.uid, c.canonical, c.size, c.version, m.uid FROM clusters c"
        " LEFT JOIN clusters m ON m.id = c.merged_into ORDER BY c.id",
        "links": "SELECT a, b, kind, passages, figures FROM links ORDER BY a, b, kind",
        "figures": "SELECT doc, value, amount, unit, phrase, text FROM figures"
        " ORDER BY doc, rowid",
        "dropped": "SELECT url, reason, detail FROM dropped ORDER BY url",
    }
    digest = hashlib.sha256()
    counts = {}
    for name, sql in queries.items():
        rows = conn.execute(sql).fetchall()
        counts[name] = len(rows)
        digest.update(json.dumps([name, rows], ensure_ascii=False).encode())
    conn.close()
    return digest.hexdigest()[:16], counts


def ingest(warc: Path, db: Path, workers: int) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [AIDCORPUS, "ingest", "--db", str(db), "--workers", str(workers), str(warc)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"aidcorpus ingest failed:\n{proc.stderr[-3000:]}")
    return wall, proc.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    times: dict[int, list[float]] = {w: [] for w in args.workers}
    digests: dict[int, set[str]] = {w: set() for w in args.workers}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp_name:
        tmp = Path(tmp_name)
        warc = tmp / "real.warc.gz"
        records, size = build_warc(warc, args.copies)
        summary = ""
        counts: dict[str, int] = {}
        for r in range(args.rounds):
            # Alternate who goes first: a load spike from another user hits both sides.
            order = args.workers if r % 2 == 0 else list(reversed(args.workers))
            for w in order:
                db = tmp / f"r{r}-w{w}.db"
                wall, summary = ingest(warc, db, w)
                digest, counts = corpus_digest(db)
                times[w].append(wall)
                digests[w].add(digest)
                print(f"round {r + 1} workers {w}: {wall:.2f} s, corpus {digest}", flush=True)
            loads.append(os.getloadavg()[0])
    base = args.workers[0]
    same = len(set().union(*digests.values())) == 1
    lines = [
        "# Parallel ingest: `--workers` side by side",
        "",
        f"Command: `.venv/bin/python bench/ingest_bench.py --rounds {args.rounds}"
        f" --copies {args.copies} --workers {' '.join(map(str, args.workers))}`",
        f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs shared with other engineers' work: 1-minute load average"
        f" {min(loads):.1f}-{max(loads):.1f} during the run, so compare the ratios).",
        "",
        f"Input: one WARC of {records} real pages from ../shared/evaldata/extract"
        f" ({size / records / 1000:.0f} KB mean, {size / 1e6:.1f} MB), each run into a fresh"
        " corpus, rounds alternating which side goes first. Wall time of the whole command"
        " (start-up, index, commit included).",
        "",
        f"Last summary: {summary}",
        "",
        "| workers | runs (s) | median (s) | pages/s | speed-up vs first |",
        "|---:|---|---:|---:|---:|",
    ]
    for w in args.workers:
        med = statistics.median(times[w])
        ratios = [b / t for b, t in zip(times[base], times[w], strict=True)]
        lines.append(
            f"| {w} | {', '.join(f'{t:.2f}' for t in times[w])} | {med:.2f} |"
            f" {records / med:.1f} | {statistics.median(ratios):.2f}x"
            f" (rounds {', '.join(f'{x:.2f}' for x in ratios)}) |"
        )
    lines += [
        "",
        f"Corpora identical across every run and every N: **{'yes' if same else 'NO'}**"
        f" (digest of documents with stored text, clusters by uid with canonical copy and"
        f" version, links, figures, dropped pages; rows: {json.dumps(counts)}).",
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
