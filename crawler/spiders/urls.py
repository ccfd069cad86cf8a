"""Fetch a plain list of URLs as articles (no discovery), archived like portal pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.sites import Site
from crawler.spiders.portal import PortalSpider


def url_list_site(name: str, urls: tuple[str, ...], *, local: bool = False) -> Site:
    """A profile for a URL list: every URL is an article; hosts limited to the list's."""
    return Site(name=name, article_pattern=".", start_urls=urls, local=local)


class UrlListSpider(PortalSpider):
    name = "urls"

    def __init__(self, site: Site, **kwargs: Any):
        super().__init__(site, **kwargs)
        self.allow_local = site.local

    async def start(self) -> AsyncIterator[Any]:
        for url, kind in self.state.pending(self.site.name) if self.state else ():
            if kind == "url" and not self._seen(url, kind):
                yield self._req(url, "url")
        urls = [u for u in dict.fromkeys(self.site.start_urls) if not self._seen(u, "url")]
        if self.state is not None:
            self.state.note_discovered(self.site.name, [(u, "url") for u in urls])
        for url in urls:
            yield self._req(url, "url")
