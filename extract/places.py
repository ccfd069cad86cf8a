"""Aid-giving provinces/cities and Xinjiang recipient places named in a report (matched on
the t2s view, so Traditional pages work); provinces need aid context or a 晋疆-style compound.
"""

from __future__ import annotations

import re

from zhtext import to_simplified

# The 19 provinces/municipalities of the national pairing programme, plus Shenzhen which runs
# its own front command. Short forms count only in X疆 compounds (晋疆, 鲁疆, 冀疆).
_PROVINCES: tuple[tuple[str, str], ...] = (
    ("北京", "京"),
    ("天津", "津"),
    ("上海", "沪"),
    ("广东", "粤"),
    ("深圳", ""),
    ("江苏", "苏"),
    ("浙江", "浙"),
    ("山东", "鲁"),
    ("山西", "晋"),
    ("河北", "冀"),
    ("河南", "豫"),
    ("湖北", "鄂"),
    ("湖南", "湘"),
    ("安徽", "皖"),
    ("江西", "赣"),
    ("福建", "闽"),
    ("辽宁", "辽"),
    ("吉林", ""),
    ("黑龙江", "黑"),
)
_AID_CONTEXT_RE = re.compile("援|对口|支援|帮扶")
_CONTEXT_SPAN = 40

_RECIPIENTS: tuple[str, ...] = (
    "乌鲁木齐", "昌吉", "阜康", "准东", "吉木萨尔", "奇台", "木垒", "呼图壁", "玛纳斯",
    "喀什", "疏勒", "疏附", "麦盖提", "岳普湖", "英吉沙", "莎车", "泽普", "叶城", "巴楚",
    "伽师", "塔什库尔干", "和田", "墨玉", "皮山", "洛浦", "策勒", "于田", "民丰",
    "阿克苏", "库车", "沙雅", "拜城", "温宿", "阿瓦提", "乌什", "柯坪",
    "克州", "克孜勒苏", "阿图什", "阿克陶", "阿合奇", "乌恰",
    "巴州", "巴音郭楞", "库尔勒", "焉耆", "和静", "和硕", "博湖", "尉犁", "若羌", "且末",
    "轮台", "伊犁", "伊宁", "霍尔果斯", "塔城", "阿勒泰", "博州", "博尔塔拉", "哈密",
    "吐鲁番", "克拉玛依", "石河子", "五家渠", "图木舒克", "阿拉尔", "铁门关", "北屯",
    "可克达拉", "昆玉", "胡杨河", "双河",
)  # fmt: skip
_DIGITS = "一二三四五六七八九十"
_DIVISION_RE = re.compile(rf"(?:兵团)?第?([{_DIGITS}]{{1,3}})师")


def _near_aid(view: str, at: int, length: int) -> bool:
    lo, hi = max(0, at - _CONTEXT_SPAN), at + length + _CONTEXT_SPAN
    return _AID_CONTEXT_RE.search(view, lo, hi) is not None


def find_provinces(text: str) -> tuple[str, ...]:
    """Aid-giving provinces named in aid context (or as 晋疆-style compounds), by first use."""
    view = to_simplified(text)
    first: dict[str, int] = {}
    for name, short in _PROVINCES:
        for m in re.finditer(name, view):
            if _near_aid(view, m.start(), len(name)):
                first[name] = min(first.get(name, m.start()), m.start())
                break
        if short:
            at = view.find(f"{short}疆")
            if at >= 0:
                first[name] = min(first.get(name, at), at)
    return tuple(sorted(first, key=first.__getitem__))


def _division_name(num: str) -> str:
    return f"兵团第{num}师"


def find_recipients(text: str) -> tuple[str, ...]:
    """Xinjiang prefectures, counties and Bingtuan divisions named in the text, by first use."""
    view = to_simplified(text)
    first: dict[str, int] = {}
    for name in _RECIPIENTS:
        at = view.find(name)
        if at >= 0:
            first.setdefault(name, at)
    for m in _DIVISION_RE.finditer(view):
        # "第六师" alone is ambiguous (army units elsewhere); require 兵团 nearby.
        if "兵团" in view[max(0, m.start() - 30) : m.end() + 30]:
            first.setdefault(_division_name(m.group(1)), m.start())
    return tuple(sorted(first, key=first.__getitem__))
