"""The one generic spider: a Site profile drives lists, sitemaps, feeds and site search.

It only fetches: every response becomes a FetchRecord handed to the spider's Archive (WARC,
then crawl state), not an item: Scrapy's item machinery cost more than the archiving itself.
Articles get their topic terms (kept/skipped is counted, ingest applies the gate). Articles
archived whole within refresh_after_days are not requested again (`skip/seen`). Reads
CRAWL_STATE_PATH (unless run.py hands a shared state) and AIDCORPUS_REFRESH_AFTER_DAYS.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import quote, urljoin

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from crawler.archive import Archive
from crawler.sites import Site
from crawler.spiders import pagetext
from crawler.state import CrawlState, fresh
from crawler.warc import FetchRecord, now_iso

log = logging.getLogger(__name__)
DEFAULT_QUERIES = ("援疆",)


class PortalSpider(Spider):
    name = "portal"

    def __init__(self, site: Site, state: CrawlState | None = None, **kwargs: Any):
        super().__init__(name=f"portal-{site.name}", **kwargs)
        self.site = site
        self.article_re = site.article_re()
        self.list_re = site.list_re()
        self.list_pages = 0
        self.state: CrawlState | None = state
        self._own_state = False
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        days = crawler.settings.getfloat("AIDCORPUS_REFRESH_AFTER_DAYS", 0)
        if days > 0:
            spider.site = dataclasses.replace(spider.site, refresh_after_days=days)
        path = crawler.settings.get("CRAWL_STATE_PATH")
        if spider.state is None and path:
            spider.state = CrawlState(path, batch=True)
            spider._own_state = True
        if crawler.settings.get("WARC_DIR"):
            prefix = f"aidcorpus-{spider.site.name}"
            spider.archive = Archive.from_crawler(crawler, spider.state, prefix)
        crawler.signals.connect(spider._close, signal=signals.spider_closed)
        return spider

    def _close(self) -> None:
        if self.archive is not None:
            self.archive.close()
        if self.state is not None:
            self.state.commit()
            if self._own_state:
                self.state.close()

    def _stat(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, n)

    # --- requests ---------------------------------------------------------------------

    def _req(self, url: str, kind: str, **meta: Any) -> Request:
        callback = {
            "list": self.parse_list,
            "article": self.parse_article,
            "part": self.parse_article,
            "url": self.parse_article,
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "search": self.parse_search,
        }[kind]
        return Request(url, callback=callback, errback=self.on_error, meta={"kind": kind, **meta})

    def _follow(self, urls: Iterable[tuple[str, str]]) -> Iterator[Request]:
        """Requests for (url, kind) links, bounded list pages, remembered as discovered."""
        chosen: list[tuple[str, str]] = []
        unknown: set[str] = set()
        for url, kind in urls:
            if self._seen(url, kind, unknown):
                continue
            if kind == "list":
                if self.list_pages >= self.site.max_list_pages:
                    self._stat("trap/list-limit")
                    continue
                self.list_pages += 1
            chosen.append((url, kind))
        if self.state is not None:
            self.state.note_discovered(self.site.name, chosen)
        for url, kind in chosen:
            # a page the state has never stored needs no conditional-request look-up
            yield self._req(url, kind, stored=False) if url in unknown else self._req(url, kind)

    def _seen(self, url: str, kind: str, unknown: set[str] | None = None) -> bool:
        """An article archived whole within the profile's refresh_after_days: not requested.
        Articles the state does not know at all are added to `unknown`."""
        if kind not in ("article", "url") or self.state is None:
            return False
        page = self.state.get(url)
        if page is None and unknown is not None:
            unknown.add(url)
        if not fresh(page, self.site.refresh_after_days):
            return False
        self._stat("skip/seen")
        return True

    async def start(self) -> AsyncIterator[Any]:
        site = self.site
        if self.state is not None:
            pending = self.state.pending(site.name)
            if pending:
                log.info("%s: %d pending pages from earlier runs", site.name, len(pending))
            for url, kind in pending:
                if kind == "list":
                    self.list_pages += 1
                kinds = ("list", "article", "url", "feed", "sitemap")
                if kind in kinds and not self._seen(url, kind):
                    yield self._req(url, kind)
        for url in site.start_urls:
            yield self._req(url, "list")
        for url in site.sitemaps:
            yield self._req(url, "sitemap")
        for url in site.feeds:
            yield self._req(url, "feed")
        if site.search is not None:
            for query in site.search.terms or site.topic_terms or DEFAULT_QUERIES:
                yield self._search_req(query, 1)

    def _search_req(self, query: str, page: int) -> Request:
        assert self.site.search is not None
        url = self.site.search.url.replace("{query}", quote(query)).replace("{page}", str(page))
        return self._req(url, "search", query=query, page=page)

    # --- records ----------------------------------------------------------------------

    def _record(self, response: Response, kind: str, **fields: Any) -> Iterator[FetchRecord]:
        """Archive the response; without an archive (no WARC_DIR) hand it on as an item."""
        self._stat("crawl/pages")
        rec = FetchRecord(
            url=response.url,
            request_url=response.request.url if response.request else response.url,
            status=response.status,
            headers=pagetext.header_pairs(response.headers),
            body=response.body,
            request_headers=pagetext.header_pairs(response.request.headers)
            if response.request
            else (),
            site=self.site.name,
            kind=kind,
            fetched=now_iso(),
            **fields,
        )
        if self.archive is not None:
            self.archive.add(rec)
        else:
            yield rec

    def _not_modified(self, response: Response) -> bool:
        if response.status != 304:
            return False
        self._stat("crawl/not-modified")
        if self.state is not None:
            self.state.record_not_modified(
                response.request.url if response.request else response.url
            )
        return True

    def _then_record(
        self, response: Response, kind: str, found: list[tuple[str, str]]
    ) -> Iterator[Any]:
        """Note the links as discovered *before* the page is recorded: a kill in between
        must not leave a stored list page (answered 304 next time) whose links are lost."""
        requests = list(self._follow(found))
        yield from self._record(response, kind)
        yield from requests

    # --- callbacks --------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        tree = pagetext.page_tree(response)
        found: list[tuple[str, str]] = []
        for link in pagetext.links(tree, response.url):
            if self.article_re.search(link.url):
                if self.site.gate_links and not pagetext.link_terms(link, self.site.topic_terms):
                    self._stat("gate/link-dropped")
                    continue
                found.append((link.url, "article"))
            elif self.list_re is not None and self.list_re.search(link.url):
                found.append((link.url, "list"))
        yield from self._then_record(response, "list", found)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        meta = response.meta
        kind = meta["kind"]
        part = int(meta.get("part", 1))
        first = meta.get("part_of") or response.url
        tree = pagetext.page_tree(response)
        nxt = None
        if part < self.site.max_parts:
            seen = meta.get("parts_seen", ())
            nxt = pagetext.next_part(tree, response.url, first, part, seen)
        elif part == self.site.max_parts:
            self._stat("trap/part-limit")
        multi = nxt is not None or part > 1
        terms: tuple[str, ...] = ()
        kept = None
        if part == 1:
            terms = pagetext.page_terms(tree, self.site.topic_terms)  # edits tree: last use
            kept = bool(terms)
            self._stat("articles/kept" if kept else "articles/skipped")
        yield from self._record(
            response,
            kind if part == 1 else "part",
            part_of=first if multi else None,
            part=part if multi else None,
            last_part=nxt is None,
            topic_terms=terms,
            kept=kept,
        )
        if nxt is not None:
            seen = (*meta.get("parts_seen", ()), response.url)
            yield Request(
                nxt,
                callback=self.parse_article,
                errback=self.on_error,
                meta={"kind": "part", "part_of": first, "part": part + 1, "parts_seen": seen},
            )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        found = []
        for entry in pagetext.feed_entries(response.body):
            url = urljoin(response.url, entry.url)
            if not self.article_re.search(url):
                self._stat("feed/link-unmatched")
            elif self.site.gate_links and not pagetext.link_terms(entry, self.site.topic_terms):
                self._stat("gate/link-dropped")
            else:
                found.append((url, "article"))
        yield from self._then_record(response, "feed", found)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("AIDCORPUS_MAX_BODY"))
        kind, entries = pagetext.sitemap_entries(body)
        found = []
        for entry in entries:
            url = urljoin(response.url, entry.url)
            if kind == "sitemapindex":
                found.append((url, "sitemap"))
            elif self.article_re.search(url):
                gate = self.site.gate_links and entry.text  # news sitemaps carry titles
                if gate and not pagetext.link_terms(entry, self.site.topic_terms):
                    self._stat("gate/link-dropped")
                    continue
                found.append((url, "article"))
        if len([k for _, k in found if k == "sitemap"]) > self.site.max_list_pages:
            self._stat("trap/sitemap-limit")
            found = found[: self.site.max_list_pages]
        yield from self._then_record(response, "sitemap", found)

    def parse_search(self, response: Response) -> Iterator[Any]:
        assert self.site.search is not None
        if self.site.search.format == "json":
            urls = [urljoin(response.url, s.strip()) for s in pagetext.json_strings(response.body)]
        else:
            tree = pagetext.page_tree(response)
            urls = [link.url for link in pagetext.links(tree, response.url)]
        found = list(dict.fromkeys(u for u in urls if self.article_re.search(u)))
        yield from self._then_record(response, "search", [(u, "article") for u in found])
        page = int(response.meta.get("page", 1))
        if found and page < self.site.search.max_pages:
            yield self._search_req(response.meta["query"], page + 1)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("kind", "?")
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # refused (counted where it happened): status -1 so it is not re-queued; a
            # refused redirect also settles the URLs that led to it
            if self.state is not None and kind != "part":
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
                status = 0
            else:
                self._stat(f"errors/{name}")
                status = 0
        log.debug("fetch failed (%s): %s", failure.value, request.url)
        if self.state is not None and kind != "part":
            self.state.record_failure(request.url, self.site.name, kind, status)
