"""Persistent, incremental dedup index that opens in O(1): memory-mapped segments + a delta.

Layout of the index dir:
  meta.json       stamped parameters, written once (ParamsMismatch when they differ)
  manifest.json   the live segments, in id order, and the caller's mark; replaced atomically
                  (dedup.manifest)
  seg-NNNNNNNN/   immutable segments (dedup.segment): keys, LSH band keys, exact digests,
                  clause postings as sorted arrays in raw files, memory-mapped on open

New documents go to an in-memory delta; `save()` writes the delta as a new segment,
merges small tail segments (dedup.merge, logarithmic: each document is rewritten
O(log n) times over its life), then publishes a new manifest by rename. Files a manifest
names are never modified, so a kill at any moment leaves the previous manifest and its
segments intact; unnamed leftovers are removed by the next save. The LSH candidates are
datasketch MinHashLSH's (any equal band), or come from Redis (dedup.redis_lsh).
The previous format (state.npz, everything loaded at open) is converted on first open.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dedup.bands import band_keys
from dedup.delta import Delta
from dedup.manifest import (
    LEGACY_STATE,
    MANIFEST,
    STATE,
    IndexFormatError,
    read_manifest,
    remove_unused,
    seg_dirs,
    stamp_meta,
    write_manifest,
)
from dedup.merge import merge_segments
from dedup.params import DedupParams
from dedup.postings import MAX_POSTING
from dedup.segment import Segment, write_segment

__all__ = ["MAX_POSTING", "DedupIndex", "IndexFormatError"]

log = logging.getLogger(__name__)

SPILL_DOCS = 8192  # delta documents written out as a segment even before save()
MERGE_FACTOR = 3  # a segment is kept while it is >= 3x all the segments after it
REDIS_BATCH = 500  # inserts buffered before one pipeline to Redis


class DedupIndex:
    """Keys, LSH bands, exact digests and clause postings of every indexed document."""

    def __init__(
        self, index_dir: Path, params: DedupParams, storage_config: dict | None = None
    ) -> None:
        self.dir = Path(index_dir)
        self.params = params
        stamp_meta(self.dir, params)
        self._segments: list[Segment] = []
        self._published: list[str] = []
        self._mark: str | None = None
        self._redis = None
        if storage_config is not None and storage_config.get("type") == "redis":
            from dedup.redis_lsh import RedisLSH

            self._redis = RedisLSH(storage_config, params)
        self._pending: list[tuple[str, np.ndarray]] = []  # inserts not yet sent to Redis
        self._next = 1 + max((int(m.group(1)) for m in seg_dirs(self.dir)), default=0)
        self._delta = Delta(params.bands)
        if (self.dir / MANIFEST).exists():
            published = read_manifest(self.dir)
            self._segments, self._published = published.segments, published.names
            self._mark = published.mark
        elif (self.dir / STATE).exists():
            from dedup.migrate import convert_state_npz

            convert_state_npz(self)
        elif (self.dir / LEGACY_STATE).exists():
            log.warning(
                "dedup index %s is in the old pickle format: starting empty, documents are "
                "re-added from the store",
                self.dir,
            )
        if len(self):
            log.info("dedup index %s opened: %d documents", self.dir, len(self))

    # -- size and membership -----------------------------------------------------------
    def __len__(self) -> int:
        return self._base_docs() + len(self._delta)

    def _base_docs(self) -> int:
        return sum(s.n for s in self._segments)

    def __contains__(self, key: str) -> bool:
        if key in self._delta.ids:
            return True
        raw = key.encode("utf-8")
        return any(s.contains(raw) for s in self._segments)

    @property
    def keys(self) -> set[str]:
        """Every key (reads every segment's keys: for tests and rebuilds, not hot paths)."""
        out = set(self._delta.keys)
        for s in self._segments:
            out.update(s.iter_keys())
        return out

    @property
    def mark(self) -> str | None:
        """The caller's note published with the last save (corpus: the store position)."""
        return self._mark

    @property
    def in_redis(self) -> bool:
        return self._redis is not None

    def _key(self, gid: int) -> str:
        base = self._base_docs()
        if gid >= base:
            return self._delta.keys[gid - base]
        for s in self._segments:
            if gid < s.start + s.n:
                return s.key(gid - s.start)
        raise IndexError(gid)

    # -- updates and queries -----------------------------------------------------------
    def add(self, key: str, sig: np.ndarray, exact: str, clause_digests: Iterable[int]) -> None:
        if not self.add_many([key], np.asarray(sig)[None, :], [exact], [clause_digests]):
            log.debug("dedup index: %s already indexed", key)

    def add_many(
        self,
        keys: list[str],
        sigs: np.ndarray,
        exacts: list[str],
        clause_digests: list[Iterable[int]] | None = None,
    ) -> int:
        """`add` for a batch (bulk loads, rebuilds): band keys computed in one pass.
        Returns how many were new."""
        p = self.params
        rows = band_keys(np.asarray(sigs, np.uint32), p.bands, p.rows)
        added = 0
        for i, key in enumerate(keys):
            if key in self:
                continue
            self._delta.add(key, rows[i], exacts[i], clause_digests[i] if clause_digests else ())
            added += 1
            if self._redis is not None:
                self._pending.append((key, np.asarray(sigs[i], np.uint32)))
                if len(self._pending) >= REDIS_BATCH:
                    self._flush_redis()
            if len(self._delta) >= SPILL_DOCS:
                self._spill()
        return added

    def query(self, sig: np.ndarray) -> list[str]:
        """Keys sharing at least one LSH band with `sig` (MinHashLSH.query's candidates)."""
        p = self.params
        qkeys = band_keys(sig, p.bands, p.rows)
        found: set[str] = set()
        if self._redis is not None:
            found |= self._redis.query(sig)  # the shared index; unsent inserts are in the delta
        else:
            for s in self._segments:
                hits = s.band_hits(qkeys)
                found.update(s.key(int(i)) for i in np.unique(hits))
        found.update(self._delta.keys[i] for i in self._delta.band_hits(qkeys))
        return list(found)

    def exact_of(self, digest: str) -> str | None:
        """The oldest indexed document with this exact-copy digest."""
        raw = digest.encode("ascii")
        for s in self._segments:
            local = s.exact_first(raw)
            if local >= 0:
                return s.key(local)
        local = self._delta.first_exact.get(digest)
        return None if local is None else self._delta.keys[local]

    def clause_stats(self, digests: Iterable[int]) -> dict[int, tuple[int, list[str]]]:
        """digest -> (document frequency, keys of up to MAX_POSTING documents holding it)."""
        digests = list(digests)
        out: dict[int, tuple[int, list[str]]] = {}
        parts = [(s.postings, s.key) for s in self._segments]
        parts.append((self._delta.postings, self._delta.keys.__getitem__))
        for postings, key_of in parts:
            for d, (df, ids) in postings.lookup(digests).items():
                before_df, keys = out.get(d, (0, []))
                room = MAX_POSTING - len(keys)
                out[d] = (before_df + df, keys + [key_of(i) for i in ids[: max(room, 0)]])
        return out

    def clause_hits(self, digests: Iterable[int], max_df: int = MAX_POSTING) -> Counter[str]:
        """Existing keys sharing clauses with a document: key -> number of shared clauses,
        counting only clauses held by at most `max_df` documents (others are boilerplate)."""
        hits: Counter[str] = Counter()
        for df, keys in self.clause_stats(digests).values():
            if df <= max_df:
                hits.update(keys)
        return hits

    # -- persistence -------------------------------------------------------------------
    def _new_segment_path(self) -> Path:
        path = self.dir / f"seg-{self._next:08d}"
        self._next += 1
        return path

    def _flush_redis(self) -> None:
        if self._redis is not None and self._pending:
            self._redis.insert_many(self._pending)
            self._pending = []

    def _spill(self) -> None:
        """Write the delta out as a segment (named by no manifest until save())."""
        if not len(self._delta):
            return
        self._flush_redis()
        d = self._delta
        path = self._new_segment_path()
        write_segment(path, d.keys, d.rows[: len(d)], d.exacts, d.postings.merged())
        self._segments.append(Segment(path, self._base_docs()))
        self._delta = Delta(self.params.bands)

    def _compact(self) -> None:
        """Merge the tail segments that break the size invariant (see MERGE_FACTOR)."""
        sizes = [s.n for s in self._segments]
        for k in range(len(sizes) - 1):
            if sizes[k] < MERGE_FACTOR * sum(sizes[k + 1 :]):
                tail = self._segments[k:]
                path = self._new_segment_path()
                merge_segments(tail, path, self.params.bands)
                self._segments[k:] = [Segment(path, tail[0].start)]
                log.debug("dedup index %s: merged %d segments into %s", self.dir, len(tail), path)
                return

    def save(self, mark: str | None = None) -> None:
        """Publish everything added so far (and `mark`, if given) atomically."""
        self._flush_redis()
        self._spill()
        self._compact()
        if mark is not None:
            self._mark = mark
        self._published = write_manifest(self.dir, self.params, self._segments, self._mark)
        remove_unused(self.dir, set(self._published))
        log.debug("dedup index %s saved: %d documents", self.dir, len(self))
