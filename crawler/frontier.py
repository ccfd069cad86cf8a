"""The per-site frontier: which discovered links a run requests, and why the others are not.

Plain Python with no Scrapy scheduler in it (so a shared scheduler such as scrapy-redis can
replace Scrapy's own): the spider offers links, the frontier returns the ones to request.
It applies, in order: the run's own duplicate check, depth (DEPTH_LIMIT), sorting/session
query keys and trap shapes, the per-run list-page and page budgets, and the freshness of
stored articles. Links that only look like articles go through the ShapeBook (learned shapes
are requested, refused ones dropped, unknown ones probed a few at a time, the rest held).
Refused links are never noted in the crawl state, so no later run re-queues them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.canon import canonical_url
from crawler.discovery import LEARNED, PROBING, TRAP, ShapeBook
from crawler.middlewares import host_allowed
from crawler.records import ARTICLE, LIST
from crawler.sites import Site
from crawler.spiders.pagetext import Link as PageLink
from crawler.spiders.pagetext import link_terms
from crawler.urlshape import (
    article_blocks,
    article_score,
    headline_blocks,
    looks_like_article,
    trap_param,
    url_shape,
)

log = logging.getLogger(__name__)
CANDIDATE = "candidate"  # crawl-state kind of a held article-looking link, reconsidered later
HELD_MAX = 5000  # held links per site kept in memory


@dataclass(frozen=True, slots=True)
class Link:
    """A link the frontier admitted: request it as `kind`, `depth` hops from a start page."""

    url: str
    kind: str
    depth: int
    found_by: str | None = None  # articles: "pattern", "shape" (learned) or "probe"
    deferred: bool = False  # over this run's page budget: noted for the next run, not requested
    anchor: str = ""  # the link's text (a probe's page is checked against it)

    @property
    def requested(self) -> bool:
        return self.kind != CANDIDATE and not self.deferred


@dataclass(slots=True)
class Drift:
    """This run's evidence on the site's article_pattern (reported per site)."""

    article_links: set[str] = field(default_factory=set)  # look like articles or match
    pattern_links: set[str] = field(default_factory=set)  # ... of which the pattern matched
    confirmed: int = 0  # fetched pages whose evidence says "article"
    pattern_confirmed: int = 0  # ... of which the pattern matched
    refuted_urls: set[str] = field(default_factory=set)  # pages the evidence refuted


class Frontier:
    def __init__(
        self,
        site: Site,
        book: ShapeBook,
        *,
        max_depth: int,
        stat: Callable[[str], None],
        seen: Callable[[str], bool],
    ) -> None:
        self.site = site
        self.book = book
        self.max_depth = max_depth
        self.stat = stat
        self.seen = seen  # an article archived whole and fresh: not requested again
        self.article_re = site.article_re()
        self.list_re = site.list_re()
        self.domains = site.domains()
        self.drift = Drift()
        self.requested: set[str] = set()  # canonical URLs admitted in this run
        self.novel: set[str] = set()  # article links met in this run (trap yields)
        self.held: dict[tuple[str, str], list[Link]] = defaultdict(list)
        self.held_count = 0
        self.pages = 0
        self.list_pages = 0
        self.probes = 0
        self.book.exempt.update(url_shape(u) for u in site.start_urls)

    # --- what a page links to -----------------------------------------------------------

    def classify(
        self,
        links: Iterable[PageLink],
        depth: int,
        *,
        lists: bool = True,
        gate: bool | None = None,
    ) -> list[Link]:
        """Article and list links of a discovery page (not yet admitted); `gate` overrides
        the profile's gate_links."""
        gate = self.site.gate_links if gate is None else gate
        links = list(links)
        headlines = headline_blocks([(x.block, x.text) for x in links])
        roles = [self._role(x, lists, x.block in headlines) for x in links]
        # a link beside articles in one list is a candidate though its shape is new to us
        siblings = article_blocks([(x.block, r in (ARTICLE, CANDIDATE)) for x, r in
                                   zip(links, roles, strict=True)]) | headlines  # fmt: skip
        out: list[Link] = []
        for link, role in zip(links, roles, strict=True):
            url = link.url
            if role is None and link.block in siblings and self._sibling(link):
                role = CANDIDATE
            if role is None:
                continue
            if role != LIST:
                self.drift.article_links.add(url)
                if gate and self._off_topic(link):
                    continue
            if role == ARTICLE:
                self.drift.pattern_links.add(url)
            found_by = "pattern" if role == ARTICLE else None
            out.append(Link(url, role, depth, found_by, anchor=link.text))
        return out

    def _role(self, link: PageLink, lists: bool, headlines: bool) -> str | None:
        """ARTICLE (the pattern), LIST, CANDIDATE (looks like an article, or its shape was
        learned) or None."""
        if self.article_re.search(link.url):
            return ARTICLE
        if lists and self.list_re is not None and self.list_re.search(link.url):
            return LIST
        if not self._discoverable(link.url):
            return None
        if self.book.role(url_shape(link.url)) == LEARNED:
            return CANDIDATE
        return CANDIDATE if looks_like_article(link.url, link.text, headlines=headlines) else None

    def _discoverable(self, url: str) -> bool:
        if not self.site.discover:
            return False
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return False
        return host_allowed(host, self.domains)

    def _sibling(self, link: PageLink) -> bool:
        """In a list of articles: a link of some shape (not a list or junk name, not a bare
        short anchor) on an allowed host."""
        if not self._discoverable(link.url):
            return False
        return article_score(link.url, link.text, headlines=True) >= 1

    def _off_topic(self, link: PageLink) -> bool:
        if not link_terms(link, self.site.topic_terms):
            self.stat("gate/link-dropped")
            return True
        return False

    def list_yield(self, page_url: str, links: list[Link]) -> None:
        """Count what a list page gave that this run had not met; detect trap shapes."""
        new = 0
        for link in links:
            if link.kind in (ARTICLE, CANDIDATE):
                canon = canonical_url(link.url)
                if canon not in self.novel:
                    self.novel.add(canon)
                    new += 1
        shape = url_shape(page_url)
        if self.book.list_yield(shape, new):
            self.stat("trap/shape-found")
            log.warning(
                "%s: list pages shaped %s%s keep giving no new article: treated as a trap",
                self.site.name,
                shape[0],
                shape[1],
            )

    # --- admission ------------------------------------------------------------------------

    def admit(self, links: Iterable[Link]) -> list[Link]:
        """The links to note in the crawl state; request those with `requested` (held
        candidates and articles over the page budget wait for a later run, at their depth).
        Lists refused by depth, budget or trap are not returned: no run re-queues them."""
        out: list[Link] = []
        for link in links:
            canon = canonical_url(link.url)
            if canon in self.requested:
                continue
            if self.max_depth and link.depth > self.max_depth:
                self.stat("trap/depth")
                continue
            if link.kind == LIST and not self._list_ok(link):
                if self.list_pages >= self.site.max_list_pages and self._may_defer(link):
                    self.requested.add(canon)  # a later run goes on from here, at its depth
                    out.append(dataclasses.replace(link, deferred=True))
                continue
            if link.kind in (ARTICLE, "url", CANDIDATE) and self.seen(link.url):
                self.requested.add(canon)  # archived whole (or found not an article) lately
                continue
            if link.kind == CANDIDATE:
                decided = self._candidate(link)
                if decided is None:
                    continue
                link = decided
            if link.kind != CANDIDATE:
                if self.pages >= self.site.max_pages:
                    self.stat("budget/pages")
                    if self._may_defer(link):  # the next run fetches it, at its depth
                        self.requested.add(canon)
                        out.append(dataclasses.replace(link, found_by=None, deferred=True))
                    continue
                self.pages += 1
                if link.kind == LIST:
                    self.list_pages += 1
                if link.found_by == "probe":
                    self.probes += 1
                    self.book.probing(url_shape(link.url))
            self.requested.add(canon)
            out.append(link)
        return out

    def _may_defer(self, link: Link) -> bool:
        """Over a budget (not depth, not a trap): a later run may fetch it, at its depth."""
        if link.kind == LIST:  # not a shape whose pages gave nothing new in this run
            shape = url_shape(link.url)
            return (
                trap_param(link.url) is None
                and self.book.role(shape) != TRAP
                and not self.book.dry(shape)
            )
        return link.kind in (ARTICLE, "url")

    def _list_ok(self, link: Link) -> bool:
        key = trap_param(link.url)
        if key is not None and key not in (self.list_re.pattern if self.list_re else ""):
            self.stat("trap/param")
            return False
        if self.book.role(url_shape(link.url)) == TRAP:
            self.stat("trap/shape")
            return False
        if self.list_pages >= self.site.max_list_pages:
            self.stat("trap/list-limit")
            return False
        return True

    def _candidate(self, link: Link) -> Link | None:
        """An article-looking link the pattern missed: request, probe, hold or drop it."""
        if trap_param(link.url) is not None:
            self.stat("trap/param")
            return None
        shape = url_shape(link.url)
        role = self.book.role(shape)
        if role == LEARNED:
            return Link(link.url, ARTICLE, link.depth, "shape", anchor=link.anchor)
        if role != PROBING:
            self.stat("discover/refused-shape")
            return None
        if self.probes < self.site.max_probes and self.book.may_probe(shape):
            return Link(link.url, ARTICLE, link.depth, "probe", anchor=link.anchor)
        if self.probes >= self.site.max_probes:
            self.stat("budget/probes")
        if self.held_count < HELD_MAX:
            self.held[shape].append(link)
            self.held_count += 1
            self.stat("discover/held")
            return link  # noted as a candidate for later runs, not requested
        return None

    def verdict(self, url: str, confirmed: bool, found_by: str | None) -> list[Link]:
        """Count a fetched page's evidence for its shape; the held links its outcome
        releases, to offer to `admit` (learned: as articles; still probing: one more)."""
        self.drift.confirmed += confirmed
        if not confirmed:
            self.drift.refuted_urls.add(url)
        if found_by == "pattern":
            self.drift.pattern_confirmed += confirmed
        shape = url_shape(url)
        return self._release(shape, self.book.verdict(shape, confirmed))

    def probe_failed(self, url: str) -> list[Link]:
        """A probe's fetch failed: it tells nothing of its shape, but frees its slot for
        one more of the held links."""
        shape = url_shape(url)
        self.book.done(shape)
        return self._release(shape, self.book.role(shape))

    def _release(self, shape: tuple[str, str], role: str) -> list[Link]:
        held = self.held.get(shape)
        if not held:
            return []
        if role == LEARNED:
            released = [dataclasses.replace(h, kind=ARTICLE, found_by="shape") for h in held]
            del self.held[shape]
        elif role == PROBING:
            released = [h for h in held[:1]]
            del held[:1]
        else:
            self.stat("discover/refused-shape")
            del self.held[shape]
            return []
        self.held_count -= len(released)
        for link in released:  # held links were noted as admitted: offered again, now
            self.requested.discard(canonical_url(link.url))
        return released
