"""Site profiles: load `crawler/sites/*.toml` into frozen, validated `Site` values.

Every problem is reported as `SiteError` naming the file and the field. URL patterns are
compiled with RE2 (google-re2): matching takes linear time whatever the pattern, so a
profile cannot hang a crawl; a pattern RE2 cannot run (backreferences, lookaround) is refused.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import re2

SITES_DIR = Path(__file__).resolve().parent / "sites"
NAME_RE = re.compile(r"^[a-z0-9-]+$")
SEARCH_FORMATS = ("html", "json")

# key -> (accepted python types, default); defaults make the optional keys optional.
_FIELDS: dict[str, tuple[tuple[type, ...], Any]] = {
    "name": ((str,), None),
    "outlet": ((str,), ""),
    "local": ((bool,), False),
    "start_urls": ((list,), ()),
    "list_pattern": ((str,), ""),
    "article_pattern": ((str,), None),
    "sitemaps": ((list,), ()),
    "feeds": ((list,), ()),
    "allowed_domains": ((list,), ()),
    "topic_terms": ((list,), ()),
    "gate_links": ((bool,), False),
    "encoding": ((str,), ""),
    "search": ((dict,), None),
    # Our additions to the documented schema (all optional):
    "refresh_after_days": ((int,), 30),  # refetch a stored article after this many days
    "max_list_pages": ((int,), 200),  # pagination/calendar trap bound, per run
    "max_parts": ((int,), 20),  # multi-page article bound
    "max_pages": ((int,), 5000),  # pages requested per run (the site's budget)
    "max_probes": ((int,), 300),  # article-looking pages fetched per run to test their shape
    "discover": ((bool,), True),  # also fetch links that look like articles (URL shape)
    "topic_gate": ((bool,), None),  # keep only on-topic articles; unset: the run's setting
}
_SEARCH_FIELDS = {"url", "format", "max_pages", "terms"}


class SiteError(ValueError):
    """A profile that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class SearchSpec:
    url: str  # contains {query} and {page}
    format: str = "html"  # "html" or "json"
    max_pages: int = 3
    terms: tuple[str, ...] = ()  # queries; empty: the profile's topic_terms or 援疆


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    article_pattern: str
    outlet: str = ""
    local: bool = False
    start_urls: tuple[str, ...] = ()
    list_pattern: str = ""
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    topic_terms: tuple[str, ...] = ()
    gate_links: bool = False
    encoding: str = ""
    search: SearchSpec | None = None
    refresh_after_days: int = 30
    max_list_pages: int = 200
    max_parts: int = 20
    max_pages: int = 5000
    max_probes: int = 300
    discover: bool = True
    topic_gate: bool | None = None
    path: str = ""  # the profile file, for messages

    def article_re(self) -> Any:
        """The article_pattern compiled with RE2 (`search`, `pattern` as in `re`)."""
        return _compile(self.article_pattern)

    def list_re(self) -> Any:
        return _compile(self.list_pattern) if self.list_pattern else None

    def domains(self) -> tuple[str, ...]:
        """Allowed hosts: the explicit list, else the hosts of every configured URL."""
        if self.allowed_domains:
            return self.allowed_domains
        urls = [*self.start_urls, *self.sitemaps, *self.feeds]
        if self.search is not None:
            urls.append(self.search.url)
        return tuple(dict.fromkeys(h for h in (_host(u) for u in urls) if h))

    def for_base(self, base_url: str | None) -> Site:
        """Replace {base} in a local profile's URLs; its allowed domain is base_url's host."""
        if not self.local:
            return self
        if not base_url:
            raise SiteError(f"{self.path}: local profile {self.name!r} needs a base_url")
        base = base_url.rstrip("/")

        def sub(urls: Iterable[str]) -> tuple[str, ...]:
            return tuple(u.replace("{base}", base) for u in urls)

        search = self.search
        if search is not None:
            search = dataclasses.replace(search, url=search.url.replace("{base}", base))
        # {base} URLs are on base_url's host; a URL written out whole (a second local
        # portal: one run has one base_url) keeps its own, else its start page is offsite.
        urls = [*self.start_urls, *self.sitemaps, *self.feeds]
        urls += [search.url] if search is not None else []
        hosts = [_host(u) for u in urls if "{base}" not in u]
        if not hosts or any("{base}" in u for u in urls):
            hosts.insert(0, _host(base))
        return dataclasses.replace(
            self,
            start_urls=sub(self.start_urls),
            sitemaps=sub(self.sitemaps),
            feeds=sub(self.feeds),
            search=search,
            allowed_domains=tuple(dict.fromkeys(h for h in hosts if h)),
        )


def site_to_dict(site: Site) -> dict[str, Any]:
    """A Site as plain JSON-able data (for a crawl child's job spec)."""
    return dataclasses.asdict(site)


def site_from_dict(data: dict[str, Any]) -> Site:
    values = dict(data)
    for key in ("start_urls", "sitemaps", "feeds", "allowed_domains", "topic_terms"):
        values[key] = tuple(values.get(key) or ())
    if values.get("search") is not None:
        search = dict(values["search"])
        search["terms"] = tuple(search.get("terms") or ())
        values["search"] = SearchSpec(**search)
    return Site(**values)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@cache  # read-only: one compiled pattern per pattern text
def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the error is ours to report, naming file and field
    return options


