"""Persistent, incremental dedup index: exact hashes, MinHash LSH (datasketch), clause postings.

Files in the index dir: meta.json (stamped parameters, written once) and state.pkl (all
else), each replaced atomically (tmp + os.replace). With `storage_config` the LSH lives in
Redis (datasketch's storage, DESIGN "scale-out") and state.pkl keeps only the rest.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from datasketch import MinHashLSH

from dedup.minhash import to_datasketch
from dedup.params import DedupParams

log = logging.getLogger(__name__)

META = "meta.json"
STATE = "state.pkl"
# A clause repeated by more documents than this is boilerplate or a slogan: stop growing
# its posting list (and ignore it for linking) instead of linking everything to everything.
MAX_POSTING = 64


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DedupIndex:
    """Keys, exact hashes, LSH buckets and clause postings; no texts."""

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
        self.keys: set[str] = set()
        self.exact: dict[str, str] = {}
        self.clauses: dict[int, list[str]] = {}
        self.lsh = self._new_lsh()
        state = self.dir / STATE
        if state.exists():
            with open(state, "rb") as fh:
                saved = pickle.load(fh)
            self.keys, self.exact, self.clauses = saved["keys"], saved["exact"], saved["clauses"]
            if saved.get("lsh") is not None:
                self.lsh = saved["lsh"]
            log.info("dedup index %s opened: %d documents", self.dir, len(self.keys))

    def _new_lsh(self) -> MinHashLSH:
        p = self.params
        config = self._storage_config
        if config is not None and config.get("type") == "redis":
            config = dict(config)
            # One Redis namespace per index directory and parameter set.
            config.setdefault(
                "basename", f"aidcorpus-dedup-{p.num_perm}-{p.bands}x{p.rows}".encode()
            )
        return MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows), storage_config=config)

    def add(self, key: str, sig: np.ndarray, exact: str, clause_digests: Iterable[int]) -> None:
        if key in self.keys:
            log.debug("dedup index: %s already indexed", key)
            return
        self.keys.add(key)
        self.exact.setdefault(exact, key)
        self.lsh.insert(key, to_datasketch(sig, self.params.seed), check_duplication=False)
        for digest in set(clause_digests):
            posting = self.clauses.setdefault(digest, [])
            if len(posting) <= MAX_POSTING:
                posting.append(key)

    def query(self, sig: np.ndarray) -> list[str]:
        if not self.keys:
            return []
        return list(self.lsh.query(to_datasketch(sig, self.params.seed)))

    def clause_hits(self, digests: Iterable[int]) -> Counter[str]:
        """Existing keys sharing clauses with a document: key -> number of shared clauses."""
        hits: Counter[str] = Counter()
        for digest in set(digests):
            posting = self.clauses.get(digest)
            if posting and len(posting) <= MAX_POSTING:
                hits.update(posting)
        return hits

    def save(self) -> None:
        in_redis = self._storage_config is not None and self._storage_config.get("type") == "redis"
        state = {
            "keys": self.keys,
            "exact": self.exact,
            "clauses": self.clauses,
            "lsh": None if in_redis else self.lsh,
        }
        _atomic_write(self.dir / STATE, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        log.debug("dedup index %s saved: %d documents", self.dir, len(self.keys))
