"""check-site: fetch a handful of a profile's pages live and say whether discovery still finds
article URLs (and how well article_pattern fits what looks like articles), and whether
extraction still gives a title and text. One fetch path: the crawl's own Scrapy stack and
settings (robots.txt, the address guard after every redirect, size and time limits) in a
child process (`python -m crawler.check SPEC`), bounded in pages and time.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.sites import Site, get_site, site_from_dict, site_to_dict

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageCheck:
    """One fetched page: a discovery page (start/sitemap/feed/search) or an article."""

    kind: str  # "start" | "sitemap" | "feed" | "search" | "article"
    url: str
    status: int = 0  # HTTP status; 0 when nothing came back
    # "" when fine, else a short key: robots, http-404, timeout, private-address, offsite,
    # short-text, no-title, dropped/<reason>, budget (the time budget ran out first) …
    problem: str = ""
    article_links: int = 0  # discovery pages: links matching article_pattern
    topic_links: int = 0  # … of which the anchor or URL names a topic term
    title: str = ""
    text_chars: int = 0
    terms: tuple[str, ...] = ()
    probe: bool = False  # an article the pattern missed, fetched because it looks like one

    @property
    def ok(self) -> bool:
        if self.problem:
            return False
        return self.kind == "article" or self.article_links > 0


@dataclass(frozen=True, slots=True)
class CheckReport:
    site: str
    outlet: str
    pages: tuple[PageCheck, ...]
    seconds: float
    notes: tuple[str, ...] = ()  # run-level remarks: budget exhausted, no article links …

    @property
    def discovery(self) -> tuple[PageCheck, ...]:
        return tuple(p for p in self.pages if p.kind != "article")

    @property
    def articles(self) -> tuple[PageCheck, ...]:
        return tuple(p for p in self.pages if p.kind == "article")

    @property
    def discovery_ok(self) -> bool:
        return any(p.ok for p in self.discovery)

    @property
    def extraction_ok(self) -> bool:
        """At least one article checked and at least half of them extract well."""
        arts = [p for p in self.articles if not p.probe]
        return bool(arts) and 2 * sum(p.ok for p in arts) >= len(arts)

    @property
    def ok(self) -> bool:
        return self.discovery_ok and self.extraction_ok

    def format(self) -> str:
        verdict = "OK" if self.ok else "BROKEN"
        found = sum(p.article_links for p in self.discovery)
        lines = [
            f"check-site {self.site} ({self.outlet}): {verdict} in {self.seconds:.1f}s",
            f"  discovery: {sum(p.ok for p in self.discovery)}/{len(self.discovery)} pages "
            f"found article links ({found} links)",
            f"  extraction: {sum(p.ok for p in self.articles)}/{len(self.articles)} articles "
            "with a title and text",
        ]
        for p in self.pages:
            status = str(p.status) if p.status else "---"
            if p.kind == "article":
                detail = f"{p.text_chars} chars, title {p.title[:40]!r}" if p.title else ""
                if p.terms:
                    detail += f", terms {'/'.join(p.terms[:4])}"
                if p.probe:
                    detail += " (not matched by article_pattern)"
            else:
                detail = f"{p.article_links} article links ({p.topic_links} on topic)"
            mark = "ok " if p.ok else "!! "
            problem = f" [{p.problem}]" if p.problem else ""
            lines.append(f"  {mark}{p.kind:<8}{status:>4} {p.url}{problem}  {detail}".rstrip())
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def check_site(
    site: str | Site,
    *,
    max_pages: int = 5,
    timeout: float = 20.0,
    sites_dir: Path | str | None = None,
    base_url: str | None = None,
    max_sources: int = 4,
    budget: float = 180.0,
    delay: float = 1.0,
    min_text: int = 200,
    user_agent: str | None = None,
    settings: dict[str, Any] | None = None,
) -> CheckReport:
    """Fetch up to `max_sources` discovery pages and `max_pages` articles of one profile
    with the crawl's Scrapy stack: `timeout` per request, `budget` seconds in all, `delay`
    between requests to a host; `settings` are Scrapy overrides as in a run config."""
    if max_pages < 1 or max_sources < 1 or timeout <= 0:
        raise ValueError("max_pages, max_sources and timeout must be positive")
    if isinstance(site, str):
        site = get_site(site, sites_dir)
    site = site.for_base(base_url)
    overrides = {
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_START_DELAY": delay,
        "CLOSESPIDER_TIMEOUT": budget,
        "PROGRESS_INTERVAL": 0,
        "WARC_DIR": "",
        **(settings or {}),
    }
    if user_agent:
        overrides["USER_AGENT"] = user_agent
    from crawler.run import CrawlError, die_with_parent

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aidcorpus-check-") as tmp:
        spec_path, result = Path(tmp) / "spec.json", Path(tmp) / "result.json"
        spec = {
            "site": site_to_dict(site),
            "settings": overrides,
            "max_pages": max_pages,
            "max_sources": max_sources,
            "min_text": min_text,
            "result_path": str(result),
        }
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        argv = [sys.executable, "-m", "crawler.check", str(spec_path)]
        proc = subprocess.Popen(argv, preexec_fn=die_with_parent(os.getpid()))
        try:
            code = proc.wait(timeout=budget + timeout + 60)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if code != 0 or not result.exists():
            raise CrawlError(f"check-site {site.name} failed (exit {code})")
        data = json.loads(result.read_text(encoding="utf-8"))
    pages = tuple(
        PageCheck(**{**p, "terms": tuple(p.get("terms", ()))}) for p in data["pages"]
    )
    notes = list(data["notes"])
    if not any(p.article_links for p in pages if p.kind != "article"):
        notes.insert(0, "no article links found: has the site changed its URLs or lists?")
    seconds = time.monotonic() - started
    return CheckReport(site.name, site.outlet, pages, seconds, tuple(notes))


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child: crawl with CheckSpider, return the pages and notes as plain data."""
    from scrapy.crawler import CrawlerProcess

    from crawler.child import build_settings, keep_quiet
    from crawler.report import drift_of
    from crawler.spiders.check import CheckSpider

    site = site_from_dict(spec["site"])
    settings = build_settings({**spec, "warc_dir": "", "state_path": ""})
    settings.set("WARC_DIR", "", priority="cmdline")
    settings.set("CRAWL_STATE_PATH", "", priority="cmdline")
    settings.set("AIDCORPUS_ALLOW_LOCAL", site.local, priority="cmdline")
    settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    keep_quiet(settings)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(CheckSpider)
    process.crawl(
        crawler, site=site, max_pages=spec["max_pages"], max_sources=spec["max_sources"],
        min_text=spec["min_text"],
    )  # fmt: skip
    process.start()
    spider = crawler.spider
    assert isinstance(spider, CheckSpider) and crawler.stats is not None
    timed_out = crawler.stats.get_value("finish_reason") == "closespider_timeout"
    pages = []
    for url in spider.order:
        page = dict(spider.results[url])
        page.setdefault("problem", "budget" if timed_out else "not-fetched")
        pages.append(page)
    notes = []
    if timed_out:
        notes.append(f"time budget of {settings.getfloat('CLOSESPIDER_TIMEOUT'):.0f}s used up")
    drift = drift_of(site.name, spider.frontier)
    if drift.article_links:
        notes.append("drift: " + drift.line())
    return {"pages": pages, "notes": notes}


def main(argv: list[str] | None = None) -> int:
    from crawler.child import spec_main

    return spec_main(argv, "crawler.check", _child)


if __name__ == "__main__":
    sys.exit(main())
