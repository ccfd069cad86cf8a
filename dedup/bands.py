"""LSH band keys: each band of a MinHash signature folded into one sortable uint64.

datasketch keys a band by its bytes; two documents are candidates when any band's bytes
are equal. Here a band becomes a 64-bit hash with the band number in its top bits, so all
bands of a table sort into one array and one `searchsorted` looks up every band at once.
Equal bands give equal keys; unequal bands collide with probability 2^-(64 - band bits)
(2^-59 for 32 bands): a stray candidate, which verification drops anyway.
"""

from __future__ import annotations

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


def _mix(h: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: every input bit reaches the top bits the table sorts on.
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """uint64[n, bands] keys of signatures uint32[n, num_perm] (or one signature -> [bands])."""
    single = sigs.ndim == 1
    sigs = np.atleast_2d(np.asarray(sigs, dtype=np.uint32))
    n = sigs.shape[0]
    used = sigs[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    h = np.broadcast_to((np.arange(1, bands + 1, dtype=np.uint64) * _GOLDEN), (n, bands)).copy()
    with np.errstate(over="ignore"):
        for r in range(rows):
            h = (h ^ used[:, :, r]) * _FNV
        h = _mix(h)
    bits = band_bits(bands)
    prefix = np.arange(bands, dtype=np.uint64) << np.uint64(64 - bits)
    keys = prefix | (h >> np.uint64(bits))
    return keys[0] if single else keys


def band_starts(bands: int) -> np.ndarray:
    """uint64[bands]: the smallest key of each band (band b ends where b + 1 starts)."""
    return np.arange(bands, dtype=np.uint64) << np.uint64(64 - band_bits(bands))
