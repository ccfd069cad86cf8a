"""Reconcile two main-text candidates: trafilatura's lines and our density block's lines.
Trafilatura filters lines well but sometimes takes a whole table-layout page or misses posts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_MIN_CHARS = 20


def _grams(lines: Sequence[str]) -> Counter[str]:
    text = re.sub(r"\s+", "", "".join(lines))
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def cover(a: Counter[str], b: Counter[str]) -> float:
    """Share of a's character bigrams that b also has."""
    n = sum(a.values())
    return sum((a & b).values()) / n if n else 0.0


def reconcile(traf: Sequence[str], dens: Sequence[str], weak: bool = False) -> list[str]:
    """Our density run decides where the article is; trafilatura's line filter trims it.

    A run line is kept when trafilatura kept most of it too (or it is a short heading);
    if that would throw away more than 30% of the run, the two disagree on the article
    and the run wins unfiltered. An empty run falls back to trafilatura.
    """
    if sum(len(line) for line in dens) < _MIN_CHARS:
        return list(traf)
    t = _grams(traf)
    if sum(t.values()) < _MIN_CHARS:
        return list(dens)
    kept = [line for line in dens if _short(line) or cover(_grams([line]), t) > 0.5]
    if _size(kept) > 0.7 * _size(dens):
        return kept
    # They disagree on where the article is: a run with little prose is the weaker witness.
    return list(traf) if weak else list(dens)


def _short(line: str) -> bool:
    return len(re.sub(r"\s+", "", line)) < 6


def _size(lines: Sequence[str]) -> int:
    return sum(len(re.sub(r"\s+", "", line)) for line in lines)
