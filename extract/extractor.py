"""`extract_page(page) -> Article | Dropped`: decode, parse, pick the main text (the density
run; trafilatura's full chain when that finds almost nothing), drop Chinese
portal junk, read metadata. Never raises. The only module that imports trafilatura.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import trafilatura
from lxml import etree

from extract.boilerplate import filter_lines
from extract.canonical import page_address
from extract.dates import find_dates
from extract.decode import decode_html, split_cleaneval_header
from extract.density import Run, best_run
from extract.metadata import LineMeta, PageMeta, page_meta, parse_lines
from extract.places import find_provinces, find_recipients
from extract.segments import parse
from extract.topic import topic_score
from extract.types import Article, Dropped, Page
from zhtext import PRIVATE_USE_RE, clean_text, damage_score

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024  # portal articles are < 1 MB; bigger is a dump or a trap
MAX_ELEMENTS = 60_000
TOO_LITTLE = 50  # characters of main text below which we ask trafilatura's full pipeline
TIME_BUDGET = 10.0  # seconds of CPU per page before we give up with "timeout"
WALL_FACTOR = 3.0  # the wall-clock alarm allows for a busy machine
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


class _Timeout(BaseException):
    """BaseException so that libraries' `except Exception` blocks cannot swallow it."""


@dataclass(frozen=True, slots=True)
class _Clock:
    start: float
    budget: float

    def check(self, stage: str) -> None:
        if time.process_time() - self.start >= self.budget:
            raise _Timeout(stage)


def _precheck(page: Page) -> Dropped | None:
    body = page.body
    if not body or not body.strip():
        return Dropped(page.url, "empty")
    if len(body) > MAX_BYTES:
        return Dropped(page.url, "too-large", f"{len(body)} bytes")
    for name, value in page.headers:
        if name.lower() == "content-type" and value.strip():
            if not value.lower().strip().startswith(_HTML_TYPES):
                return Dropped(page.url, "not-html", value)
    head = body[:2048]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Dropped(page.url, "binary")
    return None


def extract_page(page: Page, *, time_budget: float = TIME_BUDGET) -> Article | Dropped:
    """The one entry point: bytes of a page in, an Article or a counted Dropped reason out."""
    try:
        dropped = _precheck(page)
        if dropped is not None:
            return dropped
        with _alarm(time_budget * WALL_FACTOR):
            return _extract(page, _Clock(time.process_time(), time_budget))
    except _Timeout as exc:
        return Dropped(page.url, "timeout", str(exc))
    except Exception as exc:  # the contract: bad input never raises
        log.warning("extract failed for %s: %r", page.url, exc)
        return Dropped(page.url, "error", repr(exc)[:200])


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """A wall-clock stop for pathological pages, between the stage checks of `_Clock`.

    Only in the main thread and only when no other interval timer is running: SIGALRM is
    process-wide, so elsewhere the cooperative stage checks are the only guard.
    """
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def _ring(signum: int, frame: object) -> None:
        raise _Timeout("wall clock")

    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def main_lines(
    root: etree._Element, markup: str, title: str | None = None
) -> tuple[list[str], Run]:
    """The main-text lines of a parsed page, before junk and metadata rules, and our run."""
    run = best_run(root, title)
    lines = run.lines
    if sum(len(line) for line in lines) < TOO_LITTLE:
        # Unpunctuated text (lyrics, verse, lists) gives the density run little to go on:
        # let trafilatura try (rare, so the cost is fine). From the markup: it needs lxml.html
        # elements, not our etree. fast=True skips its readability/jusText comparison: the
        # same text on every evaldata page that comes here (6 of 245), in less time.
        again = trafilatura.extract(markup, include_comments=False, fast=True) or ""
        # Not the feed or the comments under a one-line caption: lines our run knows as chrome
        # stay out of trafilatura's text too.
        kept = [line for line in again.splitlines() if "".join(line.split()) not in run.chrome]
        if sum(len(line) for line in kept) > sum(len(line) for line in lines):
            lines = kept
    return lines, run


