"""Convert an index in the previous format (state.npz: every array loaded at open, the
datasketch LSH rebuilt from signatures) into one segment of the current format."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from dedup.bands import band_keys
from dedup.manifest import STATE
from dedup.postings import Postings
from dedup.segment import Segment, write_segment

if TYPE_CHECKING:
    from dedup.index import DedupIndex

log = logging.getLogger(__name__)

_ROWS = 65536  # signatures banded at a time


def convert_state_npz(index: DedupIndex) -> None:
    """Read state.npz once, write its documents as a segment and publish it (the old file
    is removed only after the new manifest is in place, so a kill here loses nothing)."""
    p = index.params
    with np.load(index.dir / STATE, allow_pickle=False) as z:
        keys = z["keys"].tolist()
        sigs = z["sigs"]
        exact = [e.decode() for e in z["exact"].tolist()]
        postings = Postings(
            z["clause_digests"], z["clause_df"], z["clause_offsets"], z["clause_ids"]
        )
        rows = np.empty((len(keys), p.bands), np.uint64)
        for lo in range(0, len(keys), _ROWS):
            rows[lo : lo + _ROWS] = band_keys(sigs[lo : lo + _ROWS], p.bands, p.rows)
    log.warning(
        "dedup index %s: converting %d documents from the previous format (once)",
        index.dir,
        len(keys),
    )
    path = index._new_segment_path()
    write_segment(path, keys, rows, exact, postings)
    index._segments.append(Segment(path, 0))
    index.save()
