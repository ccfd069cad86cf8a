"""Stored view vs hash view, pinyin glosses, mojibake damage, topic terms and places."""

from __future__ import annotations

from extract.normalise import clean_text, damage_score, hash_view, strip_pinyin_glosses
from extract.places import find_provinces, find_recipients
from extract.topic import TOPIC_TERMS, match_terms, topic_score

SEED_002 = "中新網(wǎng)新疆新聞9月20日電 山東援疆聚焦重點任務(wù)，堅持守正創(chuàng)新。"


def test_pinyin_glosses_are_removed_and_characters_kept() -> None:
    assert strip_pinyin_glosses("中新網(wǎng)") == "中新網"
    assert strip_pinyin_glosses("地區(qū)工作") == "地區工作"
    want = "中新網新疆新聞9月20日電 山東援疆聚焦重點任務，堅持守正創新。"
    assert strip_pinyin_glosses(SEED_002) == want


def test_ordinary_parentheses_are_not_glosses() -> None:
    for text in ("兵团第六师(五家渠市)", "EICU(急诊重症监护室)", "数据(data)", "中(zhong)国"):
        assert strip_pinyin_glosses(text) == text


def test_clean_text_keeps_script_and_punctuation_and_tidies_whitespace() -> None:
    raw = "  中新網(wǎng)\r\n\r\n\u3000\u3000山東援疆，聚焦重點。 \n\u200b\n  第二段  落\t！  "
    assert clean_text(raw) == "中新網\n山東援疆，聚焦重點。\n第二段 落 ！"


def test_hash_view_folds_script_and_drops_punctuation() -> None:
    assert hash_view("山東援疆，聚焦重點任務(wù)。") == "山东援疆聚焦重点任务"
    assert hash_view("ＡＢＣ１２３ 援疆！") == "ABC123援疆"
    assert hash_view(clean_text(SEED_002)) == hash_view(SEED_002)


def test_damage_score_sees_mojibake_and_not_clean_text() -> None:
    damaged = "借鑒鄉村振興齊魯樣板經驗?zāi)J剑?021年以來，推動當?shù)亟?jīng)濟社會發展。"
    clean = "借鉴乡村振兴齐鲁样板经验模式，2021年以来，推动当地经济社会发展。为什么?因为"
    assert damage_score(damaged) > 0.05
    assert damage_score(clean) == 0.0
    assert damage_score("") == 0.0
    assert damage_score("锟斤拷" * 20) == 1.0


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
