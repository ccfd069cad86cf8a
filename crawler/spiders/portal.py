"""The one generic spider: a Site profile drives lists, sitemaps, feeds and site search.

Every response is archived (WARC, then crawl state) by the spider's Archive, and the spider
yields one small item per archived page (url, site, kind, WARC record id, status) when
something takes items, so Scrapy's feed exports (`scrapy crawl portal -a site=NAME -O
pages.jsonl`) list what was archived. Which links are requested is the Frontier's call
(crawler/frontier.py); pages found by URL shape alone are kept as articles only when their
evidence says so.
Reads CRAWL_STATE_PATH (unless run.py hands a shared state), DEPTH_LIMIT, FEEDS,
ITEM_PIPELINES, AIDCORPUS_YIELD_ITEMS, AIDCORPUS_REFRESH_AFTER_DAYS, AIDCORPUS_SITES_DIR and
AIDCORPUS_BASE_URL.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import records
from crawler.archive import Archive
from crawler.discovery import ShapeBook
from crawler.frontier import CANDIDATE, Frontier, Link
from crawler.records import ARTICLE, ARTICLE_KINDS, FEED, LIST, PART_KIND, SEARCH, SITEMAP
from crawler.sites import Site, get_site
from crawler.spiders import pagetext
from crawler.spiders.articles import ArticlePages
from crawler.spiders.sources import DiscoveryPages
from crawler.state import CrawlState, fresh
from crawler.warc import FetchRecord, now_iso

log = logging.getLogger(__name__)
DEFAULT_QUERIES = ("援疆",)
CONDITIONAL_KINDS = (LIST, FEED, SITEMAP)


class PortalSpider(DiscoveryPages, ArticlePages, Spider):
    name = "portal"

    def __init__(
        self,
        site: Site | str | None = None,
        state: CrawlState | None = None,
        base_url: str | None = None,
        sites_dir: str | None = None,
        **kwargs: Any,
    ):
        if site is None:
            raise ValueError("name a site profile: scrapy crawl portal -a site=NAME")
        if isinstance(site, str):  # `scrapy crawl portal -a site=NAME [-a base_url=URL]`
            site = get_site(site, sites_dir).for_base(base_url)
        super().__init__(name=f"portal-{site.name}", **kwargs)
        self.site = site
        self.allowed_domains = list(site.domains())  # Scrapy's convention, read by the guard
        self.state: CrawlState | None = state
        self._own_state = False
        self.archive: Archive | None = None
        self.frontier: Frontier | None = None
        self.yield_items = True
        self.gated = True  # a topic gate applies to this site's articles (from_crawler)
        # pages of a multi-page article, held until its last page: archived together, they
        # land in one WARC file (files rotate between flushes; ingest stitches per file)
        self._parts: dict[str, list[FetchRecord]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        settings = crawler.settings
        if isinstance(kwargs.get("site"), str):
            kwargs.setdefault("sites_dir", settings.get("AIDCORPUS_SITES_DIR") or None)
            kwargs.setdefault("base_url", settings.get("AIDCORPUS_BASE_URL") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Items cost Scrapy's item machinery per page: yielded only when something takes them
        # (feed exports such as `-O pages.jsonl`, pipelines, or AIDCORPUS_YIELD_ITEMS).
        spider.yield_items = bool(
            settings.getdict("FEEDS")
            or settings.getdict("ITEM_PIPELINES")
            or settings.getbool("AIDCORPUS_YIELD_ITEMS")
        )
        if spider.site.local:  # before Scrapy freezes the settings: the guard lets it through
            settings.set("AIDCORPUS_ALLOW_LOCAL", True, priority="spider")
        own = spider.site.topic_gate
        spider.gated = own if own is not None else settings.get("AIDCORPUS_TOPIC_GATE") != "off"
        days = settings.getfloat("AIDCORPUS_REFRESH_AFTER_DAYS")
        if days > 0:
            spider.site = dataclasses.replace(spider.site, refresh_after_days=days)
        path = settings.get("CRAWL_STATE_PATH")
        if spider.state is None and path:
            spider.state = CrawlState(path, batch=True)
            spider._own_state = True
        if settings.get("WARC_DIR"):
            prefix = f"aidcorpus-{spider.site.name}"
            spider.archive = Archive.from_crawler(crawler, spider.state, prefix)
        book = spider.state.shapes(spider.site.name) if spider.state is not None else None
        spider.frontier = Frontier(
            spider.site,
            book if book is not None else ShapeBook(),
            max_depth=settings.getint("DEPTH_LIMIT"),
            stat=spider._stat,
            seen=spider._seen,
        )
        crawler.signals.connect(spider._close, signal=signals.spider_closed)
        return spider

    def _close(self) -> None:
        if self.gated:  # the run summary counts off-topic articles only where a gate is on
            self._stat("articles/gated-sites")
        for first in list(self._parts):
            self._release(first)
        if self.archive is not None:
            self.archive.close()
        if self.state is not None:
            assert self.frontier is not None
            self.state.save_shapes(self.site.name, self.frontier.book)
            self.state.commit()
            if self._own_state:
                self.state.close()

    def _stat(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, n)

    # --- requests ---------------------------------------------------------------------

    def _req(self, link: Link) -> Request:
        callback = {
            LIST: self.parse_list,
            FEED: self.parse_feed,
            SITEMAP: self.parse_sitemap,
            SEARCH: self.parse_search,
        }.get(link.kind, self.parse_article)
        meta = {"kind": link.kind, "depth": link.depth, "found_by": link.found_by}
        if link.found_by == "probe":
            meta["anchor"] = link.anchor
        return Request(
            link.url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            headers=self._conditional(link),
        )

    def _conditional(self, link: Link) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for pages refetched every run (lists, feeds,
        sitemaps) and for articles archived whole (refreshed after refresh_after_days)."""
        if self.state is None or link.kind not in (*CONDITIONAL_KINDS, *ARTICLE_KINDS):
            return {}
        if link.kind in ARTICLE_KINDS:
            page = self.state.get(link.url)
            if page is None or not page.complete:
                return {}  # unfinished or never stored: fetch it whole
        headers = self.state.conditional_headers(link.url)
        if headers:
            self._stat("crawl/conditional-requests")
        return headers

    def _follow(self, links: Iterable[Link]) -> Iterator[Request]:
        """Admit links through the frontier, note them in the state, then request them.
        Held candidates are noted (a later run reconsiders them) but not requested."""
        assert self.frontier is not None
        admitted = self.frontier.admit(links)
        if self.state is not None:
            by_depth: dict[int, list[tuple[str, str]]] = {}
            for link in admitted:
                by_depth.setdefault(link.depth, []).append((link.url, link.kind))
            for depth, pairs in by_depth.items():
                self.state.note_discovered(self.site.name, pairs, depth)
        for link in admitted:
            if link.requested:
                yield self._req(link)

    def _seen(self, url: str) -> bool:
        """An article archived whole within the profile's refresh_after_days."""
        if self.state is None:
            return False
        if not fresh(self.state.get(url), self.site.refresh_after_days):
            return False
        self._stat("skip/seen")
        return True

    async def start(self) -> AsyncIterator[Any]:
        site = self.site
        assert self.frontier is not None
        if self.state is not None:
            pending = self.state.pending(site.name)
            if pending:
                log.info("%s: %d pending pages from earlier runs", site.name, len(pending))
            for url, kind, depth in pending:
                if kind in (LIST, ARTICLE, records.URL, FEED, SITEMAP, CANDIDATE):
                    for request in self._follow([Link(url, kind, depth)]):
                        yield request
        links = [Link(u, LIST, 0) for u in site.start_urls]
        links += [Link(u, SITEMAP, 0) for u in site.sitemaps]
        links += [Link(u, FEED, 0) for u in site.feeds]
        for request in self._follow(links):
            yield request
        if site.search is not None:
            for query in site.search.terms or site.topic_terms or DEFAULT_QUERIES:
                yield self._search_req(query, 1)

    # --- records ----------------------------------------------------------------------

    def _record(self, response: Response, kind: str, **fields: Any) -> Iterator[dict[str, Any]]:
        """Archive the response and yield its item (url, site, kind, WARC record id)."""
        self._stat("crawl/pages")
        request = response.request
        rec = FetchRecord(
            url=response.url,
            request_url=request.url if request else response.url,
            status=response.status,
            headers=pagetext.header_pairs(response.headers),
            body=response.body,
            request_headers=pagetext.header_pairs(request.headers) if request else (),
            site=self.site.name,
            kind=kind,
            fetched=now_iso(),
            record_id=records.new_record_id(),
            **fields,
        )
        if self.archive is not None:
            if rec.part_of is None:
                self.archive.add(rec)
            elif not rec.last_part:
                self._parts.setdefault(rec.part_of, []).append(rec)
            else:
                held = self._parts.pop(rec.part_of, [])
                self.archive.add_article([*held, rec], whole=True)
        if not self.yield_items:
            return
        yield {
            "url": rec.url,
            "site": rec.site,
            "kind": kind,
            "record_id": rec.record_id if self.archive is not None else None,
            "status": rec.status,
        }

    def _not_modified(self, response: Response) -> bool:
        if response.status != 304:
            return False
        self._stat("crawl/not-modified")
        if self.state is not None:
            self.state.record_not_modified(
                response.request.url if response.request else response.url
            )
        return True

    def _then_record(self, response: Response, kind: str, found: list[Link]) -> Iterator[Any]:
        """Note the links as discovered *before* the page is recorded: a kill in between
        must not leave a stored list page (answered 304 next time) whose links are lost."""
        requests = list(self._follow(found))
        yield from self._record(response, kind)
        yield from requests

    def _depth(self, response: Response) -> int:
        return int(response.meta.get("depth", 0)) + 1

    # --- callbacks --------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("kind", "?")
        if request.meta.get("part_of"):
            # a next page that is gone (404, 410) or refused (robots, guard, size) ends
            # the article where it is; a network error, 5xx or 429 leaves it incomplete
            gone = failure.check(HttpError) and failure.value.response.status in (404, 410)
            refused = failure.check(IgnoreRequest) and not failure.check(HttpError)
            self._release(request.meta["part_of"], whole=bool(gone or refused))
        if request.meta.get("found_by") == "probe" and self.frontier is not None:
            # a probe that fails tells nothing about its shape, but frees its slot
            yield from self._follow(self.frontier.probe_failed(request.url))
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # refused (counted where it happened): status -1 so it is not re-queued; a
            # refused redirect also settles the URLs that led to it
            if self.state is not None and kind != PART_KIND:
                for url in dict.fromkeys([*request.meta.get("redirect_urls", ()), request.url]):
                    self.state.record_failure(url, self.site.name, kind, -1)
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            self._stat(f"errors/http-{status}")
        else:
            name = type(failure.value).__name__
            if name == "DownloadCancelledError":
                self._stat("refused/too-large")
            else:
                self._stat(f"errors/{name}")
            status = 0
        log.debug("fetch failed (%s): %s", failure.value, request.url)
        if self.state is not None and kind != PART_KIND:
            self.state.record_failure(request.url, self.site.name, kind, status)
