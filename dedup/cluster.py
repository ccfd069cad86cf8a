"""The canonical-copy rule of a cluster (clusters themselves are kept by the store).

Rule (DESIGN "Deduplication"): undamaged text over mojibake, the named original source
over reposts, earliest publication, then the longest clean text; key breaks ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

# Damage scores at or below this count as undamaged: a stray replacement character in a
# long report should not lose it the canonical place to a later, shorter repost.
UNDAMAGED = 0.01


class CopyLike(Protocol):
    key: str
    published: str | None
    damage: float  # and `length` (characters) or `text`


T = TypeVar("T", bound=CopyLike)


def _norm_outlet(name: str | None) -> str:
    return "".join((name or "").split()).lower()


def choose_canonical(copies: Sequence[T]) -> str:
    """The canonical copy among `copies` (DocView, Article, corpus Copy: anything with
    key, published, damage and `length` or `text`; outlet/origin when present): its key."""
    if not copies:
        raise ValueError("choose_canonical needs at least one copy")
    origins = {_norm_outlet(getattr(c, "origin", None)) for c in copies} - {""}

    def is_original(c: T) -> bool:
        outlet = _norm_outlet(getattr(c, "outlet", None))
        # A copy is the named original when another copy names its outlet as 来源.
        return bool(outlet) and any(outlet in o or o in outlet for o in origins)

    def rank(c: T) -> tuple:
        damaged = c.damage > UNDAMAGED
        published = c.published or "\uffff"  # unknown dates sort last
        return (
            damaged,
            c.damage if damaged else 0.0,
            not is_original(c),
            published,
            -_length(c),
            str(c.key),
        )

    return str(min(copies, key=rank).key)


def _length(copy: CopyLike) -> int:
    length = getattr(copy, "length", None)
    return int(length) if length is not None else len(getattr(copy, "text", ""))
