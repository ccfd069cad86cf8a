"""The check-site spider: a profile's discovery pages, then a few of the articles they link,
through the crawl's own Scrapy stack (robots.txt, address guard, limits). Nothing archived.

Results are plain dicts in `spider.results` (crawler/check.py turns them into a report).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urljoin

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery import ShapeBook, page_evidence
from crawler.frontier import CANDIDATE, Frontier
from crawler.sites import Site
from crawler.spiders import pagetext
from extract import Article, Page, extract_page

log = logging.getLogger(__name__)
PROBES = 2  # article-looking links the pattern missed, fetched to see what they are


class CheckSpider(Spider):
    name = "check"

    def __init__(self, site: Site, *, max_pages: int, max_sources: int, min_text: int, **kw: Any):
        super().__init__(name=f"check-{site.name}", **kw)
        self.site = site
        self.allowed_domains = list(site.domains())
        self.max_pages, self.min_text = max_pages, min_text
        self.sources = _sources(site, max_sources)
        self.max_sources = max_sources
        self.results: dict[str, dict[str, Any]] = {}  # url -> page check, in fetch order
        self.order: list[str] = []
        self.outstanding = 0
        self.found: list[tuple[str, bool]] = []  # (article URL, on topic) by the pattern
        self.candidates: list[str] = []
        self.frontier = Frontier(
            site, ShapeBook(), max_depth=0, stat=lambda key: None, seen=lambda url: False
        )

    def _note(self, kind: str, url: str, **fields: Any) -> None:
        if url not in self.results:
            self.order.append(url)
        self.results[url] = {"kind": kind, "url": url, **fields}

    async def start(self) -> AsyncIterator[Any]:
        for kind, url in self.sources:
            self.outstanding += 1
            yield self._request(kind, url, self.parse_discovery)

    def _request(self, kind: str, url: str, callback: Any, **meta: Any) -> Request:
        self._note(kind, url)
        return Request(
            url, callback=callback, errback=self.on_error, dont_filter=True,
            meta={"check_kind": kind, **meta},
        )  # fmt: skip

    def parse_discovery(self, response: Response) -> Iterator[Request]:
        kind = response.meta["check_kind"]
        url = _asked(response.request) if response.request else response.url
        links, children = self._links(kind, response)
        found = self.frontier.classify(links, 1, lists=False, gate=False)
        matched = [x.url for x in found if x.found_by == "pattern"]
        topical = {x.url for x in links if pagetext.link_terms(x, self.site.topic_terms)}
        on_topic = [u for u in dict.fromkeys(matched) if u in topical]
        for u in dict.fromkeys(matched):
            if u not in {f for f, _ in self.found}:
                self.found.append((u, u in topical))
        self.candidates += [x.url for x in found if x.kind == CANDIDATE]
        problem = "" if matched or children else "no-articles"
        self._note(kind, url, status=response.status, problem=problem,
                   article_links=len(set(matched)), topic_links=len(on_topic))  # fmt: skip
        room = self.max_sources - len(self.results)
        for child in children[: max(0, room)]:
            self.outstanding += 1
            yield self._request("sitemap", child, self.parse_discovery)
        yield from self._done_one()

    def _links(self, kind: str, response: Response) -> tuple[list[pagetext.Link], list[str]]:
        if kind == "feed":
            entries = pagetext.feed_entries(response.body)
        elif kind == "sitemap":
            root, entries_list = pagetext.sitemap_entries(response.body)
            if root == "sitemapindex":
                return [], [urljoin(response.url, e.url) for e in entries_list]
            entries = iter(entries_list)
        elif kind == "search" and self.site.search and self.site.search.format == "json":
            entries = (pagetext.Link(s.strip(), "") for s in pagetext.json_strings(response.body))
        else:
            return list(pagetext.links(pagetext.page_tree(response), response.url)), []
        return [pagetext.Link(urljoin(response.url, e.url), e.text) for e in entries], []

    def _done_one(self) -> Iterator[Request]:
        """After the last discovery page: the articles, on-topic links first."""
        self.outstanding -= 1
        if self.outstanding:
            return
        chosen = [u for u, topical in self.found if topical] + [u for u, t in self.found if not t]
        for url in chosen[: self.max_pages]:
            yield self._request("article", url, self.parse_article)
        room = max(0, self.max_pages - len(chosen))
        for url in list(dict.fromkeys(self.candidates))[: min(PROBES, room) if chosen else PROBES]:
            yield self._request("article", url, self.parse_article, probe=True)

    def parse_article(self, response: Response) -> None:
        url = _asked(response.request) if response.request else response.url
        page = Page(url=response.url, body=response.body, headers=pagetext.header_pairs(
            response.headers), site=self.site.name, topic_terms=self.site.topic_terms)  # fmt: skip
        if response.meta.get("probe"):
            confirmed = page_evidence(pagetext.page_tree(response), response.url).confirms
            self.frontier.verdict(response.url, confirmed, "probe")
        result = extract_page(page)
        if not isinstance(result, Article):
            self._note("article", url, status=response.status, problem=f"dropped/{result.reason}")
            return
        problem = "" if result.title.strip() else "no-title"
        if len(result.text) < self.min_text:
            problem = problem or "short-text"
        self._note(
            "article",
            url,
            status=response.status,
            problem=problem,
            title=result.title.strip(),
            text_chars=len(result.text),
            terms=list(result.topic_terms),
            probe=bool(response.meta.get("probe")),
        )

    def on_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("check_kind", "article")
        status = 0
        if failure.check(HttpError):
            status = failure.value.response.status
            problem = f"http-{status}"
        elif failure.check(IgnoreRequest):
            text = str(failure.value)
            problem = text.split(":", 1)[0].removeprefix("refused/") if text.startswith(
                "refused/") else "robots" if "robots" in text.lower() else "refused"  # fmt: skip
        else:
            name = type(failure.value).__name__
            problem = "timeout" if "Timeout" in name or "timed out" in str(failure.value) else name
        self._note(kind, _asked(request), status=status, problem=problem)
        if kind != "article":
            yield from self._done_one()


def _asked(request: Request) -> str:
    """The URL the check asked for, before any redirect."""
    return str((request.meta.get("redirect_urls") or [request.url])[0])


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
               for src in k[rank : rank + 1]]  # fmt: skip
    return ordered[:max_sources]
