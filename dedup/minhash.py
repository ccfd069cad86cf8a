"""Vectorised MinHash signatures (numpy), bit-identical to datasketch's "affine32" scheme.

datasketch hashes every shingle in Python (SHA-1); here all shingles of a batch are hashed
and permuted as arrays. Signatures load into datasketch as LeanMinHash for MinHashLSH.
"""

from __future__ import annotations

import functools

import numpy as np
from datasketch import LeanMinHash

from dedup.shingles import batch_shingle_hashes

SCHEME = "affine32"
_MAX32 = np.uint32(0xFFFFFFFF)
_CHUNK = 1 << 12  # shingles per block: 128 x 4096 x 4 B = 2 MB stays in cache (measured best)


@functools.cache
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch's affine32 permutations, drawn exactly as datasketch does."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3 finalizer, the pre-mix datasketch applies before the permutations.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signature (uint32[num_perm]) of one set of 32-bit shingle hashes."""
    hashes = np.asarray(hashes, dtype=np.uint32)
    if 0 < hashes.size <= _CHUNK:
        # One block: the batch machinery (cumsum, reduceat) would cost more than the work.
        a, b = permutations(num_perm, seed)
        work = np.multiply(a[:, None], _fmix32(hashes)[None, :])
        work += b[:, None]
        return work.min(axis=1)
    return signatures(hashes, np.array([hashes.size]), num_perm, seed)[0]


def signatures(hashes: np.ndarray, counts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Signatures of a batch: `hashes` concatenated per document, `counts` per document.

    Returns uint32[len(counts), num_perm]. Permutations are applied in cache-sized blocks
    laid out permutation-major, so the min-reduction runs over contiguous memory; there
    is no per-shingle Python work (duplicates in `hashes` do not change a minimum).
    """
    a, b = permutations(num_perm, seed)
    counts = np.asarray(counts, dtype=np.int64)
    out = np.full((counts.size, num_perm), _MAX32, dtype=np.uint32)
    if counts.sum() == 0:
        return out
    flat = _fmix32(np.asarray(hashes, dtype=np.uint32))
    bounds = np.concatenate(([0], np.cumsum(counts)))
    docs = np.flatnonzero(counts)
    col_a, col_b = a[:, None], b[:, None]
    largest = int(counts.max())
    # No wider than the batch: one short document must not pay for a 2 MB block.
    buf = np.empty((num_perm, max(min(_CHUNK, int(bounds[-1])), largest)), dtype=np.uint32)
    start = 0
    while start < docs.size:
        # Whole documents per block, so reduceat offsets stay inside the block.
        stop = start + 1
        lo = bounds[docs[start]]
        while stop < docs.size and bounds[docs[stop] + 1] - lo <= _CHUNK:
            stop += 1
        block_docs = docs[start:stop]
        hi = bounds[block_docs[-1] + 1]
        work = buf[:, : hi - lo]
        np.multiply(col_a, flat[None, lo:hi], out=work)
        np.add(work, col_b, out=work)
        out[block_docs] = np.minimum.reduceat(work, bounds[block_docs] - lo, axis=1).T
        start = stop
    return out


def view_signatures(views: list[str], ngram: int, num_perm: int, seed: int) -> np.ndarray:
    """Signatures straight from hash views, hashing the whole batch in one pass."""
    hashes, counts = batch_shingle_hashes(views, ngram)
    return signatures(hashes, counts, num_perm, seed)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal signature positions: the MinHash estimate of Jaccard similarity."""
    return float(np.count_nonzero(sig_a == sig_b)) / float(sig_a.size)


def to_datasketch(sig: np.ndarray, seed: int) -> LeanMinHash:
    """Wrap a signature for datasketch (MinHashLSH.insert/query, jaccard)."""
    return LeanMinHash(seed=seed, hashvalues=sig, scheme=SCHEME)
