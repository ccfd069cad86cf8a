"""The portal spider's article pages: page evidence for what discovery found by URL shape,
and multi-page articles (parts held until the last, archived together).

A mixin of PortalSpider (crawler/spiders/portal.py), which owns the frontier and records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import Response

from crawler import records
from crawler.discovery import LEARNED, page_evidence
from crawler.frontier import Link
from crawler.records import ARTICLE, ARTICLE_KINDS, PAGE, PART_KIND
from crawler.spiders import pagetext
from crawler.urlshape import url_shape

if TYPE_CHECKING:
    from crawler.spiders.portal import PortalSpider

    _Base = PortalSpider
else:
    _Base = object


class ArticlePages(_Base):
    def parse_article(self, response: Response) -> Iterator[Any]:
        if self._not_modified(response):
            return
        meta = response.meta
        part = int(meta.get("part", 1))
        first = meta.get("part_of") or response.url
        tree = pagetext.page_tree(response)
        nxt = None
        if part < self.site.max_parts:
            nxt = pagetext.next_part(tree, response.url, first, part, meta.get("parts_seen", ()))
        elif part == self.site.max_parts:
            self._stat("trap/part-limit")
        kind, terms, kept, released = PART_KIND, (), None, []
        if part == 1:
            kind = meta["kind"] if meta["kind"] in ARTICLE_KINDS else ARTICLE
            terms = pagetext.page_terms(tree, self.site.topic_terms)  # edits the tree
            kind, released = self._judge(response, tree, kind)
            if kind == PAGE:
                nxt = None  # not an article: its "next page" is not a part
            else:
                kept = bool(terms) or not self.gated
                self._stat("articles/kept" if kept else "articles/skipped")
        multi = nxt is not None or part > 1
        yield from self._record(
            response,
            kind,
            part_of=first if multi else None,
            part=part if multi else None,
            last_part=nxt is None,
            topic_terms=terms,
            kept=kept,
            found_by=meta.get("found_by") if part == 1 and kind != PAGE else None,
        )
        if nxt is not None:
            seen = (*meta.get("parts_seen", ()), response.url)
            yield Request(
                nxt,
                callback=self.parse_article,
                errback=self.on_error,
                meta={"kind": PART_KIND, "part_of": first, "part": part + 1, "parts_seen": seen,
                      "depth": meta.get("depth", 0)},
                dont_filter=True,  # a page seen before (linked as an article) is still a part
            )  # fmt: skip
        yield from self._follow(released)

    def _judge(self, response: Response, tree: Any, kind: str) -> tuple[str, list[Link]]:
        """Page evidence for probes (kept as articles only if it says so), for pages of learned
        shapes and for the first pages of each pattern shape (so shapes are learned and drift
        seen). A learned shape stands for the pattern the profile should have had: its pages
        are kept as the pattern's are (ingest judges them), unless the shape was unlearned."""
        assert self.frontier is not None
        found_by = response.meta.get("found_by")
        if found_by is None or kind == records.URL:
            return kind, []
        if found_by == "pattern" and not self.frontier.book.needs_evidence(response.url):
            return kind, []
        evidence = page_evidence(tree, response.url, response.meta.get("anchor", ""))
        confirmed = evidence.confirms  # page_evidence prunes: the tree's last use
        self._stat(f"discover/{found_by}-{'confirmed' if confirmed else 'refuted'}")
        released = self.frontier.verdict(response.url, confirmed, found_by)
        if found_by == "probe" and not confirmed:
            return PAGE, released
        if found_by == "shape" and self.frontier.book.role(url_shape(response.url)) != LEARNED:
            return PAGE, released
        return kind, released

    def _release(self, first: str | None, *, whole: bool = False) -> None:
        """Archive the held pages of the article starting at `first` whose next page failed
        or was never fetched: marked incomplete (ingest defers it, the crawl state keeps
        it pending, a later run refetches it whole) unless that page can never come."""
        held = self._parts.pop(first, []) if first is not None else []
        if held and self.archive is not None:
            self.archive.add_article(held, whole=whole)
