from __future__ import annotations

from dedup.cluster import choose_canonical
from dedup.passages import extract_figures, split_clauses
from dedup.types import DocView
from dedup.verify import template_conflicts


def test_extract_figures_names_what_each_number_measures() -> None:
    text = "三年来，选派援疆医生67名，完成门诊75400人次、手术7000余台。2020年以来，安排资金2亿元。"
    labels = [f.label for f in extract_figures(text)]
    assert labels == ["援疆医生 67名", "门诊 75400人次", "手术 7000余台", "资金 2亿元"]
    doctors = extract_figures(text)[0]
    assert (doctors.value, doctors.unit, doctors.phrase) == (67.0, "名", "援疆医生")
    assert "选派援疆医生67名" in doctors.text


def test_place_swap_is_a_template_conflict_but_a_damaged_place_is_not() -> None:
    a = split_clauses("山西省援疆前方指挥部传来消息，实施援疆项目184个，选派干部人才217名。")
    swapped = split_clauses("河北省援疆前方指挥部传来消息，实施援疆项目184个，选派干部人才217名。")
    damaged = split_clauses("山的省援疆前方指挥部传来消息，实施援疆项目184个，选派干部人才217名。")
    assert template_conflicts(a, swapped) == ("山西 → 河北",)
    assert template_conflicts(a, damaged) == ()


def test_template_conflicts_keep_decimal_points() -> None:
    """The clause views drop punctuation, decimal points included: conflicts are named as
    the text writes them, magnitude and unit included (1.1万人 → 1.4万人, not 11万 → 14万)."""
    a = split_clauses("山西援疆项目带动就业1.1万人，投资4.6亿元新建学校。全年接待游客１.２万人次。")
    b = split_clauses("山西援疆项目带动就业1.4万人，投资5.3亿元新建学校。全年接待游客１.５万人次。")
    assert template_conflicts(a, b) == (
        "1.1万人 → 1.4万人",
        "4.6亿元 → 5.3亿元",
        "1.2万人次 → 1.5万人次",
    )


def test_choose_canonical_rule_order() -> None:
    clean_late = DocView("a", "x" * 100, "2023-05-01", 0.0, outlet="新华网", origin="山西日报")
    original = DocView("b", "x" * 90, "2023-05-02", 0.0, outlet="山西日报")
    damaged = DocView("c", "x" * 200, "2023-04-01", 0.3, outlet="山西日报")
    assert choose_canonical([clean_late, original, damaged]) == "b"
    early = DocView("d", "x" * 50, "2023-04-30", 0.0, outlet="某网")
    assert choose_canonical([clean_late, early]) == "d"
    longer = DocView("e", "x" * 120, "2023-04-30", 0.0, outlet="另网")
    assert choose_canonical([early, longer]) == "e"
    assert choose_canonical([damaged, DocView("f", "y", None, 0.5)]) == "c"


def test_guard_sees_short_clauses_and_list_ordinals() -> None:
    base = "简评\n2005年，是世界反法西斯战争胜利六十周年。\n1、蛋白质是头发的主要养分。"
    year = split_clauses(base.replace("2005年", "2006年"), 1)
    item = split_clauses(base.replace("1、", "8、"), 1)
    assert template_conflicts(split_clauses(base, 1), year) == ("2005年 → 2006年",)
    assert template_conflicts(split_clauses(base, 1), item) == ("1 → 8",)


def test_guard_pairs_clauses_beside_a_swapped_paragraph() -> None:
    # The changed date sits in a block whose other clauses were replaced wholesale.
    old = split_clauses(
        "他于2022年2月12日在上海逝世，享年74岁。\n记者了解到，当地群众给予充分肯定，纷纷表示要继续努力。",
        1,
    )
    new = split_clauses(
        "他于2023年8月18日在上海逝世，享年80岁。\n沈斌1948年生于上海，1960年进入上海市戏曲学校学习武生。",
        1,
    )
    conflicts = template_conflicts(old, new)
    assert "2022年 → 2023年" in conflicts and "74岁 → 80岁" in conflicts


def test_edit_next_to_a_place_is_not_a_swap_and_mojibake_is_not_a_fact() -> None:
    a = split_clauses("北京市援疆指挥部在和田开展工作，选派干部217名。", 1)
    edited = split_clauses("的京市援疆指挥部在和田开展工作，选派干部217名。", 1)
    assert template_conflicts(a, edited) == ()
    clean = split_clauses("总结经验模式，2021年以来山东先后选派87名乡镇援疆干部。", 1)
    damaged = split_clauses("总结经验?zāi)J剑?021年以来山东先后选派87名乡镇援疆干部。", 1)
    assert any(c.damaged for c in damaged) and not any(c.damaged for c in clean)
    assert template_conflicts(clean, damaged) == ()


def test_posting_times_and_counters_are_not_facts() -> None:
    a = split_clauses("2023年04月13日 11:10\n阅读 1234\n选派干部217名，实施项目184个。", 1)
    b = split_clauses("2023年04月13日 15:30\n阅读 87\n选派干部217名，实施项目184个。", 1)
    assert template_conflicts(a, b) == ()
    c = split_clauses("2023年04月13日 15:30\n阅读 87\n选派干部217名，实施项目185个。", 1)
    assert template_conflicts(a, c) == ("184个 → 185个",)


def test_figures_keep_their_magnitude() -> None:
    """A magnitude (万, 亿) belongs to the figure: 5.3亿 with no unit, 1.1万个, 1万余人."""
    text = "投入资金5.3亿，实施项目1.1万个，带动就业1万余人，完成率98.5%，培训教师3200人次。"
    figures = extract_figures(text)
    assert [f.label for f in figures] == [
        "资金 5.3亿", "项目 1.1万个", "就业 1万余人", "98.5%", "教师 3200人次",
    ]  # fmt: skip
    assert [(f.value, f.unit) for f in figures][:3] == [(5.3, "亿"), (1.1, "万个"), (1e4, "人")]
    # A bare year and a bare number are no figures.
    assert [f.label for f in extract_figures("2020年以来，编号3471，共120次")] == ["120次"]
