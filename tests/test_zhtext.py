"""The one table of Chinese text views (zhtext), used by extract (stored text) and dedup
(fingerprints) alike: each row is a view, an input and what it must give."""

from __future__ import annotations

import pytest

from dedup.shingles import exact_hash
from extract.normalise import clean_text as extract_clean_text
from zhtext import (
    GARBAGE_RE,
    clean_text,
    damage_score,
    damaged_near,
    garbage_count,
    hash_view,
    hash_views,
    strip_pinyin_glosses,
    to_simplified,
)

SEED_002 = "中新網(wǎng)新疆新聞9月20日電 山東援疆聚焦重點任務(wù)，堅持守正創(chuàng)新。"
DAMAGED = "借鑒鄉村振興齊魯樣板經驗?zāi)J剑?021年以來，推動當?shù)亟?jīng)濟社會發展。"

TABLE = [
    # pinyin glosses: removed after a Han character (or after mojibake that ate one)
    (strip_pinyin_glosses, "中新網(wǎng)", "中新網"),
    (strip_pinyin_glosses, "地區(qū)工作", "地區工作"),
    (strip_pinyin_glosses, "網( wǎng )站", "網站"),
    (strip_pinyin_glosses, "網（wǎng）站", "網站"),
    (strip_pinyin_glosses, "經驗?(zāi)", "經驗?"),
    (strip_pinyin_glosses, SEED_002, "中新網新疆新聞9月20日電 山東援疆聚焦重點任務，堅持守正創新。"),  # noqa: E501
    # ... and only those: no tone mark, or not glued to Han, is ordinary text
    (strip_pinyin_glosses, "重症监护室(EICU)", "重症监护室(EICU)"),
    (strip_pinyin_glosses, "兵团第六师(五家渠市)", "兵团第六师(五家渠市)"),
    (strip_pinyin_glosses, "中(zhong)国", "中(zhong)国"),
    (strip_pinyin_glosses, "数据(data)", "数据(data)"),
    (strip_pinyin_glosses, "café (né)", "café (né)"),
    # OpenCC t2s: characters only, punctuation kept
    (to_simplified, "山東援疆，聚焦重點。", "山东援疆，聚焦重点。"),
    (to_simplified, "ASCII only", "ASCII only"),
    # stored view: script and punctuation kept, glosses/invisible/private-use gone, tidy lines
    (clean_text, " 中新網(wǎng)\r\n\r\n\u3000山東援疆，聚焦重點。 \n\u200b\n  第二段  落\t！",
     "中新網\n山東援疆，聚焦重點。\n第二段 落 ！"),
    (clean_text, "图标\ue600文字", "图标文字"),
    (clean_text, "ＡＢＣ￥100", "ＡＢＣ￥100"),
    # hash view: NFKC, glosses, t2s, lower-case, letters and digits only
    (hash_view, "山東援疆，聚焦重點任務(wù)。", "山东援疆聚焦重点任务"),
    (hash_view, "ＡＢＣ１２３ 援疆！", "abc123援疆"),
    (hash_view, "￥100元 ©2023", "100元2023"),
    (hash_view, "網( wǎng )站", "网站"),
    (hash_view, "網（ｗǎｎｇ）站", "网站"),
    (hash_view, "", ""),
]  # fmt: skip


@pytest.mark.parametrize(("view", "text", "want"), TABLE)
def test_text_view_table(view, text: str, want: str) -> None:
    assert view(text) == want


def test_views_compose_and_agree_everywhere() -> None:
    # the stored text hashes like the page text, extract and dedup use the same views
    assert hash_view(clean_text(SEED_002)) == hash_view(SEED_002)
    assert extract_clean_text is clean_text
    assert exact_hash("ＡＢＣ援疆") == exact_hash("abc援疆")
    parts = ["山東援疆", "ＡＢＣ", "", "網(wǎng)站，新聞"]
    assert hash_views(parts) == [hash_view(p) for p in parts]


def test_mojibake_rules() -> None:
    assert damage_score(DAMAGED) > 0.05
    assert damage_score("借鉴乡村振兴齐鲁样板经验模式，2021年以来。为什么?因为") == 0.0
    assert damage_score("") == 0.0
    assert damage_score("锟斤拷" * 20) == 1.0
    assert damage_score("UTF-8 read as Latin-1: cafÃ©") > 0.0
    text = "干净的句子，经验?zāi)J剑?021年"
    assert not damaged_near(text, 0, 5)
    for sample in ("锟斤拷锟斤拷", "cafÃ© and Â©", "烫烫烫屯屯", "干净的句子", "ï¿½x", ""):
        assert garbage_count(sample) == len(GARBAGE_RE.findall(sample)), sample
    assert damaged_near(text, 6, 9)
