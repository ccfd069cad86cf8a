from __future__ import annotations

from dedup.cluster import choose_canonical, clusters
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


def test_clusters_are_connected_components() -> None:
    groups = clusters(["a", "b", "c", "d", "e"], [("a", "b"), ("c", "b"), ("d", "e")])
    assert groups == [{"a", "b", "c"}, {"d", "e"}]
