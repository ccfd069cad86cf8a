"""Which URL names a page: its canonical link or og:url, resolved against the page URL, and
for a saved page (file://) the CleanEval header's `id` URL. Only http(s) URLs come out.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

_WEB = ("http", "https")


def _is_web(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in _WEB and bool(parts.hostname)


def resolve_link(href: str | None, page_url: str) -> str | None:
    """`href` as an absolute http(s) URL, or None when it cannot name the page.

    Protocol-relative links (`//tieba.baidu.com/p/1`) become https:; relative ones resolve
    against the page URL only when that is http(s) itself (a file:// page has no base on
    the web); `javascript:`, `mailto:` and other schemes are ignored (issue 3).
    """
    href = (href or "").strip()
    if not href or any(ch.isspace() for ch in href):
        return None
    if href.startswith("//"):
        href = "https:" + href
    scheme = urlsplit(href).scheme.lower()
    if scheme:
        # "javascript:void(0)", "about:blank", "file:///…": none of them is the page's address.
        return href if _is_web(href) else None
    if not _is_web(page_url):
        return None
    resolved = urljoin(page_url, href)
    return resolved if _is_web(resolved) else None


def page_address(canonical: str | None, page_url: str, cleaneval_id: str | None) -> str:
    """The URL an Article carries: the page URL, except that a saved page (file://) takes its
    canonical link, else the absolute http(s) URL named by its CleanEval header."""
    if not page_url.startswith("file://"):
        return page_url
    if canonical:
        return canonical
    if cleaneval_id and _is_web(cleaneval_id.strip()):
        return cleaneval_id.strip()
    return page_url
