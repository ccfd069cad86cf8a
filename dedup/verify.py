"""Candidate verification: true Jaccard/containment of n-gram sets, and the template guard.

The guard stops a merge when near-identical texts disagree on facts: numbers (第四批 vs
第五批, 2022 vs 2023, 67名 vs 105名) or place names, found by aligning the two texts.
Alignments are rapidfuzz's Indel (longest common subsequence, C++); difflib did the same
in pure Python and was a quarter of ingest time on repost-dense input.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz.distance import Indel

from dedup.params import DedupParams
from dedup.passages import Clause
from dedup.written import CN_DIGITS as _CN_DIGITS
from dedup.written import NUM_CHARS as _NUM_CHARS
from dedup.written import NUM_RUN as _NUM_RUN
from dedup.written import as_written, moved_points

MIN_CONTAINED = 150  # shingles: containment alone merges only documents at least this long

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
# Numbers and ordinal/count Chinese numerals, masked to align clauses: 第五批 ~ 第四批.
_NUMBER_RE = re.compile(rf"\d+(?:\.\d+)?|(?<=第)[{_CN_DIGITS}]+|[{_CN_DIGITS}]+(?=[批届期次轮])")
# Page counters (阅读 1234, 评论 3), bylines and posting times (2023年04月13日 11:10) differ
# between copies of one report: never a fact of the report.
# MULTILINE: matched against all clause views of a document joined by newlines at once.
_COUNTER_RE = re.compile(
    r"(?:阅读|浏览|点击|评论|点赞|收藏|转发|分享)(?:量|数|次数)?\d+$|^\d+(?:评论|阅读)$"
    r"|^(?:发布|更新)?(?:时间|日期)|^(?:来源|作者|编辑|责任编辑|记者|通讯员)"
    r"|^\d{4}年?\d{1,2}月?\d{1,2}日?\d{3,6}$",
    re.MULTILINE,
)
_MARKER_CHARS = str.maketrans("", "", "#第年月日号时分秒批届期次")
_MIN_RATIO = 0.6  # clauses this similar (Indel ratio, 2 x LCS / total) are edits of each other
_MAX_PAIRING = 4000  # clause pairs compared inside one replaced block, at most


class _Comparable(Protocol):
    shingles: np.ndarray


def is_repost(doc: _Comparable, other: _Comparable, params: DedupParams) -> float:
    """The verified similarity when `doc` is a repost of `other` (before the template
    guard), else 0.0: true Jaccard of the n-gram sets at or above the threshold, or the
    smaller document contained in the larger (a copy with a junk tail or one paragraph less).
    """
    jac, contained = overlap(doc.shingles, other.shingles)
    if jac >= params.threshold:
        return jac
    small = min(doc.shingles.size, other.shingles.size)
    if contained >= params.containment and small >= MIN_CONTAINED:
        return contained
    return 0.0


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted unique arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter), inter / min(a.size, b.size)


def _token(view: str, i: int, j: int) -> tuple[int, int] | None:
    """Where the numeric token at the changed span view[i:j] is, or None.

    The one run of number characters reaching into the span (or touching an insertion
    point), extended over its digits outside the span; a span that also holds other
    characters (10月 -> 19把, an edit beside a changed figure) still yields the number.
    """
    lo, hi = i, j
    while lo > 0 and view[lo - 1] in _NUM_CHARS:
        lo -= 1
    while hi < len(view) and view[hi] in _NUM_CHARS:
        hi += 1
    runs = [m.span() for m in _NUM_RUN.finditer(view, lo, hi) if j == i or m.end() > i]
    if len(runs) != 1:
        return None
    start, end = runs[0]
    if any(ch.isdigit() for ch in view[start:end]):
        return None if end - start >= _TIMESTAMP_DIGITS else runs[0]
    if not all(ch in _NUM_CHARS for ch in view[i:j]):
        return None  # a Chinese numeral partly edited away (五十 -> 的十) is no figure
    before = view[start - 1] if start > 0 else ""
    after = view[end] if end < len(view) else ""
    return runs[0] if before == "第" or after in _CN_CONTEXT_AFTER else None


def _places(view: str, i: int, j: int) -> set[str]:
    """Places named across the changed span view[i:j] (a place merely near it does not count:
    an edit of 北京 into 的京 leaves the abbreviation 京 beside the change, not in it)."""
    lo = max(i - 3, 0)
    found = set()
    for m in _PLACE_RE.finditer(view, lo, j + 3):
        if m.start() < max(j, i + 1) and m.end() > i:
            found.add(m.group(0))
    return found


Opcode = tuple[str, int, int, int, int]


def _opcodes(a: Sequence[str] | str, b: Sequence[str] | str) -> list[Opcode]:
    """difflib-style opcodes from a longest common subsequence (rapidfuzz Indel, C++).

    Between two matched blocks, what each side holds is one block: "replace" when both
    sides hold something, else "delete"/"insert" (Indel itself reports a substitution as
    a deletion beside an insertion, and the callers compare what one side has in place of
    the other).
    """
    ops = []
    i = j = 0
    for block in Indel.opcodes(a, b).as_matching_blocks():
        if block.a > i or block.b > j:
            if block.a > i and block.b > j:
                tag = "replace"
            else:
                tag = "delete" if block.a > i else "insert"
            ops.append((tag, i, block.a, j, block.b))
        if block.size:
            ops.append(("equal", block.a, block.a + block.size, block.b, block.b + block.size))
        i, j = block.a + block.size, block.b + block.size
    return ops


def _similarity(a: str, b: str, cutoff: float) -> float:
    """2 x LCS / (len a + len b), or 0.0 when below `cutoff` (difflib's ratio, exact)."""
    return Indel.normalized_similarity(a, b, score_cutoff=cutoff)


def _char_conflicts(a: str, b: str, text_a: str = "", text_b: str = "") -> list[str]:
    """Changes between two paired clause views, figures named as `text_a`/`text_b` (the
    clauses as written) write them, with magnitude and unit: 4.6亿元 → 5.3亿元."""
    found = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            continue
        ta, tb = _token(a, i1, i2), _token(b, j1, j2)
        if ta and tb and a[ta[0] : ta[1]] != b[tb[0] : tb[1]]:
            found.append(f"{as_written(a, *ta, text_a)} → {as_written(b, *tb, text_b)}")
            continue
        if tag == "replace":
            pa, pb = _places(a, i1, i2), _places(b, j1, j2)
            # A swap, not a place destroyed by an edit: each side names one the other lacks.
            if pa - pb and pb - pa:
                found.append(f"{'/'.join(sorted(pa - pb))} → {'/'.join(sorted(pb - pa))}")
    return found


def skeleton(view: str) -> str:
    """A clause view with its numbers masked: clauses differing only in figures align."""
    return _NUMBER_RE.sub("#", view)


def _pair_up(va: Sequence[str], vb: Sequence[str]) -> list[tuple[str, str]]:
    """Monotone pairs of near-identical clauses inside a replaced block (ratio >= 0.6).

    Clause by clause, so an edited clause next to a dropped or added paragraph still
    pairs with its counterpart, and a paragraph swapped for another pairs with nothing.
    """
    pairs: list[tuple[str, str]] = []
    if len(va) * len(vb) > _MAX_PAIRING:
        return pairs
    start = 0
    for a in va:
        best, best_k = _MIN_RATIO, -1
        for k in range(start, len(vb)):
            r = _similarity(a, vb[k], best)
            if r and r >= best:
                best, best_k = r, k
        if best_k >= 0:
            pairs.append((a, vb[best_k]))
            start = best_k + 1
    return pairs


def _anchored(va: Sequence[str], vb: Sequence[str], i: int, j: int, skel: str) -> bool:
    """A bare marker or date clause (第三, 2、, 2005年, 2017年2月17日) is compared only when
    the clause it introduces is the same on both sides: next to a dropped paragraph or an
    edited date it may line up with another one."""
    if len(skel.translate(_MARKER_CHARS)) > 1:
        return True
    return i + 1 < len(va) and j + 1 < len(vb) and va[i + 1] == vb[j + 1]


@dataclass(frozen=True, slots=True)
class Facts:
    """The clauses of a document that can carry a fact of the report, for the guard:
    hash views without page counters, bylines or mojibake, and their masked skeletons."""

    views: tuple[str, ...]
    skeletons: tuple[str, ...]
    texts: tuple[str, ...]  # each view's clause as written (names conflicts: 1.1万, not 11万)


def facts_of(clauses: Sequence[Clause]) -> Facts:
    """One regex pass over all views joined by newlines (hash views hold none), not one per
    clause: per-clause calls were most of the guard's time once the alignment ran in C."""
    # A clause with mojibake has lost characters (经验?zāi)J剑?021年 once read 模式，2021年):
    # what differs in it is damage, not a fact.
    kept = [c for c in clauses if not c.damaged]
    if any("\n" in c.view for c in kept):  # never for hash views; stay correct regardless
        kept = [c for c in kept if not _COUNTER_RE.search(c.view)]
        views = [c.view for c in kept]
        return Facts(tuple(views), tuple(skeleton(v) for v in views), _texts(kept))
    views = [c.view for c in kept]
    joined = "\n".join(views)
    starts = list(itertools.accumulate((len(v) + 1 for v in views), initial=0))
    counters = {bisect.bisect_right(starts, m.start()) - 1 for m in _COUNTER_RE.finditer(joined)}
    if counters:
        kept = [c for i, c in enumerate(kept) if i not in counters]
        views = [c.view for c in kept]
        joined = "\n".join(views)
    skeletons = tuple(skeleton(joined).split("\n")) if views else ()
    return Facts(tuple(views), skeletons, _texts(kept))


def _texts(kept: Sequence[Clause]) -> tuple[str, ...]:
    # One text per view, the last clause with that view winning (as the guard looks it up).
    written = {c.view: c.text for c in kept}
    return tuple(written[c.view] for c in kept)


def template_conflicts(old: Sequence[Clause], new: Sequence[Clause]) -> tuple[str, ...]:
    """Facts that differ between aligned, near-identical clauses of two documents.

    Clauses are aligned on their number-masked skeletons, so 第四批/第五批 or 2020年/2021年
    clauses line up; inside replaced blocks, clauses are paired when they are edits of
    each other. Only figures, ordinals and places changed inside a pair are conflicts.
    """
    return conflicts_between(facts_of(old), facts_of(new))


def conflicts_between(old: Facts, new: Facts) -> tuple[str, ...]:
    """template_conflicts on facts extracted once per document (the engine caches them)."""
    va, sa, vb, sb = old.views, old.skeletons, new.views, new.skeletons
    # Views drop punctuation, decimal points too (1.1万 -> 11万): conflicts are named
    # as the clauses write them, each side from its own document (one map for both
    # would name an old clause by a new clause that shares its view: 46亿 for 4.6亿).
    written_a = dict(zip(old.views, old.texts, strict=True))
    written_b = dict(zip(new.views, new.texts, strict=True))
    pairs: list[tuple[str, str]] = []
    conflicts: list[str] = []
    for tag, i1, i2, j1, j2 in _opcodes(sa, sb):
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if va[i] != vb[j]:
                    if _anchored(va, vb, i, j, sa[i]):
                        pairs.append((va[i], vb[j]))
                else:  # one view; the texts may still place a decimal point otherwise
                    conflicts += moved_points(old.texts[i], new.texts[j])
        elif tag == "replace":
            pairs += _pair_up(va[i1:i2], vb[j1:j2])
    for a, b in pairs:
        conflicts += _char_conflicts(a, b, written_a.get(a, ""), written_b.get(b, ""))
    return tuple(dict.fromkeys(conflicts))