@cache
def _compile(pattern: str) -> Any:
    return re2.compile(pattern, _options())


def check_pattern(pattern: str) -> str | None:
    """None if RE2 runs `pattern` (in linear time), else why not."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"bad regular expression: {exc}"
    try:
        _compile(pattern)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        return (
            f"{detail}: only patterns that match in linear time are accepted"
            " (no backreferences or lookaround; see RE2 syntax)"
        )
    return None


def _fail(path: Path | str, field: str, problem: str) -> SiteError:
    return SiteError(f"{path}: field {field!r}: {problem}")


def _str_list(path: Path, key: str, value: list[Any]) -> tuple[str, ...]:
    if not all(isinstance(v, str) and v for v in value):
        raise _fail(path, key, "must be a list of non-empty strings")
    return tuple(value)


def _check_urls(path: Path, key: str, urls: tuple[str, ...], local: bool) -> None:
    for url in urls:
        if "{base}" in url:
            if not local:
                raise _fail(path, key, f"{url!r} uses {{base}} but the profile is not local")
            continue
        if urlsplit(url).scheme not in ("http", "https") or not _host(url):
            raise _fail(path, key, f"{url!r} is not an absolute http(s) URL")


def _parse_search(path: Path, raw: dict[str, Any], local: bool) -> SearchSpec:
    unknown = sorted(set(raw) - _SEARCH_FIELDS)
    if unknown:
        raise _fail(path, "search", f"unknown key(s) {', '.join(unknown)}")
    url = raw.get("url")
    if not isinstance(url, str) or "{query}" not in url:
        raise _fail(path, "search.url", "must be a URL string containing {query}")
    _check_urls(path, "search.url", (url,), local)
    fmt = raw.get("format", "html")
    if fmt not in SEARCH_FORMATS:
        raise _fail(path, "search.format", f"must be one of {SEARCH_FORMATS}, not {fmt!r}")
    max_pages = raw.get("max_pages", 3)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        raise _fail(path, "search.max_pages", "must be a positive integer")
    if max_pages > 1 and "{page}" not in url:
        raise _fail(path, "search.url", "needs {page} when max_pages > 1")
    terms = _str_list(path, "search.terms", raw.get("terms", []))
    return SearchSpec(url=url, format=fmt, max_pages=max_pages, terms=terms)


def parse_site(path: Path, raw: dict[str, Any]) -> Site:
    """Validate one profile's TOML table; raise SiteError naming file and field."""
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise _fail(path, unknown[0], f"unknown key (known: {', '.join(sorted(_FIELDS))})")
    values: dict[str, Any] = {}
    for key, (types, default) in _FIELDS.items():
        if key not in raw:
            if default is None and key not in ("search", "topic_gate"):
                raise _fail(path, key, "is required")
            continue
        value = raw[key]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            want = "/".join(t.__name__ for t in types)
            raise _fail(path, key, f"must be {want}, got {type(value).__name__}")
        values[key] = value
    name = values["name"]
    if not NAME_RE.match(name):
        raise _fail(path, "name", f"{name!r} must match [a-z0-9-]+")
    if path.suffix == ".toml" and path.stem != name:
        raise _fail(path, "name", f"{name!r} differs from the file name {path.name!r}")
    local = values.get("local", False)
    for key in ("start_urls", "sitemaps", "feeds", "allowed_domains", "topic_terms"):
        if key in values:
            values[key] = _str_list(path, key, values[key])
    for key in ("start_urls", "sitemaps", "feeds"):
        _check_urls(path, key, values.get(key, ()), local)
    for key in ("list_pattern", "article_pattern"):
        problem = check_pattern(values.get(key, ""))
        if problem:
            raise _fail(path, key, problem)
    if not values["article_pattern"]:
        raise _fail(path, "article_pattern", "must not be empty")
    for key in ("refresh_after_days", "max_list_pages", "max_parts", "max_pages"):
        if key in values and values[key] < 1:
            raise _fail(path, key, "must be a positive integer")
    if values.get("max_probes", 0) < 0:
        raise _fail(path, "max_probes", "must be 0 or more")
    if "search" in values:
        values["search"] = _parse_search(path, values["search"], local)
    if not any(values.get(k) for k in ("start_urls", "sitemaps", "feeds", "search")):
        raise _fail(path, "start_urls", "a profile needs start_urls, sitemaps, feeds or search")
    return Site(path=str(path), **values)


def load_site_file(path: Path) -> Site:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SiteError(f"{path}: not valid TOML (UTF-8): {exc}") from None
    return parse_site(path, raw)


def load_sites(dir: Path | str | None = None) -> dict[str, Site]:
    """All profiles in `dir` (default crawler/sites/), by name."""
    folder = Path(dir) if dir is not None else SITES_DIR
    sites: dict[str, Site] = {}
    for path in sorted(folder.glob("*.toml")):
        site = load_site_file(path)
        if site.name in sites:
            raise _fail(
                path, "name", f"{site.name!r} is already defined in {sites[site.name].path}"
            )
        sites[site.name] = site
    return sites


def get_site(name: str, dir: Path | str | None = None) -> Site:
    sites = load_sites(dir)
    try:
        return sites[name]
    except KeyError:
        known = ", ".join(sorted(sites)) or "(none)"
        raise SiteError(f"unknown site {name!r}; known sites: {known}") from None
