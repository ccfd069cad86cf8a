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


def reconcile(traf: Sequence[str], dens: Sequence[str]) -> list[str]:
    """Pick or combine the candidates by how much of each one the other contains."""
    t, d = _grams(traf), _grams(dens)
    nt, nd = sum(t.values()), sum(d.values())
    if nt < _MIN_CHARS:
        return list(dens)
    if nd < _MIN_CHARS:
        return list(traf)
    t_in_d, d_in_t = cover(t, d), cover(d, t)
    if t_in_d > 0.8:
        # Trafilatura's text lies inside our block: it is the cleaner cut unless it lost
        # much of the block (forum posts, split articles).
        return list(traf) if d_in_t > 0.6 else list(dens)
    if d_in_t > 0.8:
        # Our block lies inside trafilatura's text, which also took other page parts.
        return list(dens)
    return list(traf)
