"""Load the demo portal's content (outlets, reports and their copies, links, filler) from TOML.

The data lives in ``corpus/demo/content/*.toml``; this module only parses and validates it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

_CODECS = {"utf-8": "utf-8", "gb2312": "gbk", "gbk": "gbk", "big5": "big5hkscs"}


@dataclass(frozen=True, slots=True)
class Outlet:
    """One news site of the portal, served under its own path prefix."""

    key: str
    name: str
    site_title: str
    prefix: str
    charset: str  # what the page declares (meta and HTTP header)
    script: str  # "Hans" or "Hant"
    template: str
    article_path: str
    page_size: int
    feed: str  # "sitemap" or "rss"

    @property
    def codec(self) -> str:
        """Python codec for the bytes actually sent (GBK for gb2312, Big5-HKSCS for big5)."""
        return _CODECS[self.charset]

    @property
    def feed_path(self) -> str:
        return f"{self.prefix}{'sitemap.xml' if self.feed == 'sitemap' else 'rss.xml'}"


@dataclass(frozen=True, slots=True)
class Copy:
    """One page carrying a report on one outlet."""

    report_id: str
    outlet: str
    slug: str
    time: datetime
    title: str
    source: str
    editor: str = ""
    byline: str = ""
    keywords: str = ""
    edits: tuple[tuple[str, str], ...] = ()
    pages: int = 1
    mojibake: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """A story as first written; its copies are the pages that carry it."""

    id: str
    title: str
    date: str
    origin: str
    paragraphs: tuple[str, ...]
    copies: tuple[Copy, ...]
    topic: bool = True
    byline: str = ""
    dateline: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """Ground truth between two distinct reports."""

    a: str
    b: str
    kind: str  # "shared-passages" or "same-template"
    figures: tuple[str, ...]
    changed: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class Filler:
    """Content-farm junk: teaser lines and the pieces of junk link titles."""

    teasers: tuple[str, ...]
    places: tuple[str, ...]
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Content:
    outlets: tuple[Outlet, ...]
    reports: tuple[Report, ...]
    links: tuple[Link, ...]
    filler: Filler

    def outlet(self, key: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        raise KeyError(f"unknown outlet {key!r}")

    def report(self, report_id: str) -> Report:
        for report in self.reports:
            if report.id == report_id:
                return report
        raise KeyError(f"unknown report {report_id!r}")


def copy_paragraphs(report: Report, copy: Copy) -> tuple[str, ...]:
    """The report's paragraphs with the copy's light edits applied (each edit must apply)."""
    paragraphs = list(report.paragraphs)
    for old, new in copy.edits:
        for i, paragraph in enumerate(paragraphs):
            if old in paragraph:
                paragraphs[i] = paragraph.replace(old, new, 1)
                break
        else:
            raise ValueError(f"{report.id}/{copy.outlet}: edit {old!r} matches no paragraph")
    return tuple(paragraphs)


def copy_path(outlet: Outlet, copy: Copy, page: int = 1) -> str:
    """Server path of a copy's page (page 2 of a split article is ``…_2.html``)."""
    path = outlet.article_path.format(
        yyyy=f"{copy.time.year:04d}",
        mm=f"{copy.time.month:02d}",
        dd=f"{copy.time.day:02d}",
        slug=copy.slug,
    )
    if page == 1:
        return path
    stem, dot, ext = path.rpartition(".")
    return f"{stem}_{page}{dot}{ext}"


@functools.cache
def load_content() -> Content:
    """Parse and validate every content file (cached: the data is read-only)."""
    folder = resources.files("corpus.demo") / "content"
    docs = {
        entry.name: tomllib.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }
    outlets = tuple(Outlet(**row) for row in docs["outlets.toml"]["outlet"])
    reports = tuple(
        _report(row)
        for name in sorted(docs)
        if name.startswith("reports_")
        for row in docs[name]["report"]
    )
    links = tuple(
        Link(
            a=row["a"],
            b=row["b"],
            kind=row["kind"],
            figures=tuple(row["figures"]),
            changed=tuple(tuple(c) for c in row.get("changed", ())),
        )
        for row in docs["links.toml"]["link"]
    )
    junk = docs["junk.toml"]
    filler = Filler(**{key: tuple(junk[key]) for key in Filler.__slots__})
    content = Content(outlets=outlets, reports=reports, links=links, filler=filler)
    _validate(content)
    return content


def _report(row: dict[str, Any]) -> Report:
    copies = tuple(
        Copy(
            report_id=row["id"],
            outlet=c["outlet"],
            slug=c["slug"],
            time=datetime.strptime(c["time"], "%Y-%m-%d %H:%M:%S"),
            title=c.get("title", row["title"]),
            source=c.get("source", row["origin"]),
            editor=c.get("editor", ""),
            byline=c.get("byline", row.get("byline", "")),
            keywords=c.get("keywords", ""),
            edits=tuple((old, new) for old, new in c.get("edits", ())),
            pages=c.get("pages", 1),
            mojibake=c.get("mojibake", ""),
        )
        for c in row["copy"]
    )
    return Report(
        id=row["id"],
        title=row["title"],
        date=row["date"],
        origin=row["origin"],
        paragraphs=tuple(row["paragraphs"]),
        copies=copies,
        topic=row.get("topic", True),
        byline=row.get("byline", ""),
        dateline=row.get("dateline", ""),
    )


def _validate(content: Content) -> None:
    """Fail early, with the culprit named, on content that would build a broken site."""
    keys = {o.key for o in content.outlets}
    ids = [r.id for r in content.reports]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate report ids in demo content")
    paths: set[str] = set()
    for report in content.reports:
        for copy in report.copies:
            if copy.outlet not in keys:
                raise ValueError(f"{report.id}: unknown outlet {copy.outlet!r}")
            copy_paragraphs(report, copy)
            if copy.mojibake and copy.mojibake not in "".join(report.paragraphs):
                raise ValueError(f"{report.id}: mojibake span {copy.mojibake!r} not in text")
            path = copy_path(content.outlet(copy.outlet), copy)
            if path in paths:
                raise ValueError(f"{report.id}: path {path} used twice")
            paths.add(path)
    for link in content.links:
        for end in (link.a, link.b):
            if end not in ids:
                raise ValueError(f"link names unknown report {end!r}")
