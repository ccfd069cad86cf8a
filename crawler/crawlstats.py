"""A crawl's stats as the crawl child reports them (JSON), one line of summary, and the sum
of several crawl processes' stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CrawlStats:
    sites: tuple[str, ...]
    pages_fetched: int  # responses archived (lists, articles, parts, feeds, ...)
    articles_kept: int  # articles the topic gate keeps (terms matched, or no gate)
    articles_skipped: int  # archived too, but off-topic where a topic gate is on
    articles_seen: int  # not requested: archived whole within refresh_after_days
    not_modified: int  # 304 answers to conditional requests
    errors: int
    refused: int
    retries: int
    warc_records: int
    warc_files: tuple[str, ...]
    recovered_files: tuple[str, ...]  # `.open` files of a killed run, published at start
    elapsed_s: float  # the child's whole run, recovery included
    crawl_s: float  # Scrapy's elapsed_time_seconds (spider open to close, longest site)
    counters: dict[str, int] = field(default_factory=dict)  # every namespaced stats key
    drift: tuple[dict[str, Any], ...] = ()  # per site: crawler.report.Drift as a dict
    log_file: str | None = None  # Scrapy's log of this crawl, when written to a file
    gated: bool = True  # a topic gate was on for some site: off-topic articles are counted

    def summary(self) -> str:
        articles = (
            f"articles kept {self.articles_kept} / off-topic {self.articles_skipped}"
            if self.gated
            else f"{self.articles_kept} articles (topic gate off)"
        )
        return (
            f"crawl {', '.join(self.sites)}: {self.pages_fetched} pages, {articles};"
            f" {self.articles_seen}"
            f" article links not refetched (archived before or linked twice);"
            f" 304 {self.not_modified}, errors {self.errors},"
            f" refused {self.refused}, {len(self.warc_files)} WARC file(s), {self.elapsed_s:.1f}s"
        )

    def warnings(self) -> list[str]:
        """Lines the run summary prints as warnings: profiles whose pattern drifted."""
        from crawler.report import Drift

        found = [Drift(**{**d, **{k: tuple(d[k]) for k in ("learned", "refused", "traps")}})
                 for d in self.drift]  # fmt: skip
        return [w for w in (d.warning for d in found) if w]


def merge_stats(stats: list[CrawlStats]) -> CrawlStats:
    """One crawl's stats from its processes': counts added, files joined, times the longest."""
    if len(stats) == 1:
        return stats[0]
    counters: dict[str, int] = {}
    for s in stats:
        for key, value in s.counters.items():
            counters[key] = counters.get(key, 0) + value
    summed = {
        name: sum(getattr(s, name) for s in stats)
        for name in ("pages_fetched", "articles_kept", "articles_skipped", "articles_seen",
                     "not_modified", "errors", "refused", "retries", "warc_records")
    }  # fmt: skip
    return CrawlStats(
        sites=stats[0].sites,
        warc_files=tuple(f for s in stats for f in s.warc_files),
        recovered_files=tuple(f for s in stats for f in s.recovered_files),
        elapsed_s=max(s.elapsed_s for s in stats),
        crawl_s=max(s.crawl_s for s in stats),
        counters=counters,
        # each process reports the drift it saw: the first report per site stands
        drift=tuple({d.get("site"): d for s in reversed(stats) for d in s.drift}.values()),
        log_file=stats[0].log_file,
        gated=any(s.gated for s in stats),
        **summed,
    )
