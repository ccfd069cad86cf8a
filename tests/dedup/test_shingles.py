from __future__ import annotations

import numpy as np
import opencc

from dedup.shingles import (
    batch_shingle_hashes,
    exact_hash,
    shingle_hash,
    shingle_hashes,
    shingles,
)
from zhtext import hash_view


def test_hash_view_folds_script_width_punctuation_and_space() -> None:
    simplified = "山东援疆聚焦重点任务，坚持守正创新。２０２３年 ABC"
    traditional = opencc.OpenCC("s2tw").convert(simplified)
    glossed = traditional.replace("務", "務(wù)").replace("東", "東(dōng)")
    assert traditional != simplified
    assert (
        hash_view(glossed) == hash_view(simplified) == "山东援疆聚焦重点任务坚持守正创新2023年abc"
    )
    assert exact_hash(glossed) == exact_hash(simplified)
    assert exact_hash(simplified) != exact_hash(simplified + "新")


def test_shingle_hashes_are_the_hashes_of_the_ngram_set() -> None:
    view = hash_view("援疆是一项接续奋斗的事业援疆是一项")
    expected = sorted({shingle_hash(s.encode()) for s in shingles(view, 5)})
    assert shingle_hashes(view, 5).tolist() == expected
    assert shingle_hashes("", 5).size == 0
    assert shingle_hashes("援疆", 5).tolist() == [shingle_hash("援疆".encode())]


def test_batch_hashes_match_per_view_hashes() -> None:
    views = ["援疆是一项接续奋斗的事业", "", "短", "教育援疆是一项重要民生工程", "abcdef"]
    hashes, counts = batch_shingle_hashes(views, 5)
    parts = np.split(hashes, np.cumsum(counts)[:-1])
    for view, part in zip(views, parts, strict=True):
        assert np.array_equal(np.unique(part), shingle_hashes(view, 5))
