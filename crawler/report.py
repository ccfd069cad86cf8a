"""Drift reports: how well a profile's article_pattern still fits the site, per run.

Built from a spider's frontier at the end of its crawl (crawler/run.py, check-site) and
kept in the run stats; `warning` is the line the run summary prints when the pattern rots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.discovery import LEARNED, REFUSED, TRAP

WARN_SHARE = 0.8  # the pattern matching fewer than this share of article links is drift
WARN_MIN_LINKS = 5  # ... once there are this many


@dataclass(frozen=True, slots=True)
class Drift:
    site: str
    article_links: int  # links on list pages, feeds and sitemaps that look like articles
    pattern_links: int  # ... of which article_pattern matched
    confirmed: int  # fetched pages whose evidence said "article"
    pattern_confirmed: int  # ... of which article_pattern matched
    probes: int  # pages fetched on URL shape alone
    learned: tuple[str, ...]  # learned article shapes (host + path regex)
    refused: tuple[str, ...]  # shapes whose pages were not articles
    traps: tuple[str, ...]  # list shapes that kept giving nothing new

    @property
    def drifting(self) -> bool:
        if self.article_links < WARN_MIN_LINKS:
            return False
        return self.pattern_links < WARN_SHARE * self.article_links

    def line(self) -> str:
        text = (
            f"{self.site}: article_pattern matched {self.pattern_links} of"
            f" {self.article_links} links that look like articles"
        )
        if self.learned:
            shown = ", ".join(f"`{s}`" for s in self.learned[:3])
            more = f" (+{len(self.learned) - 3} more)" if len(self.learned) > 3 else ""
            text += f"; learned {shown}{more}"
        if self.traps:
            text += f"; {len(self.traps)} trap shape(s) skipped"
        return text

    @property
    def warning(self) -> str | None:
        if not self.drifting:
            return None
        return self.line() + ": update the profile's article_pattern"


def drift_of(site: str, frontier: Any) -> Drift:
    """The drift report of one site's crawl from its spider's frontier."""
    d = frontier.drift

    def shapes(role: str) -> tuple[str, ...]:
        known = frontier.book.known.items()
        return tuple(sorted(f"{h}{t}" for (h, t), c in known if c.role == role))

    return Drift(
        site=site,
        article_links=len(d.article_links),
        pattern_links=len(d.pattern_links),
        confirmed=d.confirmed,
        pattern_confirmed=d.pattern_confirmed,
        probes=frontier.probes,
        learned=shapes(LEARNED),
        refused=shapes(REFUSED),
        traps=shapes(TRAP),
    )
