"""URL canonicalisation: one key per article whatever URL variant reached it.

Also the request fingerprinter (REQUEST_FINGERPRINTER_CLASS) keyed on that canonical URL,
so Scrapy's duplicate filter drops `m.`/`http:`/`?utm_*` variants of a seen page.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

# Query keys that identify the visitor or the referrer, never the page.
TRACKING_KEYS = frozenset(
    {
        "spm", "from", "scm", "share", "share_token", "sharer", "shareid", "wfr",
        "isappinstalled", "fr", "ref", "refer", "referer", "tt_from", "utm", "_wv",
        "winzoom", "fromsource", "frommobile", "gclid", "fbclid", "yclid", "mc_cid",
        "mc_eid", "sessionid", "from_source",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "spm_", "share_")
# Mobile and bare-host variants of a portal fold onto one host key.
HOST_PREFIXES = ("www.", "m.", "wap.", "3g.", "mobile.", "h5.")


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_KEYS or k.startswith(TRACKING_PREFIXES)


def canonical_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for prefix in HOST_PREFIXES:
        rest = host[len(prefix) :]
        # keep "m.cn"-like hosts intact: only strip when a registrable name remains
        if host.startswith(prefix) and rest.count(".") >= 1:
            return rest
    return host


@lru_cache(maxsize=1 << 16)  # pure function; a crawl asks for the same URL several times
def canonical_url(url: str) -> str:
    """The identity key of a page URL: https, folded host, no tracking, sorted query."""
    try:
        parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    except ValueError:
        return url.strip()
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    host = canonical_host(parts.hostname or "")
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme)
    netloc = host if port in (None, default) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


class CanonicalFingerprinter:
    """Request fingerprints over the canonical URL, method and body (headers ignored)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalFingerprinter:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        digest = hashlib.sha1(request.method.encode())
        digest.update(canonical_url(request.url).encode())
        digest.update(request.body or b"")
        return digest.digest()
