"""One immutable index segment: sorted numpy arrays in raw files, memory-mapped on open.

A segment holds a run of documents with consecutive ids (local id 0..n-1): their keys,
LSH band keys (dedup.bands), exact-copy digests and clause postings. Opening maps the
files and reads nothing else, so it costs the same at a thousand documents or ten
million; lookups are binary searches that touch a few pages each. Files are written and
fsynced before `seg.json`, and a segment is only used once a manifest names it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from dedup.postings import Postings

SEG_META = "seg.json"
FORMAT = 1
# A band lookup searches the fence (small, stays cached), then one window of 2 x FENCE
# keys: a page or two of the band file instead of ~20 pages of a binary search over it.
FENCE = 64

# file name -> dtype (None: fixed-width bytes, width in seg.json)
FILES: dict[str, str | None] = {
    "keys": None,  # document keys in id order
    "keyorder": "<u4",  # local ids sorted by key
    "bands": "<u8",  # every band key of every document, sorted
    "bandids": "<u4",  # local id of each band key
    "bandfence": "<u8",  # every FENCE-th band key: the top level of the band search
    "exact": None,  # distinct exact-copy digests, sorted
    "exactids": "<u4",  # first (oldest) local id holding each digest
    "cdig": "<u8",  # clause digests, sorted
    "cdf": "<u4",  # documents holding each clause (all, not only those kept)
    "coff": "<i8",  # postings offsets into cids (len = clauses + 1)
    "cids": "<u4",  # local ids holding each clause, oldest first, capped
}


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArrayWriter:
    """Append arrays to one raw file; fsynced on close (written in chunks by merges)."""

    def __init__(self, path: Path, dtype: str) -> None:
        self.dtype = np.dtype(dtype)
        self.count = 0
        self._fh = open(path, "wb")  # closed in close()

    def write(self, arr: np.ndarray) -> None:
        arr = np.ascontiguousarray(arr, dtype=self.dtype)
        self._fh.write(arr.tobytes())  # tobytes: memmap slices, any size
        self.count += arr.size

    def close(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()


def finish_segment(path: Path, meta: dict[str, int]) -> None:
    """Write seg.json last: a segment without it was never finished."""
    data = json.dumps({"format": FORMAT, **meta}, indent=1).encode()
    with open(path / SEG_META, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(path)


def write_segment(
    path: Path,
    keys: list[str],
    band_rows: np.ndarray,
    exacts: list[str],
    postings: Postings,
) -> None:
    """A segment of `len(keys)` new documents (band_rows: uint64[n, bands])."""
    path.mkdir(parents=True)
    n = len(keys)
    key_arr = np.array([k.encode("utf-8") for k in keys], dtype="S") if n else np.empty(0, "S1")
    flat = np.ascontiguousarray(band_rows.T).ravel()  # band-major: doc = index % n
    border = np.argsort(flat, kind="stable")
    ex = np.array([e.encode("ascii") for e in exacts], dtype="S") if n else np.empty(0, "S1")
    eorder = np.argsort(ex, kind="stable")  # stable: the oldest document first per digest
    edig, first = np.unique(ex[eorder], return_index=True)
    arrays = {
        "keys": key_arr,
        "keyorder": np.argsort(key_arr, kind="stable"),
        "bands": flat[border],
        "bandids": border % max(n, 1),
        "bandfence": flat[border][::FENCE],
        "exact": edig,
        "exactids": eorder[first],
        "cdig": postings.digests,
        "cdf": postings.df,
        "coff": postings.offsets,
        "cids": postings.ids,
    }
    for name, arr in arrays.items():
        writer = ArrayWriter(path / f"{name}.bin", FILES[name] or arr.dtype.str)
        writer.write(arr)
        writer.close()
    finish_segment(
        path,
        {
            "docs": n,
            "key_width": key_arr.dtype.itemsize,
            "exact_width": edig.dtype.itemsize,
            "exacts": int(edig.size),
            "bands": int(band_rows.shape[1]) if band_rows.ndim == 2 else 0,
            "clauses": int(postings.digests.size),
            "postings": int(postings.ids.size),
        },
    )


def _map(path: Path, dtype: str, count: int) -> np.ndarray:
    if count == 0:
        return np.empty(0, dtype)
    # A plain ndarray view of the map: np.memmap's Python-level indexing costs more than
    # the lookups themselves.
    return np.memmap(path, dtype=dtype, mode="r", shape=(count,)).view(np.ndarray)


class Segment:
    """A finished segment, memory-mapped; `start` is the global id of its document 0."""

    def __init__(self, path: Path, start: int) -> None:
        self.path = path
        self.start = start
        meta = json.loads((path / SEG_META).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"segment {path} has format {meta.get('format')}, not {FORMAT}")
        self.meta = meta
        self.n = int(meta["docs"])
        counts = {
            "keys": self.n,
            "keyorder": self.n,
            "bands": self.n * int(meta["bands"]),
            "bandids": self.n * int(meta["bands"]),
            "bandfence": -(-self.n * int(meta["bands"]) // FENCE),
            "exact": int(meta["exacts"]),
            "exactids": int(meta["exacts"]),
            "cdig": int(meta["clauses"]),
            "cdf": int(meta["clauses"]),
            "coff": int(meta["clauses"]) + 1,
            "cids": int(meta["postings"]),
        }
        widths = {"keys": f"S{meta['key_width']}", "exact": f"S{meta['exact_width']}"}
        arrays = {
            name: _map(path / f"{name}.bin", dtype or widths[name], counts[name])
            for name, dtype in FILES.items()
        }
        if arrays["coff"].size == 0:
            arrays["coff"] = np.zeros(1, np.int64)
        self.keys = arrays["keys"]
        self.keyorder = arrays["keyorder"]
        self.bands = arrays["bands"]
        self.bandids = arrays["bandids"]
        self.fence = arrays["bandfence"]
        self.exact = arrays["exact"]
        self.exactids = arrays["exactids"]
        self.postings = Postings(arrays["cdig"], arrays["cdf"], arrays["coff"], arrays["cids"])

    @property
    def name(self) -> str:
        return self.path.name

    def key(self, local: int) -> str:
        return bytes(self.keys[local]).decode("utf-8")

    def iter_keys(self) -> Iterator[str]:
        for raw in self.keys.tolist():
            yield raw.decode("utf-8")

    def contains(self, key: bytes) -> bool:
        if self.n == 0 or len(key) > self.keys.dtype.itemsize:
            return False
        needle = np.array(key, dtype=self.keys.dtype)
        pos = int(np.searchsorted(self.keys, needle, sorter=self.keyorder))
        return pos < self.n and self.keys[self.keyorder[pos]] == needle

    def band_hits(self, qkeys: np.ndarray) -> np.ndarray:
        """Local ids sharing any of the band keys `qkeys` (one per band), with repeats."""
        size = self.bands.size
        if size == 0:
            return np.empty(0, np.uint32)
        # fence[blk - 1] < q, so the run of q starts inside the window opened there.
        blk = np.searchsorted(self.fence, qkeys, side="left")
        width = min(2 * FENCE, size)
        start = np.minimum(np.maximum(blk - 1, 0) * FENCE, size - width)
        windows = np.lib.stride_tricks.sliding_window_view(self.bands, width)[start]
        rows, cols = np.nonzero(windows == qkeys[:, None])
        hits = [self.bandids[start[rows] + cols]]
        # A run reaching the window's end (a bucket of over FENCE documents) continues.
        for b in np.flatnonzero(windows[:, -1] == qkeys).tolist():
            lo = int(start[b]) + width
            hi = int(np.searchsorted(self.bands, qkeys[b], side="right"))
            hits.append(self.bandids[lo:hi])
        return np.concatenate(hits)

    def exact_first(self, digest: bytes) -> int:
        """Local id of the oldest document with this exact digest, or -1."""
        if self.exact.size == 0 or len(digest) > self.exact.dtype.itemsize:
            return -1
        needle = np.array(digest, dtype=self.exact.dtype)
        pos = int(np.searchsorted(self.exact, needle))
        if pos < self.exact.size and self.exact[pos] == needle:
            return int(self.exactids[pos])
        return -1
