"""Clause-level overlap between distinct reports and the figures they repeat.

Document Jaccard of seeds 000/001 is ~0.04, so repetition is found per clause: clauses are
hashed on the hash view and indexed (clause hash -> doc keys) by dedup.index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from zhtext import damaged_near, hash_views

# A colon between digits is a clock time (11:10), not a clause break.
_CLAUSE_SPLIT = re.compile(r"(?:[。！？；，、,;!?\n\r]|(?<!\d)[：:]|[：:](?!\d))+")

# Units a figure counts in; longest first so 平方米 wins over 米. A magnitude (万, 亿) is
# read before the unit: 4.6亿元, 1.1万个, 5.3亿 (no unit) and 1万余人 are figures too.
UNITS = (
    "平方公里|平方米|人次|千元|元|余人|人|名|个|所|家|项|"
    "场次|场|台|件|户|例|次|批|届|期|公里|千米|米|吨|亩|套|册|种|款|天|年|%|％"
)
MAGNITUDES = {"万": 1e4, "亿": 1e8}
_FIGURE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<approx>余|多|几)?\s*"
    r"(?:(?P<mag>[万亿])(?P<magapprox>余|多)?)?(?P<unit>" + UNITS + ")?"
)
# Leading verbs and hedges that do not name what a figure measures.
_VERBS = re.compile(
    r"^(?:累计|先后|共|总|全额|已|再|又|分别|约|近|达|达到|超过|完成|实施|安排|投入|投资|选派|"
    r"培训|培养|建成|新建|引进|组织|开展|提供|吸引|带动|协调|资助|补助|接待|服务|更新|实现)+"
)
_PHRASE_CHARS = 8


@dataclass(frozen=True, slots=True)
class Clause:
    text: str  # as written in the stored text
    view: str  # hash view
    digest: int  # 64-bit hash of the view, the clause index key
    damaged: bool = False  # mojibake in or right around it: its characters are unreliable

    def __reduce__(self) -> tuple[type[Clause], tuple[str, str, int, bool]]:
        # Ingest workers send every clause of every page to the writer: a plain tuple
        # unpickles 3x faster than a frozen dataclass's field-by-field state.
        return (Clause, (self.text, self.view, self.digest, self.damaged))


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with its unit and the phrase it measures: 援疆医生 67名.

    `text` is the clause it was found in, for a reader to check the context.
    """

    value: float
    unit: str
    phrase: str
    text: str
    number: str = ""  # the digits as written, with 余/多 (e.g. "7000余")

    @property
    def label(self) -> str:
        return f"{self.phrase} {self.number}{self.unit}".strip()


def clause_digest(view: str) -> int:
    return int.from_bytes(hashlib.blake2b(view.encode(), digest_size=8).digest(), "little")


def split_clauses(text: str, min_chars: int = 6) -> tuple[Clause, ...]:
    """Clauses of the stored text whose hash view has at least `min_chars` characters."""
    seps = [(m.start(), m.end()) for m in _CLAUSE_SPLIT.finditer(text)]
    spans = list(zip([0] + [e for _, e in seps], [s for s, _ in seps] + [len(text)], strict=True))
    parts = [text[s:e] for s, e in spans]
    return tuple(
        Clause(
            part.strip(),
            view,
            clause_digest(view),
            damaged_near(text, s, e),
        )
        for part, view, (s, e) in zip(parts, hash_views(parts), spans, strict=True)
        if len(view) >= max(min_chars, 1)
    )


def _phrase(clause: str, start: int, end: int) -> str:
    before = re.sub(r"[\s\d.]+$", "", clause[:start])[-_PHRASE_CHARS:]
    # Only the words right before the number: cut at the last figure or separator.
    before = re.split(r"[\d%％（）()“”\"'、 ]", before)[-1]
    before = _VERBS.sub("", re.sub(r"(?:近|约|达|超过|逾|共|计)+$", "", before))
    if len(before) >= 2:
        return before
    after = re.split(r"[\d%％（）()“”\"'、 ]", clause[end:])[0]
    return _VERBS.sub("", after[:_PHRASE_CHARS])


