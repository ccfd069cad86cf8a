"""The guard's alignment (rapidfuzz Indel) behaves like the difflib opcodes it replaced."""

from __future__ import annotations

import difflib
import random

from dedup.passages import split_clauses
from dedup.verify import _opcodes, facts_of, template_conflicts


def test_opcodes_cover_both_sides_and_alternate() -> None:
    rng = random.Random(3)
    for _ in range(300):
        a = "".join(rng.choices("第五批援疆干部67名", k=rng.randrange(0, 30)))
        b = "".join(rng.choices("第四批援疆医生105名", k=rng.randrange(0, 30)))
        ops = _opcodes(a, b)
        i = j = 0
        for k, (tag, i1, i2, j1, j2) in enumerate(ops):
            assert (i1, j1) == (i, j)  # contiguous on both sides
            if tag == "equal":
                assert a[i1:i2] == b[j1:j2] and i2 > i1
            else:
                assert k == 0 or ops[k - 1][0] == "equal"  # one block between two matches
                assert tag == {(1, 1): "replace", (1, 0): "delete", (0, 1): "insert"}[
                    (int(i2 > i1), int(j2 > j1))
                ]
            i, j = i2, j2
        assert (i, j) == (len(a), len(b))
        # A longest common subsequence: never fewer matched characters than difflib.
        matched = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
        peer = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        assert matched >= sum(m.size for m in peer)


def test_facts_drop_counters_and_keep_order() -> None:
    text = "援疆干部第五批共67名。阅读1234。来源：新疆日报。他们来自山西省。"
    facts = facts_of(split_clauses(text, 1))
    # 来源 is cut off at the colon: the byline clause goes, the outlet's name stays.
    assert facts.views == ("援疆干部第五批共67名", "新疆日报", "他们来自山西省")
    assert facts.skeletons == ("援疆干部第#批共#名", "新疆日报", "他们来自山西省")


def test_figure_and_place_changes_are_conflicts() -> None:
    old = split_clauses("山西省第四批援疆干部共67名抵达阜康市。项目总投资2亿元。", 1)
    new = split_clauses("河北省第五批援疆干部共105名抵达阜康市。项目总投资2亿元。", 1)
    assert template_conflicts(old, new) == ("山西 → 河北", "第四批 → 第五批", "67名 → 105名")
    assert template_conflicts(old, old) == ()


def test_conflicts_name_the_changed_figure_as_its_clause_writes_it() -> None:
    """Traditional script, a spaced magnitude, the same digits twice with other units, a
    decimal point dropped by the view: each side reads as its own text writes it."""
    pairs = [
        ("接待遊客１.２萬人次，同比增长", "接待遊客１.５萬人次，同比增长", "1.2萬人次 → 1.5萬人次"),
        ("投资 4.6 亿元新建学校项目", "投资 5.3 亿元新建学校项目", "4.6亿元 → 5.3亿元"),
        ("选派干部67名与医生67个同期抵达", "选派干部67名与医生68个同期抵达", "67个 → 68个"),
        ("带动就业1.1万人实现增收", "带动就业11万人实现增收", "1.1万人 → 11万人"),
        ("完成投资3000多万元用于建设", "完成投资4000多万元用于建设", "3000多万元 → 4000多万元"),
        ("第十四届全运会在西安举办", "第十五届全运会在西安举办", "第十四届 → 第十五届"),
    ]  # fmt: skip
    for a, b, want in pairs:
        assert template_conflicts(split_clauses(a, 1), split_clauses(b, 1)) == (want,), a
