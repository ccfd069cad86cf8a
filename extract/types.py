"""The types extract produces: Page (its input), Decoded, Article and Dropped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page as raw bytes, as it comes out of a WARC record or a file."""

    url: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()  # HTTP response headers, original case
    fetched: str | None = None  # ISO 8601 fetch time
    site: str | None = None  # crawler profile name, when crawled by aidcorpus
    topic_terms: tuple[str, ...] = ()  # the profile's extra topic terms


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # codec actually used, e.g. "gb18030", "big5hkscs", "utf-8"
    reason: str  # the evidence, e.g. "meta gb2312 -> gb18030; strict decode ok"


@dataclass(frozen=True, slots=True)
class Article:
    url: str  # a local file: its canonical link, else its CleanEval <text id=URL>, else file://
    title: str  # the headline, not the site-suffixed <title>
    text: str  # stored view: clean, original script, Chinese punctuation kept
    published: str | None  # ISO 8601, "+08:00" where the time is known
    outlet: str | None  # site that published this copy
    origin: str | None  # source named by 来源:/转载自
    original_title: str | None  # 原标题:
    authors: tuple[str, ...]  # 记者/通讯员
    editor: str | None  # 责任编辑
    provinces: tuple[str, ...]  # aid-giving provinces/cities (山西, 山东 ...)
    recipients: tuple[str, ...]  # 昌吉, 喀什, 兵团第六师 ...
    topic_score: float
    topic_terms: tuple[str, ...]
    encoding: str
    encoding_reason: str
    damage: float  # mojibake damage score, 0.0 clean .. 1.0 ruined
    fetched: str | None = None
    site: str | None = None
    canonical: str | None = None  # <link rel=canonical> / og:url as found


@dataclass(frozen=True, slots=True)
class Dropped:
    """A page that yields no article; `reason` is a counted stats key (e.g. "empty")."""

    url: str
    reason: str
    detail: str = ""
