"""Fetch a plain list of URLs as articles (no discovery), archived like portal pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.frontier import Link
from crawler.records import URL
from crawler.sites import Site
from crawler.spiders.portal import PortalSpider


def url_list_site(name: str, urls: tuple[str, ...], *, local: bool = False) -> Site:
    """A profile for a URL list: every URL is an article; hosts limited to the list's."""
    return Site(
        name=name, article_pattern=".", start_urls=urls, local=local, discover=False,
        max_pages=max(len(urls), 1) * 50,
    )  # fmt: skip


class UrlListSpider(PortalSpider):
    name = "urls"

    async def start(self) -> AsyncIterator[Any]:
        pending = [(u, d) for u, k, d in self.state.pending(self.site.name) if k == URL] if (
            self.state is not None
        ) else []  # fmt: skip
        links = [Link(u, URL, d) for u, d in pending]
        links += [Link(u, URL, 0) for u in dict.fromkeys(self.site.start_urls)]
        for request in self._follow(links):
            yield request
