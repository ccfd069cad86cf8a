from __future__ import annotations

import pickle
import random

import numpy as np
from datasketch import MinHashLSH

from dedup.engine import Deduper
from dedup.index import DedupIndex
from dedup.lshload import fill_lsh
from dedup.minhash import to_datasketch
from dedup.params import DedupParams
from dedup.passages import split_clauses
from dedup.postings import MAX_POSTING, Postings
from dedup.shingles import hash_view


def _sigs(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**32, (n, 128), dtype=np.uint32)


def test_fill_lsh_builds_the_same_tables_as_insert() -> None:
    p = DedupParams()
    sigs = _sigs(300)
    keys = [f"k{i}" for i in range(300)]
    inserted = MinHashLSH(num_perm=128, params=(p.bands, p.rows))
    for key, sig in zip(keys, sigs, strict=True):
        inserted.insert(key, to_datasketch(sig, p.seed))
    filled = MinHashLSH(num_perm=128, params=(p.bands, p.rows))
    fill_lsh(filled, keys, sigs, p)
    for a, b in zip(inserted.hashtables, filled.hashtables, strict=True):
        assert dict(a._dict) == dict(b._dict)
    assert dict(inserted.keys._dict) == dict(filled.keys._dict)
    near = sigs[7].copy()
    near[:64] = 0  # half the bands still agree with k7
    assert filled.query(to_datasketch(near, p.seed)) == ["k7"]


def test_postings_merge_keeps_df_and_caps_ids() -> None:
    rng = random.Random(4)
    truth: dict[int, list[int]] = {}
    postings = Postings()
    for doc in range(400):
        digests = {rng.randrange(50) for _ in range(5)} | {10**12}  # one boilerplate clause
        for d in digests:
            truth.setdefault(d, []).append(doc)
        postings.add(doc, digests)
        if doc in (120, 250):  # merged twice, as saves would
            postings = postings.merged()
    looked = postings.lookup(truth)
    for digest, docs in truth.items():
        df, ids = looked[digest]
        assert df == len(docs)
        assert ids == docs[:MAX_POSTING]  # the oldest documents are kept
    assert postings.lookup([999]) == {}


def test_index_file_roundtrip(tmp_path) -> None:
    p = DedupParams()
    index = DedupIndex(tmp_path, p)
    sigs = _sigs(50, 1)
    for i, sig in enumerate(sigs):
        index.add(f"d{i}", sig, f"{i:032x}", [i, i + 1, 10**9])
    index.save(mark="store@50")
    again = DedupIndex(tmp_path, p)
    assert again.keys == {f"d{i}" for i in range(50)} and len(again) == 50
    assert "d7" in again and "d50" not in again
    assert again.mark == "store@50"
    assert again.exact_of(f"{3:032x}") == "d3"
    assert again.exact_of(f"{99:032x}") is None
    assert again.query(sigs[3]) == ["d3"]
    stats = again.clause_stats([5, 10**9])
    assert stats[5] == (2, ["d4", "d5"])
    assert stats[10**9][0] == 50
    assert again.clause_hits([5, 10**9], max_df=20) == {"d4": 1, "d5": 1}


def test_old_pickle_index_is_ignored_and_replaced(tmp_path, store, seeds) -> None:
    (tmp_path / "state.pkl").write_bytes(pickle.dumps({"keys": {"old"}}))
    again = Deduper(tmp_path, lookup=store.lookup)
    assert again.keys() == set()  # the store re-adds what it has (corpus.dedupe)
    store.put("a", seeds["003"])
    again.add("a", seeds["003"])
    again.save()
    assert not (tmp_path / "state.pkl").exists()
    assert Deduper(tmp_path, lookup=store.lookup).keys() == {"a"}


def test_clause_views_join_into_the_hash_view(seeds) -> None:
    # The engine builds the document's hash view from its clause views in one OpenCC call.
    for text in seeds.values():
        assert "".join(c.view for c in split_clauses(text, 1)) == hash_view(text)


def test_boilerplate_clauses_neither_link_nor_make_candidates(tmp_path, store) -> None:
    params = DedupParams(max_clause_df=3)
    d = Deduper(tmp_path, params, store.lookup)
    slogan = "为深入贯彻党的二十大精神，全面落实新时代党的治疆方略，"
    rng = random.Random(8)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    for i in range(5):
        text = slogan + "".join(rng.choices(han, k=120)) + "。"
        v = d.check(f"k{i}", text)
        assert v.match is None
        if i <= params.max_clause_df:
            assert [ln.other for ln in v.links] == [f"k{j}" for j in range(i)]
        else:  # the slogan is now in more than 3 documents: it links nothing
            assert v.links == ()
        store.put(f"k{i}", text)
        d.add(f"k{i}", text, verdict=v)
