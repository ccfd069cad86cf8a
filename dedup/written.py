"""Figures named as a clause writes them, for the template guard: 4.6亿元, 第五批, 98.5%.

The guard finds a changed figure in the hash views, which drop punctuation (the decimal
point, %) and fold Traditional to Simplified; a conflict must still read as the report
writes it, with its magnitude and unit: `1.1万人 → 1.4万人`, never `11万 → 14万` or `4.6 → 5.3`.
"""

from __future__ import annotations

import re
import unicodedata

from dedup.passages import UNITS
from zhtext import to_simplified

CN_DIGITS = "〇零一二两三四五六七八九十百千万亿"
NUM_CHARS = frozenset("0123456789." + CN_DIGITS)
NUM_RUN = re.compile(f"[0-9.{CN_DIGITS}]+")  # a number in a view: 46亿, 11万, 第四
# One in the clause (NFKC, simplified); the view drops the spaces in `4.6 亿`, so a run does too.
# 萬億兩: the clause stays Traditional where OpenCC would change its length (see as_written).
_RUN_CHARS = f"0-9.,{CN_DIGITS}萬億兩"
_WRITTEN_RUN = re.compile(f"[{_RUN_CHARS}](?:[{_RUN_CHARS} \t]*[{_RUN_CHARS}])?")
_FOLD = str.maketrans("萬億兩", "万亿两", ", \t")  # a run as written, script and spacing aside
_KEY = str.maketrans("萬億兩", "万亿两", "., \t")  # a run's digits as the view has them
# What follows a number and belongs to the figure: approximation, magnitude, unit or counter.
_SUFFIX = re.compile(rf"\s*(?:余|多|几)?(?:[万亿萬億](?:余|多)?)?(?:{UNITS}|[轮月日号岁])?")


def as_written(view: str, start: int, end: int, text: str) -> str:
    """The number view[start:end] (a whole run of NUM_RUN) named as `text`, the clause the
    view was made from, writes it: ordinal prefix, decimal point, magnitude and unit.

    The n-th run of these digits in the view is the n-th in the clause; when the clause
    writes it otherwise (10、20 is one run in the view), the view names it, unit included.
    """
    token = view[start:end]
    nth = sum(1 for m in NUM_RUN.finditer(view, 0, start) if m.group(0) == token)
    written, simple, runs = _runs(text)
    spans = [(a, b) for a, b, key in runs if key == token]
    if not spans:
        return _named(view, view, start, end)
    first, last = spans[min(nth, len(spans) - 1)]
    return _named(written, simple, first, last)


def moved_points(text_a: str, text_b: str) -> list[str]:
    """Figures of two clauses with one hash view that differ only where the view cannot
    see: the decimal point (1.1万人 and 11万人 both read 11万人 there)."""
    if text_a == text_b or ("." not in text_a and "." not in text_b):
        return []
    wa, sa, runs_a = _runs(text_a)
    wb, sb, runs_b = _runs(text_b)
    if [key for _, _, key in runs_a] != [key for _, _, key in runs_b]:
        return []  # the clauses number otherwise: no figure-by-figure reading
    found = []
    for (a0, a1, _), (b0, b1, _) in zip(runs_a, runs_b, strict=True):
        if sa[a0:a1].translate(_FOLD) != sb[b0:b1].translate(_FOLD):
            found.append(f"{_named(wa, sa, a0, a1)} → {_named(wb, sb, b0, b1)}")
    return found


def _runs(text: str) -> tuple[str, str, list[tuple[int, int, str]]]:
    """(NFKC text, its simplified twin, [(start, end, digits as the view has them)])."""
    written = unicodedata.normalize("NFKC", text)
    simple = to_simplified(written)
    if len(simple) != len(written):  # OpenCC rewrote a phrase: positions would not agree
        simple = written
    runs = []
    for m in _WRITTEN_RUN.finditer(simple):
        number = m.group(0)
        lead = len(number) - len(number.lstrip(".,"))
        number = number.strip(".,")
        start = m.start() + lead
        runs.append((start, start + len(number), number.translate(_KEY)))
    return written, simple, runs


def _named(shown: str, simple: str, start: int, end: int) -> str:
    prefix = "第" if start > 0 and simple[start - 1] == "第" else ""
    suffix = _SUFFIX.match(simple, end)
    stop = suffix.end() if suffix else end
    return prefix + "".join(shown[start:stop].split())
