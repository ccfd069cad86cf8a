"""Rebuild a datasketch MinHashLSH from stored signatures fast, and stamp Redis namespaces.

Band keys are cut from one byte-swapped signature buffer (datasketch's own `_byteswap`
layout), so no LeanMinHash object is made per document; other storages use insert().
"""

from __future__ import annotations

import gc
import json
import logging

import numpy as np
from datasketch import MinHashLSH
from datasketch.storage import DictListStorage, DictSetStorage

from dedup.minhash import to_datasketch
from dedup.params import DedupParams

log = logging.getLogger(__name__)


def fill_lsh(lsh: MinHashLSH, keys: list[str], sigs: np.ndarray, params: DedupParams) -> None:
    """Insert every (key, signature) row into an empty in-memory `lsh`."""
    if not keys:
        return
    tables = lsh.hashtables
    direct = isinstance(lsh.keys, DictListStorage) and all(
        isinstance(t, DictSetStorage) for t in tables
    )
    if not direct or lsh.hashfunc is not None or lsh.prepickle:
        for key, sig in zip(keys, sigs, strict=True):
            lsh.insert(key, to_datasketch(sig, params.seed), check_duplication=False)
        return
    # datasketch hashes a band as bytes(hashvalues[start:end].byteswap().data).
    width = params.rows * sigs.dtype.itemsize
    used = np.ascontiguousarray(sigs[:, : params.bands * params.rows]).byteswap()
    blob = used.tobytes()
    stride = used.shape[1] * sigs.dtype.itemsize
    key_store = lsh.keys._dict
    bucket_dicts = [t._dict for t in tables]
    cuts = [(b * width, (b + 1) * width) for b in range(params.bands)]
    # Millions of new sets and lists: the cyclic GC would rescan them over and over.
    enabled = gc.isenabled()
    gc.disable()
    try:
        for row, key in enumerate(keys):
            base = row * stride
            bands = [blob[base + lo : base + hi] for lo, hi in cuts]
            key_store[key] = bands
            for band, buckets in zip(bands, bucket_dicts, strict=True):
                found = buckets.get(band)
                if found is None:
                    buckets[band] = {key}
                else:
                    found.add(key)
    finally:
        if enabled:
            gc.enable()


def _stamp_key(config: dict) -> bytes:
    return bytes(config["basename"]) + b"_aidcorpus_stamp"


def redis_stamp_check(config: dict, params: DedupParams, where: str) -> None:
    """Write our stamp into a new Redis namespace, or refuse one stamped otherwise."""
    import redis  # the `redis` extra: only needed for the Redis storage

    client = redis.Redis(**config.get("redis", {}))
    key = _stamp_key(config)
    mine = json.dumps(params.stamp(), sort_keys=True)
    if client.set(key, mine, nx=True):
        log.info("dedup: stamped new Redis LSH namespace %s", where)
        return
    stored = client.get(key)
    params.check_stamp(json.loads(stored), where)
