"""Safety limits, redirect loops, conditional requests and Retry-After back-off.

Reads AIDCORPUS_MAX_BODY, RETRY_AFTER_MAX, RETRY_AFTER_DEFAULT, REDIRECT_MAX_TIMES and the
spider's `site`/`state`. Refusals raise IgnoreRequest and count `refused/<reason>` stats.
(The seen-article skip lives in the spider: a spider middleware cost a task per response.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from w3lib.url import canonicalize_url

from crawler.canon import canonical_url

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


def host_allowed(host: str, domains: tuple[str, ...]) -> bool:
    return not domains or any(host == d or host.endswith("." + d) for d in domains)


def is_public(addr: str) -> bool:
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class SafetyMiddleware:
    """Refuse off-site hosts and, for non-local profiles, hosts resolving to private IPs."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._verdicts: dict[str, bool] = {}  # host -> public; per crawl, not module state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    async def _public(self, host: str) -> bool:
        if host in self._verdicts:
            return self._verdicts[host]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None)
            verdict = bool(infos) and all(is_public(str(info[4][0])) for info in infos)
        except (OSError, ValueError, socket.gaierror):
            verdict = True  # unresolvable: the download fails on its own, counted as error
        self._verdicts[host] = verdict
        return verdict

    def process_request(self, request: Request) -> Deferred[None] | None:
        # synchronous unless a DNS lookup is needed: a coroutine per request costs CPU
        spider = self.crawler.spider
        site = getattr(spider, "site", None)
        host = (urlsplit(request.url).hostname or "").lower()
        if site is not None and not host_allowed(host, site.domains()):
            raise _refuse(self.crawler, "offsite", request)
        local = site.local if site is not None else getattr(spider, "allow_local", False)
        if local:
            return None
        verdict = self._verdicts.get(host)
        if verdict is None:
            return deferred_from_coro(self._check(request, host))
        if not verdict:
            raise _refuse(self.crawler, "private-address", request)
        return None

    async def _check(self, request: Request, host: str) -> None:
        if not await self._public(host):
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
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 300.0)
        self.default_wait = settings.getfloat("RETRY_AFTER_DEFAULT", 5.0)

    def process_response(
        self, request: Request, response: Response
    ) -> Request | Response | Deferred[Request | Response]:
        # synchronous unless backing off: a coroutine per response costs CPU
        if response.status not in (429, 503) or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        return deferred_from_coro(self._retry_after(request, response))

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
        engine = self.crawler.engine
        slot = None
        if engine is not None:
            key = request.meta.get("download_slot")
            slot = engine.downloader.slots.get(key) if key else None
        old = slot.delay if slot is not None else 0.0
        if slot is not None:
            slot.delay = max(old, wait)  # the domain backs off, not just this URL
        try:
            await asyncio.sleep(wait)
        finally:
            if slot is not None and slot.delay == max(old, wait):
                slot.delay = old


class ConditionalMiddleware:
    """If-None-Match / If-Modified-Since for pages refetched every run (lists, feeds)."""

    KINDS = ("list", "feed", "sitemap", "article", "url")

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        state = getattr(self.crawler.spider, "state", None)
        if state is None or request.meta.get("kind") not in self.KINDS:
            return
        if request.meta.get("kind") in ("article", "url"):
            if request.meta.get("stored") is False:  # the spider looked: never stored
                return
            page = state.get(request.url)
            if page is None or not page.complete:
                return  # unfinished article: fetch it whole again
        for name, value in state.conditional_headers(request.url).items():
            request.headers.setdefault(name, value)
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("crawl/conditional-requests")


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
