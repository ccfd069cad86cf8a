from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash, MinHashLSH

from dedup.minhash import estimate_jaccard, signature, to_datasketch, view_signatures
from dedup.shingles import hash_view, shingle_hash, shingle_hashes, shingles

TEXT = (
    "教育援疆是一项重要民生工程。据统计，2020年以来，山西安排资金2亿元，实施项目29个，"
    "特别是新建4所高标准现代化学校；全额投资8000万元建成晋阜小学，彻底解决周边1600余名"
    "孩子上学远、上学难问题。新疆地域辽阔，医疗资源分布不均，如何为民众提供更好的医疗服务？"
)


def _datasketch(view: str, **kw: object) -> MinHash:
    m = MinHash(num_perm=128, seed=7, **kw)
    m.update_batch([s.encode() for s in shingles(view, 5)])
    return m


def test_signature_is_bit_identical_to_datasketch_with_our_shingle_hash() -> None:
    view = hash_view(TEXT)
    ours = signature(shingle_hashes(view, 5), 128, 7)
    theirs = _datasketch(view, hashfunc=shingle_hash)
    assert theirs.scheme == "affine32"
    assert np.array_equal(ours, theirs.hashvalues)


def test_batch_signatures_equal_single_signatures() -> None:
    rng = random.Random(3)
    chars = list(hash_view(TEXT))
    views = ["".join(rng.choices(chars, k=rng.randint(0, 3000))) for _ in range(40)]
    batch = view_signatures(views, 5, 128, 7)
    for view, row in zip(views, batch, strict=True):
        assert np.array_equal(row, signature(shingle_hashes(view, 5), 128, 7))


def test_signatures_work_in_datasketch_lsh() -> None:
    view = hash_view(TEXT)
    near = view[:-6] + "新增文字一段"
    lsh = MinHashLSH(num_perm=128, params=(32, 4))
    lsh.insert("a", to_datasketch(signature(shingle_hashes(view, 5), 128, 7), 7))
    query = to_datasketch(signature(shingle_hashes(near, 5), 128, 7), 7)
    assert lsh.query(query) == ["a"]


def test_jaccard_estimates_as_accurate_as_datasketch() -> None:
    # Fixed seed: pairs of random CJK texts with a known share of replaced characters.
    rng = random.Random(11)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
    ours_err, theirs_err = [], []
    for _ in range(30):
        base = rng.choices(alphabet, k=1500)
        edited = list(base)
        for i in rng.sample(range(len(base)), rng.randint(10, 200)):
            edited[i] = rng.choice(alphabet)
        a, b = "".join(base), "".join(edited)
        sa, sb = set(shingles(a, 5)), set(shingles(b, 5))
        exact = len(sa & sb) / len(sa | sb)
        est = estimate_jaccard(
            signature(shingle_hashes(a, 5), 128, 7), signature(shingle_hashes(b, 5), 128, 7)
        )
        ours_err.append(abs(est - exact))
        theirs_err.append(abs(_datasketch(a).jaccard(_datasketch(b)) - exact))
    assert max(ours_err) < 0.2
    assert np.mean(ours_err) <= np.mean(theirs_err) * 1.5 + 0.01
