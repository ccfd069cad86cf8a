"""MinHash LSH in Redis, in datasketch's own key layout, with pipelined inserts and queries.

datasketch's Redis storage sends one round trip per band and per command: 32 for a query,
66 for an insert. Here a batch of inserts is one pipeline, and a query is one pipeline of
its band lookups, so a shared index keeps up with ingest. The keys are datasketch's
(`<basename>_bucket_<band>` hashes and sets, `<basename>_keys`), so a datasketch
MinHashLSH opened on the same basename sees the same index (tests/dedup/test_redis.py).
"""

from __future__ import annotations

import io
import json
import logging
import pickle
import struct
from collections.abc import Iterable, Sequence

import numpy as np

from dedup.params import DedupParams

log = logging.getLogger(__name__)

DEFAULT_BASENAME = b"aidcorpus-dedup"
_CHUNK = 200  # documents per pipeline round trip (about 13,000 commands for 32 bands)


class _StringsOnly(pickle.Unpickler):
    """Keys are pickled strings (datasketch's prepickle): refuse anything that imports."""

    def find_class(self, module: str, name: str) -> object:
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the Redis LSH")


def _unpickle(raw: bytes) -> str:
    return _StringsOnly(io.BytesIO(raw)).load()


def _stamp_key(basename: bytes) -> bytes:
    return basename + b"_aidcorpus_stamp"


class RedisLSH:
    """Band tables of MinHashLSH(storage_config={"type": "redis", ...}), batched."""

    def __init__(self, config: dict, params: DedupParams) -> None:
        import redis  # the `redis` extra: only needed for the Redis storage

        self.params = params
        self.basename = bytes(config.get("basename", DEFAULT_BASENAME))
        self.client = redis.Redis(**config.get("redis", {}))
        self._tables = [
            self.basename + b"_bucket_" + struct.pack(">H", i) for i in range(params.bands)
        ]
        self._keys = self.basename + b"_keys"
        self._check_stamp()

    def _check_stamp(self) -> None:
        """Write our stamp into a new namespace, or refuse one stamped otherwise."""
        where = f"redis basename {self.basename!r}"
        mine = json.dumps(self.params.stamp(), sort_keys=True)
        if self.client.set(_stamp_key(self.basename), mine, nx=True):
            log.info("dedup: stamped new Redis LSH namespace %s", where)
            return
        self.params.check_stamp(json.loads(self.client.get(_stamp_key(self.basename))), where)

    def _band_bytes(self, sig: np.ndarray) -> list[bytes]:
        # datasketch: bytes(hashvalues[start:end].byteswap().data), hashvalues uint32 here.
        r = self.params.rows
        swapped = np.ascontiguousarray(sig[: self.params.bands * r], dtype=np.uint32).byteswap()
        blob = swapped.tobytes()
        width = 4 * r
        return [blob[i * width : (i + 1) * width] for i in range(self.params.bands)]

    def insert_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        """Insert (key, signature) pairs; idempotent, so a retried batch does no harm."""
        for lo in range(0, len(items), _CHUNK):
            pipe = self.client.pipeline(transaction=False)
            for key, sig in items[lo : lo + _CHUNK]:
                pk = pickle.dumps(key)  # datasketch's prepickle for Redis keys
                hs = self._band_bytes(sig)
                list_key = self._keys + pk
                pipe.hset(self._keys, pk, list_key)
                pipe.delete(list_key)  # datasketch appends; a re-insert must not double it
                pipe.rpush(list_key, *hs)
                for table, h in zip(self._tables, hs, strict=True):
                    pipe.hset(table, h, table + h)
                    pipe.sadd(table + h, pk)
            pipe.execute()

    def query_many(self, sigs: Iterable[np.ndarray]) -> list[set[str]]:
        """Candidate keys of each signature, all band lookups in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        count = 0
        for sig in sigs:
            count += 1
            for table, h in zip(self._tables, self._band_bytes(sig), strict=True):
                pipe.smembers(table + h)
        replies = pipe.execute() if count else []
        bands = self.params.bands
        out = []
        for q in range(count):
            found: set[str] = set()
            for members in replies[q * bands : (q + 1) * bands]:
                found.update(_unpickle(m) for m in members)
            out.append(found)
        return out

    def query(self, sig: np.ndarray) -> set[str]:
        return self.query_many([sig])[0]
