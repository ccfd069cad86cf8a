"""Clause postings: clause digest -> document ids (capped) and document frequency.

A frozen base in sorted numpy arrays (what the index file holds, loaded without Python
objects per entry) plus a dict of additions since it was loaded, merged on save.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

# Document ids kept per clause: past this the clause is boilerplate and only counted.
MAX_POSTING = 64


class Postings:
    """digest -> (df, first MAX_POSTING doc ids); doc ids are the index's integer ids."""

    def __init__(
        self,
        digests: np.ndarray | None = None,
        df: np.ndarray | None = None,
        offsets: np.ndarray | None = None,
        ids: np.ndarray | None = None,
    ) -> None:
        self.digests = np.empty(0, np.uint64) if digests is None else digests
        self.df = np.empty(0, np.uint32) if df is None else df
        self.offsets = np.zeros(1, np.int64) if offsets is None else offsets
        self.ids = np.empty(0, np.uint32) if ids is None else ids
        self._new_ids: dict[int, list[int]] = {}
        self._new_df: Counter[int] = Counter()

    def add(self, doc_id: int, digests: Iterable[int]) -> None:
        for digest in set(digests):
            self._new_df[digest] += 1
            posting = self._new_ids.setdefault(digest, [])
            if len(posting) < MAX_POSTING:
                posting.append(doc_id)

    def lookup(self, digests: Iterable[int]) -> dict[int, tuple[int, list[int]]]:
        """For each distinct digest present: (document frequency, doc ids kept)."""
        wanted = np.fromiter(set(digests), dtype=np.uint64)
        out: dict[int, tuple[int, list[int]]] = {}
        if self.digests.size and wanted.size:
            pos = np.searchsorted(self.digests, wanted).clip(max=self.digests.size - 1)
            hit = self.digests[pos] == wanted
            for d, p in zip(wanted[hit].tolist(), pos[hit].tolist(), strict=True):
                lo, hi = int(self.offsets[p]), int(self.offsets[p + 1])
                out[d] = (int(self.df[p]), self.ids[lo:hi].tolist())
        for d in wanted.tolist():
            extra = self._new_ids.get(d)
            if extra is None:
                continue
            df, ids = out.get(d, (0, []))
            room = max(MAX_POSTING - len(ids), 0)
            out[d] = (df + self._new_df[d], ids + extra[:room])
        return out

    def merged(self) -> Postings:
        """A new frozen base holding the base and every addition (on save)."""
        if not self._new_ids:
            return self
        counts = np.diff(self.offsets)
        new_keys = np.fromiter(self._new_ids, dtype=np.uint64, count=len(self._new_ids))
        new_lists = list(self._new_ids.values())
        new_counts = np.fromiter(map(len, new_lists), dtype=np.int64, count=len(new_lists))
        pair_digest = np.concatenate(
            (np.repeat(self.digests, counts), np.repeat(new_keys, new_counts))
        )
        pair_id = np.concatenate(
            (self.ids, np.fromiter((i for ids in new_lists for i in ids), np.uint32))
        )
        # Stable sort keeps base ids (older documents) before new ones within a digest.
        order = np.argsort(pair_digest, kind="stable")
        pair_digest, pair_id = pair_digest[order], pair_id[order]
        digests, starts, sizes = np.unique(pair_digest, return_index=True, return_counts=True)
        rank = np.arange(pair_digest.size) - np.repeat(starts, sizes)
        keep = rank < MAX_POSTING
        kept = np.minimum(sizes, MAX_POSTING)
        offsets = np.concatenate(([0], np.cumsum(kept))).astype(np.int64)
        df = np.zeros(digests.size, np.uint32)
        base_at = np.searchsorted(digests, self.digests)
        df[base_at] += self.df
        new_df = np.fromiter((self._new_df[int(d)] for d in new_keys), np.uint32, new_keys.size)
        np.add.at(df, np.searchsorted(digests, new_keys), new_df)
        return Postings(digests, df, offsets, pair_id[keep].astype(np.uint32))

    def __len__(self) -> int:
        return int(self.digests.size) + sum(1 for d in self._new_ids if not self._in_base(d))

    def _in_base(self, digest: int) -> bool:
        p = int(np.searchsorted(self.digests, np.uint64(digest)))
        return p < self.digests.size and int(self.digests[p]) == digest
