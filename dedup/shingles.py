"""Digests and character n-grams of the hash view (`zhtext.hash_view`: NFKC, pinyin glosses
removed, OpenCC t2s, lower-case, letters and digits only).

Only the hash view feeds fingerprints; the stored text is never changed here.
"""

from __future__ import annotations

import hashlib

import numpy as np

from zhtext import hash_view

# Odd 64-bit multiplier for the rolling polynomial over code points (FNV-style prime).
_POLY = np.uint64(0x100000001B3)
_MASK32 = np.uint64(0xFFFFFFFF)


def view_digest(view: str) -> str:
    """Hex digest of a hash view: equal digests are exact copies."""
    return hashlib.blake2b(view.encode("utf-8"), digest_size=16).hexdigest()


def exact_hash(text: str) -> str:
    """Exact-copy fingerprint of a stored text: the digest of its hash view."""
    return view_digest(hash_view(text))


def codepoints(view: str) -> np.ndarray:
    """Code points of a string as a uint64 array (UTF-32 is one unit per character)."""
    return np.frombuffer(view.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def shingle_hashes(view: str, ngram: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the character n-grams of `view` (the n-gram set).

    A view shorter than `ngram` is one shingle; an empty view has none. The hash is a
    polynomial over code points, identical to `shingle_hash` on the n-gram's UTF-8 bytes.
    """
    cps = codepoints(view)
    if cps.size == 0:
        return np.empty(0, dtype=np.uint32)
    n = min(ngram, cps.size)
    count = cps.size - n + 1
    acc = np.zeros(count, dtype=np.uint64)
    for j in range(n):
        acc = acc * _POLY + cps[j : j + count]
    folded = (acc ^ (acc >> np.uint64(32))) & _MASK32
    return np.unique(folded.astype(np.uint32))


def batch_shingle_hashes(views: list[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """All n-gram hashes of many views in one pass: (hashes, per-view counts), not deduplicated.

    Views are concatenated and hashed once; windows that cross a view boundary are dropped.
    A non-empty view shorter than `ngram` contributes its single whole-view shingle.
    """
    lens = np.fromiter((len(v) for v in views), dtype=np.int64, count=len(views))
    short = np.flatnonzero((lens > 0) & (lens < ngram))
    if short.size:
        # Rare: hash them on their own so the vectorised path sees only full windows.
        views = list(views)
        extra = {int(i): shingle_hashes(views[i], ngram) for i in short}
        for i in short:
            views[i] = ""
        lens[short] = 0
    cps = codepoints("".join(views))
    count = max(cps.size - ngram + 1, 0)
    acc = np.zeros(count, dtype=np.uint64)
    for j in range(ngram):
        acc = acc * _POLY + cps[j : j + count]
    folded = ((acc ^ (acc >> np.uint64(32))) & _MASK32).astype(np.uint32)
    nwin = np.maximum(lens - ngram + 1, 0)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    offsets = np.concatenate(([0], np.cumsum(nwin)[:-1]))
    idx = np.repeat(starts - offsets, nwin) + np.arange(int(nwin.sum()))
    hashes = folded[idx]
    if short.size:
        parts = np.split(hashes, np.cumsum(nwin)[:-1])
        for i, h in extra.items():
            parts[i] = h
            nwin[i] = h.size
        hashes = np.concatenate(parts) if parts else hashes
    return hashes, nwin


def shingle_hash(shingle: bytes) -> int:
    """Scalar twin of `shingle_hashes` for one UTF-8 n-gram: usable as datasketch's hashfunc."""
    acc = 0
    for ch in shingle.decode("utf-8"):
        acc = (acc * 0x100000001B3 + ord(ch)) & 0xFFFFFFFFFFFFFFFF
    return (acc ^ (acc >> 32)) & 0xFFFFFFFF


def shingles(view: str, ngram: int) -> list[str]:
    """The n-gram strings themselves (for tests and the naive baseline), in order."""
    if len(view) <= ngram:
        return [view] if view else []
    return [view[i : i + ngram] for i in range(len(view) - ngram + 1)]