def extract_figures(text: str) -> tuple[Figure, ...]:
    """Figures in `text`, in order: value, unit and the phrase each one measures."""
    figures = []
    for part in _CLAUSE_SPLIT.split(text):
        for m in _FIGURE.finditer(part):
            figure = _figure(m, part)
            if figure is not None:
                figures.append(figure)
    return tuple(figures)


def _figure(m: re.Match[str], part: str) -> Figure | None:
    num, mag, unit = m.group("num"), m.group("mag") or "", m.group("unit") or ""
    # A bare number is no figure, and a bare year ("2020年") is a date.
    if not (mag or unit) or (unit == "年" and len(num) == 4 and not mag):
        return None
    number, value = num + (m.group("approx") or ""), float(num)
    if m.group("magapprox"):
        # 1万余人: the approximation sits inside, so the unit is 人 and the value 10000.
        number, value = number + mag + m.group("magapprox"), value * MAGNITUDES[mag]
    else:
        unit = mag + unit  # 2亿元 counts in 亿元, as 万元 always did
    return Figure(
        value=value,
        unit=unit.replace("％", "%"),
        phrase=_phrase(part, m.start(), m.end()),
        text=part.strip(),
        number=number,
    )


def shared_runs(mine: Sequence[Clause], shared: set[int]) -> tuple[str, ...]:
    """Runs of consecutive shared clauses of `mine`, joined with '，' (this doc's wording)."""
    runs: list[list[str]] = []
    previous = False
    for clause in mine:
        if clause.digest in shared:
            if previous:
                runs[-1].append(clause.text)
            else:
                runs.append([clause.text])
            previous = True
        else:
            previous = False
    seen: set[str] = set()
    out = []
    for run in runs:
        joined = "，".join(run)
        if joined not in seen:
            seen.add(joined)
            out.append(joined)
    return tuple(out)


def figure_notes(passages: Sequence[str], mine: str, other: str) -> tuple[str, ...]:
    """Figures in the shared passages, then figures whose value changed (other → mine)."""
    return figure_notes_of(passages, unique_figures(mine), unique_figures(other))


def figure_notes_of(
    passages: Sequence[str],
    mine: dict[tuple[str, str], str],
    theirs: dict[tuple[str, str], str],
) -> tuple[str, ...]:
    """figure_notes with both documents' `unique_figures` computed by the caller."""
    notes: list[str] = []
    for passage in passages:
        for fig in extract_figures(passage):
            if fig.label not in notes:
                notes.append(fig.label)
    # A changed figure: the same phrase and unit, once in each document, other digits.
    for (phrase, unit), number in mine.items():
        old = theirs.get((phrase, unit))
        if old is not None and old != number:
            notes.append(f"{phrase} {old}{unit} → {number}{unit}")
    return tuple(notes)


def unique_figures(text: str) -> dict[tuple[str, str], str]:
    """(phrase, unit) -> number, for figures whose phrase and unit occur once in `text`."""
    counts: dict[tuple[str, str], list[str]] = {}
    for fig in extract_figures(text):
        if len(fig.phrase) >= 2:
            counts.setdefault((fig.phrase, fig.unit), []).append(fig.number)
    return {k: v[0] for k, v in counts.items() if len(v) == 1}


def is_shared_passage(clauses: Sequence[Clause], min_total: int = 20) -> bool:
    """Enough repeated text to link two reports: two clauses and `min_total` characters,
    at least one clause carrying a figure or being long (slogans alone do not link)."""
    if len(clauses) < 2:
        return False
    total = sum(len(c.view) for c in clauses)
    telling = any(len(c.view) >= 12 or any(ch.isdigit() for ch in c.view) for c in clauses)
    return total >= min_total and telling
