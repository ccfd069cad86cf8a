"""Topic terms and places (the text views have their one table in tests/test_zhtext.py)."""

from __future__ import annotations

from extract.places import find_provinces, find_recipients
from extract.topic import TOPIC_TERMS, match_terms, topic_score


def test_match_terms_in_order_of_appearance_and_traditional() -> None:
    assert "援疆" in TOPIC_TERMS and "对口支援" in TOPIC_TERMS
    assert match_terms("今年对口支援工作中，援疆干部深入受援地") == (
        "对口支援",
        "援疆干部",
        "援疆",
        "受援地",
        "受援",
    )  # same position: the longer term first
    assert match_terms("山東省對口支援喀什地區")[0] == "对口支援"
    assert match_terms("今天天气很好") == ()
    assert match_terms("晋疆一家亲", extra=("晋疆",)) == ("晋疆",)


def test_topic_score_ranks_on_topic_above_off_topic() -> None:
    on, terms = topic_score("援疆干部在受援地开展对口支援工作，援疆项目落地。")
    off, none = topic_score("新疆的葡萄很甜。")
    assert on > 0.5 > off
    assert "援疆" in terms and none == ("新疆",)


def test_provinces_need_aid_context_or_short_form_compound() -> None:
    assert find_provinces("山西省援疆前方指挥部传来消息") == ("山西",)
    assert find_provinces("晋疆两地交流频繁") == ("山西",)
    assert find_provinces("鲁疆同心，冀疆情深") == ("山东", "河北")
    assert find_provinces("山東省對口支援喀什地區") == ("山东",)
    assert find_provinces("他去北京旅游了三天。") == ()


def test_recipients_and_bingtuan_divisions() -> None:
    got = find_recipients("对口支援昌吉州阜康市、兵团第六师（五家渠市）和兵团二师")
    assert got == ("昌吉", "阜康", "兵团第六师", "五家渠", "兵团第二师")
    assert find_recipients("喀什地區疏勒縣") == ("喀什", "疏勒")
    assert find_recipients("创新和发展") == ()
