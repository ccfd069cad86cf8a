"""Drift reports: how well a profile's article_pattern still fits the site, per run.

Built from a spider's frontier at the end of its crawl (crawler/child.py, check-site) and
kept in the run stats; `warning` is the line the run summary prints when the pattern rots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.discovery import LEARNED, PROBING, REFUSED, TRAP
from crawler.urlshape import url_shape

WARN_SHARE = 0.8  # the pattern matching fewer than this share of article links is drift
WARN_MIN_LINKS = 5  # ... once there are this many


@dataclass(frozen=True, slots=True)
class Drift:
    site: str
    article_links: int  # links on lists, feeds, sitemaps that look like articles (not refused)
    pattern_links: int  # ... of which article_pattern matched
    confirmed: int  # fetched pages whose evidence said "article"
    pattern_confirmed: int  # ... of which article_pattern matched
    probes: int  # pages fetched on URL shape alone
    learned: tuple[str, ...]  # learned article shapes (host + path regex)
    refused: tuple[str, ...]  # shapes whose pages were not articles
    traps: tuple[str, ...]  # list shapes that kept giving nothing new
    pages: int = 0  # responses archived for this site in this run (304s aside)
    not_modified: int = 0  # 304 answers
    failed: int = 0  # requests that ended in an error or a refusal (offsite, address, ...)

    @property
    def fetched_nothing(self) -> bool:
        """Every request failed: the site is down, or its start URLs are refused or wrong
        (a run that got nothing from a site otherwise said nothing and exited 0)."""
        return self.pages == 0 and self.not_modified == 0 and self.failed > 0

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
        if self.fetched_nothing:
            return (
                f"{self.site}: no page fetched ({self.failed} request(s) failed or refused):"
                " is the site down, or are its start URLs wrong? (see the crawl log)"
            )
        if not self.drifting:
            return None
        return self.line() + ": update the profile's article_pattern"


def drift_of(site: str, frontier: Any, stats: dict[str, Any] | None = None) -> Drift:
    """The drift report of one site's crawl from its spider's frontier (and its Scrapy
    stats: what was fetched, what failed)."""
    d = frontier.drift
    stats = stats or {}
    failed = sum(v for k, v in stats.items() if k.startswith(("errors/", "refused/")))

    def shapes(role: str) -> tuple[str, ...]:
        known = frontier.book.known.items()
        return tuple(sorted(f"{h}{t}" for (h, t), c in known if c.role == role))

    # a link that only looked like an article (a video, an author page: its page or its
    # shape refused) is not one the pattern should have matched
    book = frontier.book
    looked = d.article_links - d.refuted_urls
    open_roles = (LEARNED, PROBING)
    articles = d.pattern_links | {u for u in looked if book.role(url_shape(u)) in open_roles}
    return Drift(
        site=site,
        article_links=len(articles),
        pattern_links=len(d.pattern_links),
        confirmed=d.confirmed,
        pattern_confirmed=d.pattern_confirmed,
        probes=frontier.probes,
        learned=shapes(LEARNED),
        refused=shapes(REFUSED),
        traps=shapes(TRAP),
        pages=int(stats.get("crawl/pages", 0)),
        not_modified=int(stats.get("crawl/not-modified", 0)),
        failed=int(failed),
    )
