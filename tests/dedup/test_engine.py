from __future__ import annotations

import random
import re
from pathlib import Path

import opencc
import pytest

from dedup.engine import Deduper
from dedup.params import DedupParams, ParamsMismatch
from dedup.shingles import hash_view, shingles

SYNONYMS = "的了在是和有为与及并将对把被从"


def light_edit(text: str, share: float, seed: int) -> str:
    """Replace `share` of the Han characters (never digits) with other characters."""
    rng = random.Random(seed)
    chars = list(text)
    han = [i for i, ch in enumerate(chars) if "\u4e00" <= ch <= "\u9fff"]
    for i in rng.sample(han, int(len(han) * share)):
        chars[i] = rng.choice(SYNONYMS)
    return "".join(chars)


def jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(hash_view(a), 5)), set(shingles(hash_view(b), 5))
    return len(sa & sb) / len(sa | sb)


def body(seed_text: str) -> str:
    # The report itself: between the dateline and the 来源 line at its end.
    start = seed_text.index("援疆是一项接续奋斗的事业")
    return seed_text[start : seed_text.index("来源:山西省人民政府官网")]


def make(tmp_path: Path, store, **kw) -> Deduper:
    return Deduper(tmp_path / "index", kw.pop("params", None), store.lookup, **kw)


def ingest(d: Deduper, store, key: str, text: str):
    verdict = d.check(key, text)
    store.put(key, text)
    d.add(key, text, verdict=verdict)
    return verdict


def test_seeds_000_001_linked_with_shared_figures_not_merged(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    assert ingest(d, store, "000", seeds["000"]).links == ()
    v = ingest(d, store, "001", seeds["001"])
    assert v.match is None
    [link] = [ln for ln in v.links if ln.other == "000"]
    assert link.kind == "shared-passages"
    assert any("75400人次" in p for p in link.passages)
    for figure in ("门诊 75400人次", "手术 7000余台", "项目 29个", "援疆医生 67名 → 105名"):
        assert figure in link.figures


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_light_edits_merge_with_bounded_similarity(tmp_path, store, seeds, seed) -> None:
    d = make(tmp_path, store)
    original = body(seeds["000"])
    ingest(d, store, "orig", original)
    copy = "山西援疆交出新答卷\n来源：山西日报\n" + light_edit(original, 0.03, seed)
    v = d.check("copy", copy)
    assert v.repost_of == "orig"
    # 3 % of characters changed breaks up to 15 % of 5-grams on each side.
    assert 0.55 <= v.similarity <= 0.9
    assert v.similarity == pytest.approx(jaccard(original, copy), abs=1e-9)


def test_traditional_copy_with_pinyin_glosses_merges(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    ingest(d, store, "orig", seeds["000"])
    trad = opencc.OpenCC("s2tw").convert(seeds["000"])
    glossed = re.sub("([網區務經濟創發])", lambda m: m.group(1) + "(wǎng)", trad)
    v = d.check("trad", glossed)
    assert v.match == "orig"
    assert v.similarity > 0.95


def test_copy_followed_by_junk_links_merges_by_containment(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    original = body(seeds["000"])
    ingest(d, store, "orig", original)
    junk = "\n".join(f"{i}、人才招聘网站排名第{i}名哪家好{i * 37}" for i in range(100))
    v = d.check("farm", original + "\n" + junk)
    assert v.repost_of == "orig"
    assert jaccard(original, original + junk) < 0.5 <= v.similarity


def test_paragraph_dropped_and_added_merges(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    paragraphs = [p for p in body(seeds["000"]).split("\n") if len(p) > 40]
    ingest(d, store, "orig", "\n".join(paragraphs))
    edited = (
        paragraphs[:2]
        + paragraphs[3:]
        + ["各族群众纷纷表示，援疆工作带来了实实在在的变化，生活越来越好。"]
    )
    assert d.check("copy", "\n".join(edited)).repost_of == "orig"


@pytest.mark.parametrize(
    ("old", "new"), [("第四批", "第五批"), ("2020年", "2021年"), ("67名", "76名")]
)
def test_template_guard_links_instead_of_merging(tmp_path, store, seeds, old, new) -> None:
    d = make(tmp_path, store)
    original = body(seeds["000"])
    ingest(d, store, "orig", original)
    v = d.check("tmpl", original.replace(old, new))
    assert v.match is None
    [link] = [ln for ln in v.links if ln.other == "orig"]
    assert link.kind == "same-template"
    assert link.figures


def test_in_batch_documents_match_each_other_before_save(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    ingest(d, store, "a", seeds["002"])
    assert d.check("b", seeds["002"]).exact_of == "a"
    assert d.check("c", light_edit(seeds["002"], 0.02, 5)).repost_of == "a"


def test_index_survives_reopen_and_refuses_other_params(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    ingest(d, store, "a", seeds["003"])
    ingest(d, store, "b", seeds["004"])
    d.save()
    d.close()
    assert not list((tmp_path / "index").glob("*.tmp"))
    again = make(tmp_path, store)
    assert again.keys() == {"a", "b"}
    assert again.check("c", light_edit(seeds["003"], 0.02, 9)).repost_of == "a"
    with pytest.raises(ParamsMismatch, match=r"ngram: index has 5, requested 4"):
        make(tmp_path, store, params=DedupParams(ngram=4))
    # Verification thresholds are not stamped: changing them is allowed.
    make(tmp_path, store, params=DedupParams(threshold=0.6))


def test_unsaved_additions_are_lost_on_reopen(tmp_path, store, seeds) -> None:
    d = make(tmp_path, store)
    ingest(d, store, "a", seeds["003"])
    d.save()
    ingest(d, store, "b", seeds["004"])
    assert make(tmp_path, store).keys() == {"a"}
