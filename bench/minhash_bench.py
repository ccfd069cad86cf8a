"""Signature speed and accuracy vs datasketch, and index scale (synthetic signatures).

Run alone: .venv/bin/python bench/minhash_bench.py (prints markdown); bench/repost_bench.py
calls it and writes the sections into bench/results/dedup.md.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

from dedup.index import DedupIndex
from dedup.minhash import estimate_jaccard, view_signatures
from dedup.params import DedupParams
from dedup.shingles import shingles

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def speed(views: list[str], rounds: int = 3) -> list[str]:
    """docs/s of datasketch MinHash.update_batch per document vs our batch signatures."""
    p = DedupParams()
    sample = views[: min(len(views), 400)]
    t0 = time.perf_counter()
    for view in sample:
        m = MinHash(num_perm=p.num_perm, seed=p.seed)
        m.update_batch([s.encode("utf-8") for s in shingles(view, p.ngram)])
    theirs = len(sample) / (time.perf_counter() - t0)
    best = 0.0
    for _ in range(rounds):
        t0 = time.perf_counter()
        view_signatures(views, p.ngram, p.num_perm, p.seed)
        best = max(best, len(views) / (time.perf_counter() - t0))
    mean_len = sum(map(len, views)) / len(views)
    return [
        f"Hash views: {len(views)} documents, mean {mean_len:.0f} characters, "
        f"{p.ngram}-grams, {p.num_perm} permutations, same process.",
        "",
        "| signer | docs/s | ratio |",
        "|---|---:|---:|",
        f"| datasketch MinHash.update_batch (per document, SHA-1) | {theirs:,.0f} | 1.0 |",
        f"| dedup.minhash.view_signatures (numpy batch, best of {rounds}) "
        f"| {best:,.0f} | {best / theirs:.1f}x |",
    ]


def accuracy(pairs: list[tuple[str, str]]) -> list[str]:
    """Mean/max absolute error of Jaccard estimates vs exact Jaccard, ours and datasketch's."""
    p = DedupParams()
    ours_err, theirs_err = [], []
    for a, b in pairs:
        sa, sb = set(shingles(a, p.ngram)), set(shingles(b, p.ngram))
        if not sa or not sb:
            continue
        exact = len(sa & sb) / len(sa | sb)
        sig = view_signatures([a, b], p.ngram, p.num_perm, p.seed)
        ours_err.append(abs(estimate_jaccard(sig[0], sig[1]) - exact))
        ma, mb = (
            MinHash(num_perm=p.num_perm, seed=p.seed),
            MinHash(num_perm=p.num_perm, seed=p.seed),
        )
        ma.update_batch([s.encode() for s in sa])
        mb.update_batch([s.encode() for s in sb])
        theirs_err.append(abs(ma.jaccard(mb) - exact))
    return [
        f"{len(ours_err)} pairs (originals with their reposts and negatives), exact Jaccard "
        "over the 5-gram sets of the hash views.",
        "",
        "| estimator | mean abs error | max abs error |",
        "|---|---:|---:|",
        f"| datasketch (SHA-1) | {np.mean(theirs_err):.4f} | {np.max(theirs_err):.4f} |",
        f"| dedup.minhash | {np.mean(ours_err):.4f} | {np.max(ours_err):.4f} |",
    ]


_LOAD = """
import pickle, sys, time
from pathlib import Path
t0 = time.perf_counter()
if sys.argv[1] == "npz":
    from dedup.index import DedupIndex
    from dedup.params import DedupParams
    index = DedupIndex(Path(sys.argv[2]), DedupParams())
    n = len(index.key_list)
else:
    with open(sys.argv[2], "rb") as fh:
        n = len(pickle.load(fh)["keys"])
took = time.perf_counter() - t0
# VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")][0].split()[1]
print(n, took, int(hwm) / 1024)
"""


