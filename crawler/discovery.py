"""Discovery that does not hang on an exact article_pattern: page evidence and the per-site
book of learned, refused and trap URL shapes (the shapes themselves: crawler/urlshape.py).

A profile's article_pattern is a hint. A link on a list page that the pattern misses but
whose URL looks like an article (date or id segments, an article extension, a headline for
anchor, a place beside articles in a list, a shape learned already) is fetched as a probe,
within a per-site budget and at most PROBES_AT_ONCE per URL shape; the page's evidence (a
main-text run, a date, a title or the link's headline) confirms or refutes the shape.
Confirmed shapes are learned (kept in the crawl state, reused by later runs); refuted ones
are refused; list shapes whose pages keep yielding nothing new are traps. Pure functions and
one plain class: no Scrapy, no I/O (the spider and crawler/state.py do those).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from crawler.urlshape import CJK, url_shape
from extract.dates import find_dates, url_date
from extract.density import best_run

# --- page evidence --------------------------------------------------------------------------

MIN_TEXT = 150  # characters of main text that make a page an article on their own
MIN_DATED_TEXT = 60  # ... or this many with a date and a title


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a fetched page shows of being an article (extract's own main-text run)."""

    title: str
    date: str | None
    text_chars: int
    headline: bool = False  # the anchor that led here is the page's title or heading

    @property
    def confirms(self) -> bool:
        if self.text_chars >= MIN_TEXT:
            return True
        return bool((self.date or self.headline) and self.title) and (
            self.text_chars >= MIN_DATED_TEXT
        )


def _squeeze(text: str) -> str:
    return "".join(text.split())


def page_evidence(root: etree._Element, url: str, anchor: str = "") -> Evidence:
    """Title, date and main-text length of a parsed page; `anchor`, the text of the link
    that led here, is checked against its title and headings. Prunes the tree: use it last."""
    title = " ".join(" ".join(root.xpath("//title//text()")).split())[:200]
    heads = " ".join(root.xpath("//h1//text() | //h2//text()"))
    if not title:
        title = " ".join(heads.split())[:200]
    head = _squeeze(anchor)
    headline = len(CJK.findall(head)) >= 6 and head in _squeeze(f"{title} {heads}")
    run = best_run(root)
    chars = sum(len(line) for line in run.lines)
    found = find_dates(" ".join([*run.before[-8:], *run.lines[:3]]))
    day = found[0].iso if found else None
    if day is None and (from_url := url_date(url)) is not None:
        day = from_url.isoformat()
    return Evidence(title, day, chars, headline)


# --- the per-site book of shapes --------------------------------------------------------------

LEARNED, REFUSED, TRAP, PROBING = "article", "refused", "trap", "probing"
PROBES_AT_ONCE = 3  # probes of one unknown shape in flight before its other links wait
MIN_CONFIRMED = 2  # confirmations that make a shape learned
MIN_REFUTED = 3  # refutations (none confirmed) that make a shape refused
TRAP_DRY_PAGES = 8  # list pages of one shape yielding no new article link: a trap


@dataclass(slots=True)
class ShapeCount:
    role: str = PROBING
    confirmed: int = 0
    refuted: int = 0
    dry: int = 0  # list pages of this shape in a row (across runs) that gave nothing new


@dataclass(slots=True)
class ShapeBook:
    """Learned, refused and trap shapes of one site, with this run's counters.

    `known` comes from the crawl state; `changed` names the shapes to write back.
    """

    known: dict[tuple[str, str], ShapeCount] = field(default_factory=dict)
    changed: set[tuple[str, str]] = field(default_factory=set)
    in_flight: Counter[tuple[str, str]] = field(default_factory=Counter)
    exempt: set[tuple[str, str]] = field(default_factory=set)  # start pages' shapes

    def role(self, shape: tuple[str, str]) -> str:
        count = self.known.get(shape)
        return count.role if count is not None else PROBING

    def may_probe(self, shape: tuple[str, str]) -> bool:
        return self.in_flight[shape] < PROBES_AT_ONCE

    def probing(self, shape: tuple[str, str]) -> None:
        self.in_flight[shape] += 1

    def done(self, shape: tuple[str, str]) -> None:
        """A probe of `shape` came back (or failed): its slot is free."""
        self.in_flight[shape] = max(0, self.in_flight[shape] - 1)

    def needs_evidence(self, url: str) -> bool:
        """Pages the pattern matched are judged until their shape is decided."""
        count = self.known.get(url_shape(url))
        return count is None or count.role == PROBING

    def verdict(self, shape: tuple[str, str], confirmed: bool) -> str:
        """Count one page's evidence for its shape; returns the shape's role."""
        self.done(shape)
        count = self.known.setdefault(shape, ShapeCount())
        if confirmed:
            count.confirmed += 1
        else:
            count.refuted += 1
        if count.role != TRAP:
            if count.confirmed >= MIN_CONFIRMED and count.confirmed > count.refuted:
                count.role = LEARNED
            elif count.refuted >= MIN_REFUTED and count.confirmed * 3 < count.refuted:
                count.role = REFUSED
        self.changed.add(shape)
        return count.role

    def dry(self, shape: tuple[str, str]) -> int:
        count = self.known.get(shape)
        return count.dry if count is not None else 0

    def list_yield(self, shape: tuple[str, str], new_links: int) -> bool:
        """Count a list page of `shape` that gave `new_links` article links new to this run;
        True when the shape has just become a trap. Dry pages add up across runs, so a
        trap cut short by a run's max_list_pages is still caught by a later run."""
        if shape in self.exempt:
            return False
        count = self.known.get(shape)
        if new_links:
            if count is not None and count.dry:
                count.dry = 0
                self.changed.add(shape)
            return False
        count = self.known.setdefault(shape, ShapeCount())
        count.dry += 1
        self.changed.add(shape)
        if count.dry < TRAP_DRY_PAGES or count.role == TRAP:
            return False
        count.role = TRAP
        return True

    def learned(self) -> list[str]:
        return sorted(t for (_, t), c in self.known.items() if c.role == LEARNED)
