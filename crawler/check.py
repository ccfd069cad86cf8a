"""check-site: fetch a handful of a profile's pages live and say whether discovery still finds
article URLs and extraction still gives a title and text. Plain urllib (crawler.fetch),
robots.txt obeyed, bounded in pages and time; reads the User-Agent from crawler.settings.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

from parsel import Selector

from crawler.fetch import Fetcher, Response
from crawler.settings import USER_AGENT
from crawler.sites import Site, SiteError, get_site, load_sites
from crawler.spiders import pagetext
from extract import Article, Page, extract_page
from extract.decode import decode_html

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageCheck:
    """One fetched page: a discovery page (start/sitemap/feed/search) or an article."""

    kind: str  # "start" | "sitemap" | "feed" | "search" | "article"
    url: str
    status: int = 0  # HTTP status; 0 when nothing came back
    problem: str = ""  # "" when fine, else a short key: robots, http-404, timeout, short-text …
    article_links: int = 0  # discovery pages: links matching article_pattern
    topic_links: int = 0  # … of which the anchor or URL names a topic term
    title: str = ""
    text_chars: int = 0
    terms: tuple[str, ...] = ()

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
        arts = self.articles
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
            else:
                detail = f"{p.article_links} article links ({p.topic_links} on topic)"
            mark = "ok " if p.ok else "!! "
            problem = f" [{p.problem}]" if p.problem else ""
            lines.append(f"  {mark}{p.kind:<8}{status:>4} {p.url}{problem}  {detail}".rstrip())
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def _selector(resp: Response) -> Selector:
    decoded = decode_html(resp.body, resp.headers)
    return Selector(text=decoded.text or "<html></html>", type="html")


def _discover(site: Site, kind: str, resp: Response) -> tuple[list[str], int, list[str]]:
    """Article URLs on a discovery page (on-topic first), how many are on topic, and the
    child sitemaps of a sitemap index."""
    links: list[pagetext.Link] = []
    children: list[str] = []
    if kind == "feed":
        links = list(pagetext.feed_entries(resp.body))
    elif kind == "sitemap":
        root, links = pagetext.sitemap_entries(resp.body)
        if root == "sitemapindex":
            children, links = [link.url for link in links], []
    elif kind == "search" and site.search is not None and site.search.format == "json":
        links = [pagetext.Link(s.strip(), "") for s in pagetext.json_strings(resp.body)]
    else:
        links = list(pagetext.links(_selector(resp), resp.url))
    article_re = site.article_re()
    on_topic, other = [], []
    for link in links:
        url = urljoin(resp.url, link.url)
        if article_re.search(url):
            matched = pagetext.link_terms(link, site.topic_terms)
            (on_topic if matched else other).append(url)
    topical = list(dict.fromkeys(on_topic))
    return list(dict.fromkeys(topical + other)), len(topical), children


def _sources(site: Site, max_sources: int) -> list[tuple[str, str]]:
    per_kind: list[list[tuple[str, str]]] = [
        [("start", u) for u in site.start_urls],
        [("sitemap", u) for u in site.sitemaps],
        [("feed", u) for u in site.feeds],
    ]
    if site.search is not None:
        query = (site.search.terms or site.topic_terms or ("援疆",))[0]
        url = site.search.url.replace("{query}", quote(query)).replace("{page}", "1")
        per_kind.append([("search", url)])
    # one of each method first, so a broken method shows even when another works
    ordered = [src for rank in range(max(map(len, per_kind))) for k in per_kind
               for src in k[rank : rank + 1]]
    return ordered[:max_sources]


def _check_article(site: Site, resp: Response, min_text: int) -> PageCheck:
    if resp.problem:
        return PageCheck("article", resp.url, resp.status, resp.problem)
    page = Page(url=resp.url, body=resp.body, headers=resp.headers, site=site.name,
                topic_terms=site.topic_terms)
    result = extract_page(page)
    if not isinstance(result, Article):
        return PageCheck("article", resp.url, resp.status, f"dropped/{result.reason}")
    chars = len(result.text)
    problem = "no-title" if not result.title.strip() else ""
    if chars < min_text:
        problem = problem or "short-text"
    return PageCheck("article", resp.url, resp.status, problem, title=result.title.strip(),
                     text_chars=chars, terms=result.topic_terms)


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
    user_agent: str = USER_AGENT,
) -> CheckReport:
    """Fetch up to `max_sources` discovery pages and `max_pages` articles of one profile."""
    if max_pages < 1 or max_sources < 1 or timeout <= 0:
        raise ValueError("max_pages, max_sources and timeout must be positive")
    if isinstance(site, str):
        site = get_site(site, sites_dir)
    site = site.for_base(base_url)
    started = time.monotonic()
    fetcher = Fetcher(timeout, delay, started + budget, user_agent, allow_loopback=site.local)
    pages: list[PageCheck] = []
    found: list[str] = []
    queue = _sources(site, max_sources)
    while queue:
        kind, url = queue.pop(0)
        resp = fetcher.get(url)
        if resp.problem:
            pages.append(PageCheck(kind, url, resp.status, resp.problem))
            continue
        urls, topical, children = _discover(site, kind, resp)
        room = max_sources - len(pages) - len(queue) - 1
        queue.extend(("sitemap", c) for c in children[: max(0, room)])
        problem = "" if urls or children else "no-articles"
        pages.append(PageCheck(kind, url, resp.status, problem, len(urls), topical))
        found.extend(u for u in urls if u not in found)
    for url in found[:max_pages]:
        pages.append(_check_article(site, fetcher.get(url), min_text))
    notes = []
    if not found:
        notes.append("no article links found: has the site changed its URLs or lists?")
    if any(p.problem == "budget" for p in pages):
        notes.append(f"time budget of {budget:.0f}s used up")
    seconds = time.monotonic() - started
    log.info("check-site %s: %d fetches in %.1fs", site.name, fetcher.count, seconds)
    return CheckReport(site.name, site.outlet, tuple(pages), seconds, tuple(notes))


def format_sites(sites_dir: Path | str | None = None) -> str:
    """One line per profile, for `aidcorpus sites`: name, outlet, discovery methods."""
    lines = []
    for name, s in sorted(load_sites(sites_dir).items()):
        ways = [w for w, on in (("lists", s.start_urls), ("sitemaps", s.sitemaps),
                                ("feeds", s.feeds), ("search", s.search)) if on]
        local = " (local)" if s.local else ""
        lines.append(f"{name:<18} {s.outlet}{local}  [{', '.join(ways)}]")
    return "\n".join(lines)


__all__ = ["CheckReport", "PageCheck", "SiteError", "check_site", "format_sites"]