def _load(kind: str, path: Path) -> tuple[float, float]:
    """(seconds, peak RSS MB) to open an index file in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _LOAD, kind, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[1]), float(out[2])


def scale(existing: int = 200_000, new: int = 10_000, target: int = 10_000_000) -> list[str]:
    """Add `new` synthetic signatures (query + insert) to an index of `existing` ones; save
    and reopen it in our numpy format and in the previous one (pickled datasketch LSH)."""
    p = DedupParams()
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        before = _rss_mb()
        index = DedupIndex(Path(tmp) / "index", p)
        t0 = time.perf_counter()
        for i in range(existing):
            sig = rng.integers(0, 2**32, p.num_perm, dtype=np.uint32)
            index.add(f"doc{i}", sig, f"{i:032x}", ())
        build = time.perf_counter() - t0
        mem = _rss_mb() - before
        t0 = time.perf_counter()
        hits = 0
        for i in range(new):
            sig = rng.integers(0, 2**32, p.num_perm, dtype=np.uint32)
            hits += len(index.query(sig))
            index.add(f"new{i}", sig, f"n{i:031x}", ())
        incremental = time.perf_counter() - t0
        t0 = time.perf_counter()
        index.save()
        save = time.perf_counter() - t0
        state = Path(tmp) / "index" / "state.npz"
        size = state.stat().st_size / 2**20
        old_path = Path(tmp) / "state.pkl"
        t0 = time.perf_counter()
        old = {"keys": index.keys, "exact": index.exact, "clauses": {}, "lsh": index.lsh}
        old_path.write_bytes(pickle.dumps(old, protocol=pickle.HIGHEST_PROTOCOL))
        old_save = time.perf_counter() - t0
        old_size = old_path.stat().st_size / 2**20
        del index, old
        load, load_rss = _load("npz", Path(tmp) / "index")
        old_load, old_rss = _load("pkl", old_path)
    total = existing + new
    per_doc_kb = mem * 1024 / existing
    factor = target / total
    return [
        f"Synthetic random signatures ({p.num_perm} perms, {p.bands}x{p.rows} bands), "
        "LSH in memory (datasketch dict storage), no clause postings. Load: a fresh "
        "interpreter opens the file (ours: state.npz read, datasketch MinHashLSH refilled "
        "from the signatures; previous: state.pkl unpickled).",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| build index of {existing:,} | {build:.1f} s |",
        f"| add {new:,} new docs (query + insert) | {incremental:.1f} s "
        f"({new / incremental:,.0f} docs/s, {hits} false candidates) |",
        f"| memory of the {existing:,}-doc index (RSS growth) | {mem:,.0f} MB "
        f"({per_doc_kb:.1f} KB/doc) |",
        "",
        f"| index file of {total:,} docs | size | save | load | peak RSS of load |",
        "|---|---:|---:|---:|---:|",
        f"| previous: state.pkl (pickled dicts + datasketch LSH) | {old_size:,.0f} MB "
        f"| {old_save:.1f} s | {old_load:.1f} s | {old_rss:,.0f} MB |",
        f"| ours: state.npz (signatures, keys, exact, postings) | {size:,.0f} MB "
        f"| {save:.1f} s | {load:.1f} s | {load_rss:,.0f} MB |",
        f"| ratio previous / ours | {old_size / size:.1f}x | {old_save / save:.1f}x "
        f"| {old_load / load:.1f}x | {old_rss / load_rss:.1f}x |",
        "",
        f"Extrapolated to {target:,} docs (linear): ~{mem * factor / 1024:,.0f} GB RAM "
        f"with the LSH in memory (the case for Redis), ~{size * factor / 1024:,.0f} GB file, "
        f"save ~{save * factor / 60:,.0f} min.",
    ]


if __name__ == "__main__":
    views = []
    if SEEDS.is_dir():
        from dedup.shingles import hash_view

        texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
        whole = [hash_view(t) for t in texts]
        views = [v[i : i + 1700] for v in whole for i in range(0, len(v) - 1700, 500)] * 20
    print("\n".join(speed(views) if views else []))
    print("\n".join(scale(20_000, 2_000)))
