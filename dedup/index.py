"""Persistent, incremental dedup index: exact hashes, MinHash LSH (datasketch), clause postings.

Files in the index dir: meta.json (stamped parameters, written once) and state.npz (keys,
signatures, exact digests, clause postings as numpy arrays), replaced atomically. The
datasketch MinHashLSH is rebuilt from the signatures on open, or lives in Redis
(`storage_config`, DESIGN "scale-out"). An old state.pkl is ignored: the store re-adds.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from datasketch import MinHashLSH

from dedup.lshload import fill_lsh, redis_stamp_check
from dedup.minhash import to_datasketch
from dedup.params import DedupParams
from dedup.postings import MAX_POSTING, Postings

__all__ = ["MAX_POSTING", "DedupIndex"]

log = logging.getLogger(__name__)

META = "meta.json"
STATE = "state.npz"
LEGACY_STATE = "state.pkl"


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DedupIndex:
    """Keys, signatures, exact hashes, LSH buckets and clause postings; no texts."""

    def __init__(
        self, index_dir: Path, params: DedupParams, storage_config: dict | None = None
    ) -> None:
        self.dir = Path(index_dir)
        self.params = params
        self._storage_config = storage_config
        meta = self.dir / META
        if meta.exists():
            stamp = json.loads(meta.read_text(encoding="utf-8"))
            params.check_stamp(stamp, str(self.dir))
        else:
            self.dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(meta, json.dumps(params.stamp(), indent=1).encode())
        self.key_list: list[str] = []
        self.ids: dict[str, int] = {}
        self.exact: dict[str, str] = {}
        self.postings = Postings()
        self._sigs = np.empty((0, params.num_perm), np.uint32)
        self._new_sigs: list[np.ndarray] = []
        self._exact_by_id: list[str] = []
        self.lsh = self._new_lsh()
        if (self.dir / STATE).exists():
            self._load()
        elif (self.dir / LEGACY_STATE).exists():
            self._ignore_legacy()
        if self.key_list:
            log.info("dedup index %s opened: %d documents", self.dir, len(self.key_list))

    @property
    def in_redis(self) -> bool:
        return self._storage_config is not None and self._storage_config.get("type") == "redis"

    @property
    def keys(self) -> set[str]:
        return set(self.ids)

    def _new_lsh(self) -> MinHashLSH:
        p = self.params
        config = self._storage_config
        if self.in_redis:
            config = dict(config)
            config.setdefault("basename", b"aidcorpus-dedup")
            # The Redis namespace carries its own stamp: refuse it with other parameters.
            redis_stamp_check(config, p, f"redis basename {config['basename']!r}")
        return MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows), storage_config=config)

    # -- updates and queries ----------------------------------------------------------
    def add(self, key: str, sig: np.ndarray, exact: str, clause_digests: Iterable[int]) -> None:
        if key in self.ids:
            log.debug("dedup index: %s already indexed", key)
            return
        doc_id = len(self.key_list)
        self.key_list.append(key)
        self.ids[key] = doc_id
        self.exact.setdefault(exact, key)
        self._new_sigs.append(np.asarray(sig, np.uint32))
        self._exact_by_id.append(exact)
        self.lsh.insert(key, to_datasketch(sig, self.params.seed), check_duplication=False)
        self.postings.add(doc_id, clause_digests)

    def query(self, sig: np.ndarray) -> list[str]:
        if not self.key_list and not self.in_redis:
            return []
        return list(self.lsh.query(to_datasketch(sig, self.params.seed)))

    def clause_stats(self, digests: Iterable[int]) -> dict[int, tuple[int, list[str]]]:
        """digest -> (document frequency, keys of up to MAX_POSTING documents holding it)."""
        keys = self.key_list
        return {
            d: (df, [keys[i] for i in ids])
            for d, (df, ids) in self.postings.lookup(digests).items()
        }

    def clause_hits(self, digests: Iterable[int], max_df: int = MAX_POSTING) -> Counter[str]:
        """Existing keys sharing clauses with a document: key -> number of shared clauses,
        counting only clauses held by at most `max_df` documents (others are boilerplate)."""
        hits: Counter[str] = Counter()
        for df, keys in self.clause_stats(digests).values():
            if df <= max_df:
                hits.update(keys)
        return hits

    # -- persistence -----------------------------------------------------------------
    def signatures(self) -> np.ndarray:
        if self._new_sigs:
            self._sigs = np.vstack([self._sigs, *self._new_sigs])
            self._new_sigs = []
        return self._sigs

    def save(self) -> None:
        sigs = self.signatures()
        self.postings = self.postings.merged()
        exact_of = np.array(self._exact_by_id, dtype="S32")
        p = self.postings
        buf = io.BytesIO()
        np.savez(
            buf,
            keys=np.array(self.key_list, dtype=str),
            sigs=sigs,
            exact=exact_of,
            clause_digests=p.digests,
            clause_df=p.df,
            clause_offsets=p.offsets,
            clause_ids=p.ids,
        )
        _atomic_write(self.dir / STATE, buf.getvalue())
        legacy = self.dir / LEGACY_STATE
        if legacy.exists():
            legacy.unlink()
        log.debug("dedup index %s saved: %d documents", self.dir, len(self.key_list))

    def _load(self) -> None:
        with np.load(self.dir / STATE, allow_pickle=False) as z:
            self.key_list = z["keys"].tolist()
            self._sigs = z["sigs"].astype(np.uint32, copy=False)
            exact = [e.decode() for e in z["exact"].tolist()]
            self.postings = Postings(
                z["clause_digests"], z["clause_df"], z["clause_offsets"], z["clause_ids"]
            )
        self.ids = {k: i for i, k in enumerate(self.key_list)}
        self._exact_by_id = exact
        for digest, key in zip(exact, self.key_list, strict=True):
            self.exact.setdefault(digest, key)
        if not self.in_redis:
            fill_lsh(self.lsh, self.key_list, self._sigs, self.params)

    def _ignore_legacy(self) -> None:
        # Old state.pkl files hold no signatures: the index starts empty and the store (the
        # truth) re-adds every document, as after a crash (INTERFACES "dedup").
        log.warning(
            "dedup index %s is in the old pickle format: starting empty, documents are re-added",
            self.dir,
        )
