"""Dedup index at scale: ours (memory-mapped segments) beside datasketch's in-memory MinHashLSH.

Run: .venv/bin/python bench/index_bench.py [--sizes 100000 1000000] [--out bench/results/index.md]

Synthetic signatures (uint32, 128 permutations, 32x4 bands); a third of the queries are
indexed documents, a third copies with 1-3 bands kept (near duplicates), a third strangers.
Every measure runs in a fresh interpreter (open time and RSS are per process): build,
open, 10,000 queries, 10,000 inserts + save. datasketch "open" is what the previous index
did at every open: refill a MinHashLSH from the stored signatures (dedup.lshload). The
candidate sets of ours and datasketch's are compared query by query. The 1 M datasketch
peer needs ~12 GB and runs only when that much memory is free (said so in the results).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from benchio import write_page

ROOT = Path(__file__).resolve().parents[1]
QUERIES = 10_000
INSERTS = 10_000
DATASKETCH_BYTES_PER_DOC = 12_500  # measured at 100 k: decides whether the 1 M peer fits

WORKER = r'''
import hashlib, json, sys, time
from pathlib import Path
import numpy as np

def rss_mb():
    """(anonymous, file-backed) resident MB: mapped index pages are the second."""
    fields = dict(l.split(":", 1) for l in open("/proc/self/status"))
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("RssAnon", "RssFile"))

kind, tmp, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
from dedup.index import DedupIndex
from dedup.lshload import fill_lsh
from dedup.minhash import to_datasketch
from dedup.params import DedupParams
from datasketch import MinHashLSH
p = DedupParams()
sigs = np.load(tmp / "sigs.npy", mmap_mode="r")
queries = np.load(tmp / "queries.npy")
extra = np.load(tmp / "extra.npy")
keys = [f"{i:016x}" for i in range(n)]
out = {}
base = rss_mb()
if kind == "build":
    t0 = time.perf_counter()
    index = DedupIndex(tmp / "index", p)
    for lo in range(0, n, 50_000):
        index.add_many(keys[lo:lo + 50_000], sigs[lo:lo + 50_000],
                       [f"{i:032x}" for i in range(lo, min(n, lo + 50_000))])
        index.save()
    out["build_s"] = time.perf_counter() - t0
    print(json.dumps(out)); sys.exit()
t0 = time.perf_counter()
if kind == "ours":
    index = DedupIndex(tmp / "index", p)
    query = index.query
else:
    lsh = MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows))
    fill_lsh(lsh, keys, np.asarray(sigs), p)
    query = lambda s: lsh.query(to_datasketch(s, p.seed))
out["open_s"] = time.perf_counter() - t0
out["rss_open_mb"] = [a - b for a, b in zip(rss_mb(), base)]
digest = hashlib.sha1()
t0 = time.perf_counter()
found = 0
for q in queries:
    got = sorted(query(q))
    found += len(got)
    digest.update(("\n".join(got) + "\0").encode())
out["query_s"] = time.perf_counter() - t0
out["candidates"] = found
out["candidates_sha1"] = digest.hexdigest()
t0 = time.perf_counter()
if kind == "ours":
    for i, s in enumerate(extra):
        index.add(f"new{i:012x}", s, f"n{i:031x}", ())
    t1 = time.perf_counter()
    index.save()
    out["save_s"] = time.perf_counter() - t1
else:
    for i, s in enumerate(extra):
        lsh.insert(f"new{i:012x}", to_datasketch(s, p.seed), check_duplication=False)
out["insert_s"] = time.perf_counter() - t0
out["rss_end_mb"] = [a - b for a, b in zip(rss_mb(), base)]
print(json.dumps(out))
'''


def _run(kind: str, tmp: Path, n: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, kind, str(tmp), str(n)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} worker failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _data(tmp: Path, n: int) -> None:
    rng = np.random.default_rng(n)
    sigs = np.lib.format.open_memmap(tmp / "sigs.npy", "w+", np.uint32, (n, 128))
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        sigs[lo:hi] = rng.integers(0, 2**32, (hi - lo, 128), dtype=np.uint32)
    sigs.flush()
    third = QUERIES // 3
    picked = rng.integers(0, n, QUERIES)
    queries = rng.integers(0, 2**32, (QUERIES, 128), dtype=np.uint32)
    queries[:third] = sigs[picked[:third]]
    for q in range(third, 2 * third):  # near duplicates: 1-3 bands of an indexed document
        for band in rng.choice(32, int(rng.integers(1, 4)), replace=False):
            queries[q, band * 4 : band * 4 + 4] = sigs[picked[q], band * 4 : band * 4 + 4]
    np.save(tmp / "queries.npy", queries)
    np.save(tmp / "extra.npy", rng.integers(0, 2**32, (INSERTS, 128), dtype=np.uint32))
    del sigs


def _available_mb() -> float:
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(n: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as name:
        tmp = Path(name)
        _data(tmp, n)
        build = _run("build", tmp, n)
        size = sum(f.stat().st_size for f in (tmp / "index").rglob("*") if f.is_file())
        ours, theirs = [], []
        need = n * DATASKETCH_BYTES_PER_DOC / 2**20 * 1.3
        peer = _available_mb() > need
        for _ in range(rounds):  # alternating rounds: the machine is shared
            ours.append(_run("ours", tmp, n))
            if peer:
                theirs.append(_run("datasketch", tmp, n))
            # every round reopens the same index: inserts of the previous round are undone
            _reset(tmp, n)
    return {
        "n": n,
        "build": build,
        "size_mb": size / 2**20,
        "ours": ours,
        "theirs": theirs,
        "peer_skipped_mb": None if peer else need,
    }


def _reset(tmp: Path, n: int) -> None:
    import shutil

    shutil.rmtree(tmp / "index")
    _run("build", tmp, n)


def _best(runs: list[dict], key: str) -> float:
    return min(r[key] for r in runs)


def _rss(runs: list[dict], key: str) -> tuple[float, float]:
    best = min(runs, key=lambda r: sum(r[key]))
    return best[key][0], best[key][1]


def _mb(pair: tuple[float, float]) -> str:
    anon, mapped = pair
    return f"{anon + mapped:,.0f} MB ({anon:,.0f} + {mapped:,.0f})"


def report(results: list[dict]) -> list[str]:
    lines = [
        f"Synthetic signatures, 128 permutations, 32 x 4 bands; {QUERIES:,} queries (a third "
        f"indexed, a third near duplicates, a third strangers), then {INSERTS:,} inserts. "
        "Each measure in a fresh interpreter; best of the alternating rounds; shared 2-core "
        "machine. RSS = resident growth over the interpreter after imports, as anonymous + "
        "file-backed MB (/proc/self/status RssAnon + RssFile): the second is the pages of the "
        "index files that the lookups touched, clean page cache the kernel can drop. "
        "datasketch's open = refilling MinHashLSH from the stored signatures, what the "
        "previous index did at every open.",
        "",
        "| documents | index | open | RSS after open | RSS after queries + inserts "
        "| per document | queries/s | inserts/s | save of the inserts | same candidates |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        n, ours, theirs = r["n"], r["ours"], r["theirs"]
        same = "n/a"
        if theirs:
            digests = {x["candidates_sha1"] for x in ours + theirs}
            same = "yes" if len(digests) == 1 else "NO"
        rows = [("ours (mmap segments)", ours)]
        if theirs:
            rows.append(("datasketch MinHashLSH (dict)", theirs))
        for label, runs in rows:
            save = f"{_best(runs, 'save_s'):.2f} s" if "save_s" in runs[0] else "n/a"
            end = _rss(runs, "rss_end_mb")
            lines.append(
                f"| {n:,} | {label} | {_best(runs, 'open_s'):.3f} s "
                f"| {_mb(_rss(runs, 'rss_open_mb'))} | {_mb(end)} "
                f"| {sum(end) * 2**20 / n:,.0f} B | {QUERIES / _best(runs, 'query_s'):,.0f} "
                f"| {INSERTS / _best(runs, 'insert_s'):,.0f} | {save} | {same} |"
            )
        if theirs:
            o_end, t_end = sum(_rss(ours, "rss_end_mb")), sum(_rss(theirs, "rss_end_mb"))
            lines.append(
                f"| {n:,} | ours vs datasketch | "
                f"{_best(theirs, 'open_s') / _best(ours, 'open_s'):,.0f}x faster "
                f"| | {t_end / max(o_end, 0.1):,.1f}x less | "
                f"| {_best(theirs, 'query_s') / _best(ours, 'query_s'):.2f}x "
                f"| {_best(theirs, 'insert_s') / _best(ours, 'insert_s'):.2f}x | | |"
            )
        else:
            lines.append(
                f"| {n:,} | datasketch | not run: needs ~{r['peer_skipped_mb']:,.0f} MB free "
                "| | | | | | | |"
            )
    lines += [
        "",
        "| documents | build (add_many + save every 50 k) | files on disk | candidates found |",
        "|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['build']['build_s']:.1f} s | {r['size_mb']:,.0f} MB "
            f"({r['size_mb'] * 2**20 / r['n']:,.0f} B/doc) | {r['ours'][0]['candidates']:,} |"
        )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "index.md")
    args = ap.parse_args()
    results = [measure(n, args.rounds) for n in args.sizes]
    command = (
        f".venv/bin/python bench/index_bench.py --sizes {' '.join(map(str, args.sizes))}"
        f" --rounds {args.rounds}"
    )
    write_page(args.out, "Dedup index at scale", command, report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
