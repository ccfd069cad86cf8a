"""LSH band keys: each band of a MinHash signature folded into one sortable uint64.

datasketch keys a band by its bytes; two documents are candidates when any band's bytes
are equal. Here a band becomes a 64-bit hash with the band number in its top bits, so all
bands of a table sort into one array and one `searchsorted` looks up every band at once.
Equal bands give equal keys; unequal bands collide with probability 2^-(64 - band bits)
(2^-59 for 32 bands): a stray candidate, which verification drops anyway.
"""

from __future__ import annotations

import functools

import numpy as np

# Part of the index format (manifest "band_scheme"): changing it invalidates band tables.
BAND_SCHEME = "aidcorpus-bands/1 fnv64-splitmix64"

_FNV = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def band_bits(bands: int) -> int:
    """Top bits that hold the band number."""
    return max(1, (bands - 1).bit_length())


def _mix(h: np.ndarray) -> None:
    # splitmix64 finaliser, in place: every input bit reaches the top bits the table sorts on.
    h ^= h >> np.uint64(30)
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)


@functools.cache
def _constants(bands: int) -> tuple[np.ndarray, np.ndarray, np.uint64]:
    seeds = np.arange(1, bands + 1, dtype=np.uint64) * _GOLDEN
    bits = band_bits(bands)
    prefix = np.arange(bands, dtype=np.uint64) << np.uint64(64 - bits)
    for arr in (seeds, prefix):
        arr.setflags(write=False)
    return seeds, prefix, np.uint64(bits)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """uint64[n, bands] keys of signatures uint32[n, num_perm] (or one signature -> [bands])."""
    seeds, prefix, bits = _constants(bands)
    sigs = np.asarray(sigs)
    lead = sigs.shape[:-1]  # () for one signature
    used = sigs[..., : bands * rows].reshape(*lead, bands, rows).astype(np.uint64)
    h = np.empty((*lead, bands), np.uint64)
    h[...] = seeds
    for r in range(rows):
        h ^= used[..., r]
        h *= _FNV
    _mix(h)
    h >>= bits
    h |= prefix
    return h


def band_starts(bands: int) -> np.ndarray:
    """uint64[bands]: the smallest key of each band (band b ends where b + 1 starts)."""
    return np.arange(bands, dtype=np.uint64) << np.uint64(64 - band_bits(bands))
