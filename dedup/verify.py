"""Candidate verification: true Jaccard/containment of n-gram sets, and the template guard.

The guard stops a merge when near-identical texts disagree on facts: numbers (第四批 vs
第五批, 2022 vs 2023, 67名 vs 105名) or place names, found by aligning the two texts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import numpy as np

from dedup.passages import Clause

_CN_DIGITS = "〇零一二两三四五六七八九十百千万"
_NUM_CHARS = set("0123456789." + _CN_DIGITS)
# Chinese numerals count as a fact only in ordinal/count position: 第五批, 十四五.
_CN_CONTEXT_AFTER = set("批届期次轮年月日号个名")
_TIMESTAMP_DIGITS = 8  # a run this long after punctuation removal is a date-time stamp

# Places that templates swap: provinces and the aid-receiving areas of Xinjiang.
PLACES = tuple(
    sorted(
        (
            "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 "
            "湖北 湖南 广东 广西 海南 四川 贵州 云南 陕西 甘肃 青海 宁夏 西藏 内蒙古 深圳 "
            "乌鲁木齐 昌吉 阜康 吐鲁番 哈密 和田 阿克苏 喀什 克州 克孜勒苏 伊犁 塔城 阿勒泰 "
            "博州 博尔塔拉 巴州 巴音郭楞 库尔勒 石河子 五家渠 阿拉尔 图木舒克 北屯 铁门关 "
            "双河 可克达拉 昆玉 胡杨河 新星 疏勒 疏附 莎车 泽普 叶城 麦盖提 岳普湖 伽师 英吉沙 "
            "墨玉 皮山 洛浦 策勒 于田 民丰 库车 拜城 温宿 乌什 柯坪 阿瓦提 新和 沙雅 "
            "晋 冀 鲁 豫 苏 浙 皖 闽 赣 湘 鄂 粤 辽 吉 黑 京 津 沪 渝"
        ).split(),
        key=len,
        reverse=True,
    )
)
_PLACE_RE = re.compile("|".join(PLACES))


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted unique arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter), inter / min(a.size, b.size)


def _token(view: str, i: int, j: int) -> str:
    """The numeric token around view[i:j] (extended over digits), or ''."""
    while i > 0 and view[i - 1] in _NUM_CHARS:
        i -= 1
    while j < len(view) and view[j] in _NUM_CHARS:
        j += 1
    token = view[i:j]
    if not token or not all(ch in _NUM_CHARS for ch in token):
        return ""
    if any(ch.isdigit() for ch in token):
        return "" if len(token) >= _TIMESTAMP_DIGITS else token
    before = view[i - 1] if i > 0 else ""
    after = view[j] if j < len(view) else ""
    return token if before == "第" or after in _CN_CONTEXT_AFTER else ""


def _places(view: str, i: int, j: int) -> set[str]:
    window = view[max(i - 3, 0) : j + 3]
    return set(_PLACE_RE.findall(window))


def _char_conflicts(a: str, b: str) -> list[str]:
    found = []
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        ta, tb = _token(a, i1, i2), _token(b, j1, j2)
        if ta and tb and ta != tb:
            found.append(f"{ta} → {tb}")
            continue
        if tag == "replace":
            pa, pb = _places(a, i1, i2), _places(b, j1, j2)
            # A swap, not a place destroyed by an edit: each side names one the other lacks.
            if pa - pb and pb - pa:
                found.append(f"{'/'.join(sorted(pa - pb))} → {'/'.join(sorted(pb - pa))}")
    return found


def template_conflicts(old: Sequence[Clause], new: Sequence[Clause]) -> tuple[str, ...]:
    """Facts that differ between aligned, near-identical clauses of two documents.

    Clauses are aligned first; a replaced block is compared character by character only
    when its two sides are edits of each other (ratio >= 0.6), so a paragraph swapped for
    another never counts as a conflict, only a figure or a place changed in place.
    """
    va, vb = [c.view for c in old], [c.view for c in new]
    conflicts: list[str] = []
    matcher = difflib.SequenceMatcher(None, va, vb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        a, b = "".join(va[i1:i2]), "".join(vb[j1:j2])
        if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() < 0.6:
            continue
        for conflict in _char_conflicts(a, b):
            if conflict not in conflicts:
                conflicts.append(conflict)
    return tuple(conflicts)
