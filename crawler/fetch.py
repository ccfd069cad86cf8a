"""Sequential, polite urllib fetches for check-site: robots.txt per host (Protego, as in the
crawl), a delay per host, one deadline, no redirect from a real portal into loopback.
Reads DOWNLOAD_MAXSIZE from crawler.settings."""

from __future__ import annotations

import gzip
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego  # Scrapy's own robots.txt parser: same verdicts as the crawl

from crawler.settings import DOWNLOAD_MAXSIZE

LOOPBACK = ("localhost", "127.", "::1", "[::1]", "0.0.0.0")


@dataclass(frozen=True, slots=True)
class Response:
    """What one fetch gave: final URL, status, headers, body, or a short problem key."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    problem: str = ""


@dataclass(slots=True)
class Fetcher:
    """Sequential urllib fetches: robots.txt per host, a delay per host, one deadline."""

    timeout: float
    delay: float
    deadline: float
    user_agent: str
    allow_loopback: bool
    robots: dict[str, Protego | None] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)
    count: int = 0

    def get(self, url: str) -> Response:
        host = (urlsplit(url).hostname or "").lower()
        if not self.allow_loopback and host.startswith(LOOPBACK):
            return Response(url, 0, problem="refused-loopback")
        if not self._allowed(url):
            return Response(url, 0, problem="robots")
        return self._fetch(url)

    def _fetch(self, url: str) -> Response:
        if time.monotonic() >= self.deadline:
            return Response(url, 0, problem="budget")
        origin = _origin(url)
        wait = self.last.get(origin, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last[origin] = time.monotonic()
        self.count += 1
        timeout = max(0.1, min(self.timeout, self.deadline - time.monotonic()))
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        opener = urllib.request.build_opener(_Redirects(self.allow_loopback))
        try:
            with opener.open(request, timeout=timeout) as resp:
                body = resp.read(DOWNLOAD_MAXSIZE + 1)
                headers = tuple(resp.headers.items())
                status, final = resp.status, resp.geturl()
        except urllib.error.HTTPError as exc:
            return Response(url, exc.code, tuple(exc.headers.items()), problem=f"http-{exc.code}")
        except TimeoutError:
            return Response(url, 0, problem="timeout")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            kind = "timeout" if isinstance(reason, TimeoutError) else type(reason).__name__
            return Response(url, 0, problem=kind)
        if len(body) > DOWNLOAD_MAXSIZE:
            return Response(final, status, headers, problem="too-large")
        if body[:2] == b"\x1f\x8b":  # .xml.gz sitemaps; urllib never asks for gzip itself
            try:
                body = gzip.decompress(body)[: DOWNLOAD_MAXSIZE + 1]
            except (OSError, EOFError):
                return Response(final, status, headers, problem="bad-gzip")
        return Response(final, status, headers, body)

    def _allowed(self, url: str) -> bool:
        origin = _origin(url)
        if origin not in self.robots:
            resp = self._fetch(origin + "/robots.txt")
            # as in Scrapy: a missing or unreachable robots.txt allows everything
            text = resp.body.decode("utf-8", "replace") if resp.status == 200 else ""
            self.robots[origin] = Protego.parse(text) if text else None
        parser = self.robots[origin]
        return parser is None or parser.can_fetch(url, self.user_agent)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never from a real portal into a loopback address."""

    def __init__(self, allow_loopback: bool):
        self.allow_loopback = allow_loopback

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        host = (urlsplit(newurl).hostname or "").lower()
        if not self.allow_loopback and host.startswith(LOOPBACK):
            raise urllib.error.HTTPError(newurl, code, "redirect to loopback refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
