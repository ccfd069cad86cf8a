"""Safety limits, redirect loops and Retry-After back-off.

Reads AIDCORPUS_MAX_BODY, AIDCORPUS_ALLOW_LOCAL, AIDCORPUS_ALLOWED_ADDRESSES,
RETRY_AFTER_MAX, RETRY_AFTER_DEFAULT, REDIRECT_MAX_TIMES, CONCURRENT_REQUESTS_PER_DOMAIN and
the spider's `allowed_domains` (Scrapy's convention). Refusals raise IgnoreRequest and count
`refused/<reason>` stats. The address guard is crawler/guard.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Coroutine
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from w3lib.url import canonicalize_url

from crawler.canon import canonical_url
from crawler.guard import AddressGuard

log = logging.getLogger(__name__)

FEED_TYPES = ("xml", "rss", "atom", "json", "javascript")
PAGE_TYPES = ("text/html", "application/xhtml", "text/plain", *FEED_TYPES)
# Magic numbers of files that portals serve under a text/html label.
BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BM",
    b"RIFF", b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf", b"ID3", b"\x00\x00\x00",
    b"OggS", b"fLaC", b"\x7fELF", b"MZ",
)  # fmt: skip


def _refuse(crawler: Crawler, reason: str, request: Request) -> IgnoreRequest:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"refused/{reason}")
    log.debug("refused (%s): %s", reason, request.url)
    return IgnoreRequest(f"refused/{reason}: {request.url}")


def host_allowed(host: str, domains: tuple[str, ...] | list[str]) -> bool:
    return not domains or any(host == d or host.endswith("." + d) for d in domains)


class SafetyMiddleware:
    """Refuse hosts outside the spider's allowed_domains and, unless AIDCORPUS_ALLOW_LOCAL
    (local profiles), hosts that resolve to a non-public address. Every request passes
    here, redirects and meta refreshes included, so the guard holds after every hop."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.allow_local = crawler.settings.getbool("AIDCORPUS_ALLOW_LOCAL")
        self.guard = AddressGuard(crawler.settings.getlist("AIDCORPUS_ALLOWED_ADDRESSES"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        # synchronous unless a DNS lookup is needed: a coroutine per request costs CPU
        domains = getattr(self.crawler.spider, "allowed_domains", None) or ()
        host = (urlsplit(request.url).hostname or "").lower()
        if not host_allowed(host, domains):
            raise _refuse(self.crawler, "offsite", request)
        if self.allow_local:
            return None
        verdict = self.guard.cached(host)
        if verdict is None:
            return self._check(request, host)
        if verdict:
            raise _refuse(self.crawler, "private-address", request)
        return None

    async def _check(self, request: Request, host: str) -> None:
        if await self.guard.check(host):
            raise _refuse(self.crawler, "private-address", request)


class ContentGuardMiddleware:
    """After decompression: refuse oversized bodies and binaries, whatever their label."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_body = crawler.settings.getint("AIDCORPUS_MAX_BODY")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200:
            return response
        if self.max_body and len(response.body) > self.max_body:
            raise _refuse(self.crawler, "too-large", request)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        sitemap = request.meta.get("kind") == "sitemap"
        head = response.body[:1024]
        if sitemap and head.startswith(b"\x1f\x8b"):
            return response  # gzipped sitemap; the spider gunzips it within limits
        if ctype and not any(t in ctype for t in PAGE_TYPES):
            raise _refuse(self.crawler, "not-html", request)
        if head.startswith(BINARY_MAGIC) or b"\x00" in head.lstrip(b"\xff\xfe\xef\xbb\xbf"):
            raise _refuse(self.crawler, "binary", request)
        return response


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Retry-After as delta-seconds or HTTP-date (RFC 9110 §10.2.3)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Bounded retries; on 429/503 wait Retry-After and slow the whole domain meanwhile."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX")
        self.default_wait = settings.getfloat("RETRY_AFTER_DEFAULT")
        self._paused: dict[str, float] = {}  # host -> monotonic time its back-off ends

    def process_response(
        self, request: Request, response: Response
    ) -> Request | Response | Coroutine[Any, Any, Request | Response]:
        # synchronous unless backing off: a coroutine per response costs CPU
        if response.status not in (429, 503) or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        return self._retry_after(request, response)

    async def _retry_after(self, request: Request, response: Response) -> Request | Response:
        header = response.headers.get(b"Retry-After", b"").decode("latin-1")
        wait = retry_after_seconds(header) if header else None
        wait = self.default_wait if wait is None else wait
        stats = self.crawler.stats
        assert stats is not None
        if wait > self.max_wait:
            stats.inc_value("retry/retry-after-too-long")
            return response
        retry = self._retry(request, f"{response.status} retry-after {wait:g}s")
        if retry is None:
            return response
        stats.inc_value("backoff/count")
        await self._back_off(request, wait)
        return retry

    async def _back_off(self, request: Request, wait: float) -> None:
        # the host backs off, not just this URL: its other requests wait in process_request
        host = urlsplit(request.url).hostname or ""
        until = time.monotonic() + wait
        self._paused[host] = max(self._paused.get(host, 0.0), until)
        await asyncio.sleep(wait)

    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        host = urlsplit(request.url).hostname or ""
        until = self._paused.get(host)
        if until is None:
            return None
        left = until - time.monotonic()
        if left <= 0:
            del self._paused[host]
            return None
        return asyncio.sleep(left)


class _RedirectGuard:
    """Refuse a redirect back to a URL of its own chain (`refused/redirect-loop`) and count
    chains cut by REDIRECT_MAX_TIMES (`refused/redirect-limit`), instead of letting the
    duplicate filter end them silently. A redirect to a variant of the same page
    (http -> https, m. -> www.) is let through the duplicate filter, which folds variants."""

    crawler: Crawler

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _exact(redirected.url) in {_exact(u) for u in chain}:
            raise _refuse(self.crawler, "redirect-loop", request)
        try:
            out: Request = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        except IgnoreRequest:
            raise _refuse(self.crawler, "redirect-limit", request) from None
        if canonical_url(out.url) in {canonical_url(u) for u in chain}:
            out.dont_filter = True
        return out


def _exact(url: str) -> str:
    try:
        return canonicalize_url(url, keep_fragments=False)
    except ValueError:
        return url


class RedirectGuardMiddleware(_RedirectGuard, RedirectMiddleware):
    """Scrapy's RedirectMiddleware with loop refusal (replaces it at 600)."""


class MetaRefreshGuardMiddleware(_RedirectGuard, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware with loop refusal (replaces it at 580)."""


class HostConcurrencyMiddleware:
    """At most CONCURRENT_REQUESTS_PER_DOMAIN requests per host on the wire, always.

    Scrapy 2.19's downloader counts a transfer only once its coroutine runs, so with no
    download delay a slot starts every queued request at once (8 measured against a limit
    of 2). This last downloader middleware holds the excess until a transfer of the same
    host ends (the public `request_left_downloader` signal)."""

    KEY = "aidcorpus_host_slot"

    def __init__(self, crawler: Crawler):
        self.limit = crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.busy: dict[str, int] = {}
        self.waiting: dict[str, deque[tuple[Deferred[None], Request]]] = {}
        crawler.signals.connect(self._left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostConcurrencyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        if self.limit <= 0 or self.KEY in request.meta:
            return None
        key = request.meta.get("download_slot") or urlsplit(request.url).hostname or ""
        if self.busy.get(key, 0) < self.limit:
            self.busy[key] = self.busy.get(key, 0) + 1
            request.meta[self.KEY] = key
            return None
        waiter: Deferred[None] = Deferred()
        self.waiting.setdefault(key, deque()).append((waiter, request))
        return self._wait(waiter)

    async def _wait(self, waiter: Deferred[None]) -> None:
        # A coroutine, not the Deferred itself: Scrapy 2.19 warns on every Deferred that a
        # middleware returns (a deprecation warning on stderr in every quiet run).
        await maybe_deferred_to_future(waiter)

    def _left(self, request: Request) -> None:
        key = request.meta.pop(self.KEY, None)
        if key is None:
            return
        queue = self.waiting.get(key)
        if queue:  # hand the freed place straight to the next request of this host
            waiter, nxt = queue.popleft()
            nxt.meta[self.KEY] = key
            waiter.callback(None)
        else:
            self.busy[key] -= 1
