"""The documents added since the last segment was written: small, in memory, searched by scan.

At most SPILL_DOCS documents (dedup.index): a vectorised comparison of their band keys
costs less than keeping a hash table per band for them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from dedup.postings import Postings


class Delta:
    """Keys, band keys, exact digests and clause postings, by local id (insertion order)."""

    def __init__(self, bands: int) -> None:
        self.keys: list[str] = []
        self.ids: dict[str, int] = {}
        self.exacts: list[str] = []
        self.first_exact: dict[str, int] = {}
        self.rows = np.empty((64, bands), np.uint64)
        self.postings = Postings()

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, row: np.ndarray, exact: str, digests: Iterable[int]) -> None:
        i = len(self.keys)
        if i == self.rows.shape[0]:
            grown = np.empty((2 * i, self.rows.shape[1]), np.uint64)
            grown[:i] = self.rows
            self.rows = grown
        self.rows[i] = row
        self.keys.append(key)
        self.ids[key] = i
        self.exacts.append(exact)
        self.first_exact.setdefault(exact, i)
        self.postings.add(i, digests)

    def band_hits(self, qkeys: np.ndarray) -> list[int]:
        """Local ids of documents sharing any band key with `qkeys` (one per band)."""
        n = len(self.keys)
        if n == 0:
            return []
        return np.flatnonzero((self.rows[:n] == qkeys).any(axis=1)).tolist()