def _extract(page: Page, clock: _Clock) -> Article | Dropped:
    decoded = decode_html(page.body, page.headers)
    header, markup = split_cleaneval_header(decoded.text)
    if "<" not in markup[:50_000]:
        return Dropped(page.url, "not-html", "no markup")
    root = parse(markup)
    if root is None:
        return Dropped(page.url, "empty", "unparseable")
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        return Dropped(page.url, "too-large", "element count")
    clock.check("parse")
    meta = page_meta(root, page.url, header)
    lines, run = main_lines(root, markup, meta.title)
    clock.check("extract")
    raw = "\n".join(lines)
    lines = [line for line in clean_text(raw).split("\n") if line]
    lines = _drop_title_echo(lines, meta)
    lines, found = parse_lines(lines, meta.page_day, meta.outlet)
    found = _with_context(found, run, meta)
    lines = filter_lines(lines)
    text = "\n".join(lines)
    if not text.strip():
        return Dropped(page.url, "empty", "no main text")
    clock.check("clean")
    score, terms = topic_score(f"{meta.title}\n{text}", page.topic_terms)
    return Article(
        url=page_address(meta.canonical, page.url, header.get("id")),
        title=clean_text(meta.title).replace("\n", " "),
        text=text,
        published=meta.published
        or found.published
        or _date_before(run)
        or _url_day(meta)
        or found.labelled,  # a forum post's footer: "发布时间 2005/05/17 22:11:42 by …"
        outlet=meta.outlet or found.self_label,
        origin=found.origin,
        original_title=found.original_title,
        authors=found.authors,
        editor=found.editor,
        provinces=find_provinces(f"{meta.title}\n{text}"),
        recipients=find_recipients(f"{meta.title}\n{text}"),
        topic_score=score,
        topic_terms=terms,
        encoding=decoded.encoding,
        encoding_reason=decoded.reason,
        damage=round(damage_score(text, dropped=len(PRIVATE_USE_RE.findall(raw))), 4),
        fetched=page.fetched,
        site=page.site,
        canonical=meta.canonical,
    )


def _with_context(found: LineMeta, run: Run, meta: PageMeta) -> LineMeta:
    """Fill metadata the body lacks from the lines around the run (a 【编辑】 line is junk to
    the run, so it often sits just outside it)."""
    context = [*run.before[-6:], *run.after[:6]]
    if not context:
        return found
    _, around = parse_lines(context, meta.page_day, meta.outlet)
    self_label = found.self_label
    if meta.outlet is None and self_label is None and run.before:
        # A 来源 in the byline above the article that differs from the one in the body
        # names the page's own site (a saved page has no host to tell us).
        _, above = parse_lines(run.before[-6:], meta.page_day, None)
        if above.origin and found.origin and above.origin != found.origin:
            self_label = above.origin
    return LineMeta(
        origin=found.origin or around.origin,
        original_title=found.original_title or around.original_title,
        authors=found.authors or around.authors,
        editor=found.editor or around.editor,
        published=found.published,
        self_label=self_label,
        labelled=found.labelled or around.labelled,
    )


def _date_before(run: Run) -> str | None:
    """The date nearest above the article (the byline area), if any."""
    for line in reversed(run.before):
        found = find_dates(line)
        if found:
            return found[0].iso
    for line in run.lines[:3]:
        found = find_dates(line)
        if found and len(line) < 80:
            return found[0].iso
    return None


def _url_day(meta: PageMeta) -> str | None:
    return meta.page_day.isoformat() if meta.page_day else None


def _drop_title_echo(lines: list[str], meta: PageMeta) -> list[str]:
    """Drop repeats of the headline at the top (seed 000 prints it twice); keep the first."""
    squeezed = "".join(meta.title.split())
    out: list[str] = []
    seen = False
    for i, line in enumerate(lines):
        if i < 8 and squeezed and "".join(line.split()) == squeezed:
            if seen:
                continue
            seen = True
        out.append(line)
    return out
