"""The portal spider's discovery pages: lists, feeds, sitemaps and site search.

Each page's links go through the frontier's classification (article pattern, list pattern,
links that look like articles) and are noted before the page is recorded. A mixin of
PortalSpider (crawler/spiders/portal.py), which owns the frontier, the state and records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from crawler.frontier import Link
from crawler.records import ARTICLE, FEED, LIST, SEARCH, SITEMAP
from crawler.spiders import pagetext

if TYPE_CHECKING:
    from crawler.spiders.portal import PortalSpider

    _Base = PortalSpider
else:
    _Base = object


class DiscoveryPages(_Base):
    def _search_req(self, query: str, page: int) -> Request:
        assert self.site.search is not None
        url = self.site.search.url.replace("{query}", quote(query)).replace("{page}", str(page))
        return Request(
            url,
            callback=self.parse_search,
            errback=self.on_error,
            meta={"kind": SEARCH, "depth": 0, "query": query, "page": page},
        )

    def parse_list(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        assert self.frontier is not None
        tree = pagetext.page_tree(response)
        found = self.frontier.classify(pagetext.links(tree, response.url), self._depth(response))
        self.frontier.list_yield(response.url, found)
        yield from self._then_record(response, LIST, found)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        assert self.frontier is not None
        entries = [
            pagetext.Link(urljoin(response.url, e.url), e.text)
            for e in pagetext.feed_entries(response.body)
        ]
        found = self.frontier.classify(entries, self._depth(response), lists=False)
        yield from self._then_record(response, FEED, found)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        assert self.frontier is not None
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("AIDCORPUS_MAX_BODY"))
        root, entries = pagetext.sitemap_entries(body)
        depth = self._depth(response)
        links = [pagetext.Link(urljoin(response.url, e.url), e.text) for e in entries]
        if root == "sitemapindex":
            found = [Link(link.url, SITEMAP, depth) for link in links]
            if len(found) > self.site.max_list_pages:
                self._stat("trap/sitemap-limit")
                found = found[: self.site.max_list_pages]
        else:
            # news sitemaps carry titles; plain ones only URLs, which no gate can judge
            found = self.frontier.classify([x for x in links if x.text], depth, lists=False)
            plain = [x for x in links if not x.text]
            found += self.frontier.classify(plain, depth, lists=False, gate=False)
        yield from self._then_record(response, SITEMAP, found)

    def parse_search(self, response: Response) -> Iterator[Any]:
        assert self.site.search is not None and self.frontier is not None
        if self.site.search.format == "json":
            urls = [urljoin(response.url, s.strip()) for s in pagetext.json_strings(response.body)]
        else:
            tree = pagetext.page_tree(response)
            urls = [link.url for link in pagetext.links(tree, response.url)]
        found = [
            Link(u, ARTICLE, self._depth(response), "pattern")
            for u in dict.fromkeys(urls)
            if self.frontier.article_re.search(u)
        ]
        yield from self._then_record(response, SEARCH, found)
        page = int(response.meta.get("page", 1))
        if found and page < self.site.search.max_pages:
            yield self._search_req(response.meta["query"], page + 1)
