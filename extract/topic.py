"""Topic terms for reports on provincial aid to Xinjiang and a matcher that also sees
Traditional-script pages (matching runs on the OpenCC t2s view).
"""

from __future__ import annotations

from collections.abc import Iterable

from zhtext import strip_pinyin_glosses, to_simplified

TOPIC_TERMS: tuple[str, ...] = (
    "援疆",
    "对口支援",
    "对口援疆",
    "援疆干部",
    "援疆人才",
    "援疆项目",
    "援疆资金",
    "援疆指挥部",
    "前方指挥部",
    "受援地",
    "受援县",
    "受援",
    "援建",
    "润疆",
    "柔性援疆",
    "组团式",
    "产业援疆",
    "教育援疆",
    "医疗援疆",
    "文化润疆",
    "就业援疆",
    "智力援疆",
    "民生援疆",
    "新疆",
    "兵团",
)
# Terms that carry the topic on their own; the rest only add weight.
_STRONG = frozenset({"援疆", "对口支援", "对口援疆", "援疆干部", "受援地", "润疆", "援疆指挥部"})


def match_terms(text: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Topic terms (ours plus `extra`) found in `text`, in order of first occurrence."""
    view = to_simplified(strip_pinyin_glosses(text))
    positions: dict[str, int] = {}
    for term in (*TOPIC_TERMS, *extra):
        if not term or term in positions:
            continue
        at = view.find(to_simplified(term))
        if at >= 0:
            positions[term] = at
    return tuple(sorted(positions, key=lambda t: (positions[t], -len(t))))


def topic_score(text: str, extra: Iterable[str] = ()) -> tuple[float, tuple[str, ...]]:
    """A 0..1 topic score and the matched terms: strong terms and their frequency dominate."""
    terms = match_terms(text, extra)
    if not terms:
        return 0.0, ()
    view = to_simplified(text)
    hits = sum(min(view.count(to_simplified(t)), 5) for t in terms)
    strong = any(t in _STRONG or t in set(extra) for t in terms)
    score = min(1.0, (0.5 if strong else 0.0) + 0.05 * hits + 0.02 * len(terms))
    return round(score, 3), terms
