"""Merge adjacent segments into one, streaming: one band (or clause-digest range) at a time.

The inputs are sorted runs; each slice is concatenated in segment order and stably sorted
(numpy's stable sort merges runs), so older documents stay first wherever order matters
(exact copies, capped postings). Peak memory is one band of the output, not the index.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from dedup.bands import band_starts
from dedup.postings import MAX_POSTING
from dedup.segment import FENCE, ArrayWriter, Segment, finish_segment

_DIGEST_CHUNKS = 256  # clause digests are merged in ranges of their top 8 bits


def _ranges(arr: np.ndarray, starts: np.ndarray) -> list[tuple[int, int]]:
    """[lo, hi) of `arr` (sorted) for each range beginning at starts[i]."""
    cuts = [*np.searchsorted(arr, starts, side="left").tolist(), int(arr.size)]
    return list(itertools.pairwise(cuts))


def merge_segments(segments: list[Segment], out: Path, bands: int) -> None:
    """Write one segment holding `segments` (consecutive, oldest first) to `out`."""
    out.mkdir(parents=True)
    base = segments[0].start
    offsets = [s.start - base for s in segments]
    total = sum(s.n for s in segments)

    width = max(s.keys.dtype.itemsize for s in segments)
    keys = np.concatenate([np.asarray(s.keys, dtype=f"S{width}") for s in segments])
    _write(out / "keys.bin", keys, f"S{width}")
    _write(out / "keyorder.bin", np.argsort(keys, kind="stable"), "<u4")
    del keys

    bw, iw = ArrayWriter(out / "bands.bin", "<u8"), ArrayWriter(out / "bandids.bin", "<u4")
    fw = ArrayWriter(out / "bandfence.bin", "<u8")
    starts = band_starts(bands)
    spans = [_ranges(s.bands, starts) for s in segments]
    for b in range(bands):
        vals = np.concatenate(
            [s.bands[sp[b][0] : sp[b][1]] for s, sp in zip(segments, spans, strict=True)]
        )
        ids = np.concatenate(
            [
                s.bandids[sp[b][0] : sp[b][1]].astype(np.uint32) + np.uint32(off)
                for s, sp, off in zip(segments, spans, offsets, strict=True)
            ]
        )
        order = np.argsort(vals, kind="stable")
        vals = vals[order]
        fw.write(vals[(-bw.count) % FENCE :: FENCE])  # every FENCE-th of the whole file
        bw.write(vals)
        iw.write(ids[order])
    for w in (bw, iw, fw):
        w.close()

    ewidth = max(s.exact.dtype.itemsize for s in segments)
    edig = np.concatenate([np.asarray(s.exact, dtype=f"S{ewidth}") for s in segments])
    eids = np.concatenate(
        [
            s.exactids.astype(np.uint32) + np.uint32(off)
            for s, off in zip(segments, offsets, strict=True)
        ]
    )
    order = np.argsort(edig, kind="stable")  # per digest, the oldest segment first
    edig, first = np.unique(edig[order], return_index=True)
    _write(out / "exact.bin", edig, f"S{ewidth}")
    _write(out / "exactids.bin", eids[order][first], "<u4")
    del eids, order

    clauses, postings = _merge_postings(segments, offsets, out)
    finish_segment(
        out,
        {
            "docs": total,
            "key_width": width,
            "exact_width": ewidth,
            "exacts": int(edig.size),
            "bands": bands,
            "clauses": clauses,
            "postings": postings,
        },
    )


def _write(path: Path, arr: np.ndarray, dtype: str) -> None:
    writer = ArrayWriter(path, dtype)
    writer.write(arr)
    writer.close()


def _merge_postings(segments: list[Segment], offsets: list[int], out: Path) -> tuple[int, int]:
    dw, fw = ArrayWriter(out / "cdig.bin", "<u8"), ArrayWriter(out / "cdf.bin", "<u4")
    ow, iw = ArrayWriter(out / "coff.bin", "<i8"), ArrayWriter(out / "cids.bin", "<u4")
    ow.write(np.zeros(1, np.int64))
    starts = np.arange(_DIGEST_CHUNKS, dtype=np.uint64) << np.uint64(56)
    spans = [_ranges(s.postings.digests, starts) for s in segments]
    written = 0
    for c in range(_DIGEST_CHUNKS):
        digs, dfs, pair_dig, pair_id = [], [], [], []
        for s, sp, off in zip(segments, spans, offsets, strict=True):
            lo, hi = sp[c]
            if hi == lo:
                continue
            p = s.postings
            d = np.asarray(p.digests[lo:hi])
            o = np.asarray(p.offsets[lo : hi + 1])
            digs.append(d)
            dfs.append(np.asarray(p.df[lo:hi], dtype=np.uint32))
            pair_dig.append(np.repeat(d, np.diff(o)))
            pair_id.append(p.ids[o[0] : o[-1]].astype(np.uint32) + np.uint32(off))
        if not digs:
            continue
        pd, pi = np.concatenate(pair_dig), np.concatenate(pair_id)
        order = np.argsort(pd, kind="stable")  # older segments' ids first per digest
        pd, pi = pd[order], pi[order]
        uniq = np.unique(np.concatenate(digs))
        df = np.zeros(uniq.size, np.uint32)
        for d, f in zip(digs, dfs, strict=True):
            np.add.at(df, np.searchsorted(uniq, d), f)
        first = np.searchsorted(pd, uniq, side="left")
        sizes = np.searchsorted(pd, uniq, side="right") - first
        rank = np.arange(pd.size) - np.repeat(first, sizes)
        kept = np.minimum(sizes, MAX_POSTING)
        dw.write(uniq)
        fw.write(df)
        ow.write(written + np.cumsum(kept))
        iw.write(pi[rank < MAX_POSTING])
        written += int(kept.sum())
    clauses = dw.count
    for w in (dw, fw, ow, iw):
        w.close()
    return clauses, written
