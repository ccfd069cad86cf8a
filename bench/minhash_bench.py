"""Signature speed and accuracy vs datasketch (index scale: bench/index_bench.py).

Run alone: .venv/bin/python bench/minhash_bench.py (prints markdown); bench/repost_bench.py
calls it and writes the sections into bench/results/dedup.md.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

from dedup.minhash import estimate_jaccard, view_signatures
from dedup.params import DedupParams
from dedup.shingles import shingles

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


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


if __name__ == "__main__":
    views = []
    if SEEDS.is_dir():
        from dedup.shingles import hash_view

        texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
        whole = [hash_view(t) for t in texts]
        views = [v[i : i + 1700] for v in whole for i in range(0, len(v) - 1700, 500)] * 20
    print("\n".join(speed(views) if views else []))
