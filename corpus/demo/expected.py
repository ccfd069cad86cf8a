"""Ground truth of the demo portal, derived from its content files.

Which article paths carry the same report (expected clusters), which distinct reports share
passages and figures or a template (expected links), which pages are off-topic or damaged.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from corpus.demo.content import Content, Report, copy_path, load_content
from corpus.demo.feeds import ADMIN_PAGES, DISALLOWED


@dataclass(frozen=True, slots=True)
class ExpectedArticle:
    """One article copy as served (``path`` is its first page)."""

    path: str
    pages: tuple[str, ...]  # every page of the copy; split articles have ``…_2.html``
    report: str
    outlet: str  # profile suffix: the crawl profile is ``demo-<outlet>``
    on_topic: bool
    original: bool  # served by the outlet that first published the report
    damaged: bool  # carries a mojibake passage
    script: str  # "Hans" or "Hant"
    published: str  # "YYYY-MM-DD HH:MM:SS" of this copy
    outlet_name: str = ""  # the outlet's display name (its crawl profile's `outlet`)
    title: str = ""  # the headline as this copy prints it
    paragraphs: tuple[str, ...] = ()  # the text as printed, pinyin glosses left out
    damaged_paragraph: int = -1  # index of the paragraph carrying mojibake, if any


@dataclass(frozen=True, slots=True)
class ExpectedLink:
    """Two distinct reports that must be linked, never merged."""

    report_a: str
    report_b: str
    paths_a: tuple[str, ...]
    paths_b: tuple[str, ...]
    kind: str  # "shared-passages" or "same-template"
    figures: tuple[str, ...]  # figures both repeat
    changed: tuple[tuple[str, str, str], ...]  # (what, value in a, value in b)


@dataclass(frozen=True, slots=True)
class Expected:
    articles: tuple[ExpectedArticle, ...]
    clusters: tuple[tuple[str, ...], ...]  # paths of the copies of one report (two or more)
    links: tuple[ExpectedLink, ...]
    disallowed: tuple[str, ...]  # robots.txt Disallow prefixes
    trap_pages: tuple[str, ...]  # served but disallowed: a polite crawler never fetches them

    @property
    def on_topic(self) -> tuple[str, ...]:
        return tuple(a.path for a in self.articles if a.on_topic)

    @property
    def off_topic(self) -> tuple[str, ...]:
        return tuple(a.path for a in self.articles if not a.on_topic)

    @property
    def all_article_pages(self) -> tuple[str, ...]:
        return tuple(page for a in self.articles for page in a.pages)

    def cluster_of(self, path: str) -> tuple[str, ...]:
        """The paths that carry the same report as ``path`` (itself included)."""
        report = self.article(path).report
        return tuple(a.path for a in self.articles if a.report == report)

    def article(self, path: str) -> ExpectedArticle:
        for article in self.articles:
            if path in article.pages:
                return article
        raise KeyError(f"no demo article at {path!r}")


@functools.cache
def expected() -> Expected:
    content = load_content()
    articles = tuple(
        _article(content, report, i)
        for report in content.reports
        for i in range(len(report.copies))
    )

    def paths(report_id: str) -> tuple[str, ...]:
        return tuple(a.path for a in articles if a.report == report_id)

    clusters = tuple(paths(r.id) for r in content.reports if len(r.copies) > 1)
    links = tuple(
        ExpectedLink(
            report_a=link.a,
            report_b=link.b,
            paths_a=paths(link.a),
            paths_b=paths(link.b),
            kind=link.kind,
            figures=link.figures,
            changed=link.changed,
        )
        for link in content.links
    )
    return Expected(
        articles=articles,
        clusters=clusters,
        links=links,
        disallowed=DISALLOWED,
        trap_pages=ADMIN_PAGES,
    )


def _article(content: Content, report: Report, index: int) -> ExpectedArticle:
    from corpus.demo.site import Placed, body_paragraphs, display_text

    copy = report.copies[index]
    outlet = content.outlet(copy.outlet)
    paragraphs, _ = body_paragraphs(Placed(report, copy, outlet), gloss=False)
    intact, _ = body_paragraphs(Placed(report, replace(copy, mojibake=""), outlet), gloss=False)
    pairs = enumerate(zip(paragraphs, intact, strict=True))
    damaged = next((i for i, (a, b) in pairs if a != b), -1)
    return ExpectedArticle(
        path=copy_path(outlet, copy),
        pages=tuple(copy_path(outlet, copy, n) for n in range(1, copy.pages + 1)),
        report=report.id,
        outlet=outlet.key,
        on_topic=report.topic,
        original=report.origin.startswith(outlet.name),
        damaged=bool(copy.mojibake),
        script=outlet.script,
        published=copy.time.strftime("%Y-%m-%d %H:%M:%S"),
        outlet_name=outlet.name,
        title=display_text(outlet, copy.title, gloss=False),
        paragraphs=paragraphs,
        damaged_paragraph=damaged,
    )
