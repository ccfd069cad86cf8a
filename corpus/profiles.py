"""The site profiles ingest reads pages with: outlet name, topic terms and topic gate of the
profile a WARC record names (`WARC-Aidcorpus-Site`), looked up once per profile per run."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from corpus.inputtypes import Input

log = logging.getLogger(__name__)


class Profiles:
    """Per-run cache of profile lookups; `gate` is ingest's --topic-gate (auto, on, off)."""

    def __init__(self, sites_dir: Path | None, gate: str) -> None:
        self.sites_dir = sites_dir
        self.gate = gate
        self._known: dict[str, tuple[str | None, tuple[str, ...], bool | None]] = {}

    def _profile(self, site: str | None) -> tuple[str | None, tuple[str, ...], bool | None]:
        """(outlet name, topic terms, topic_gate) of the profile a page was crawled with."""
        if site is None:
            return None, (), None
        if site not in self._known:
            from crawler.sites import SiteError, get_site

            try:
                profile = get_site(site, self.sites_dir)
                self._known[site] = (
                    profile.outlet or None, profile.topic_terms, profile.topic_gate
                )
            except SiteError:
                log.warning("WARC names unknown site profile %r: global topic terms only", site)
                self._known[site] = (None, (), None)
        return self._known[site]

    def outlet(self, site: str | None) -> str | None:
        return self._profile(site)[0]

    def with_terms(self, item: Input) -> Input:
        """Give pages crawled with a profile that profile's own topic terms."""
        terms = self._profile(item.page.site)[1]
        if not terms:
            return item
        return replace(item, page=replace(item.page, topic_terms=terms))

    def gated(self, item: Input) -> bool:
        """A profile's own `topic_gate` decides for its pages; otherwise on: every page,
        off: none, auto: pages crawled with a profile."""
        own = self._profile(item.page.site)[2]
        if own is not None:
            return own
        return self.gate == "on" or (self.gate == "auto" and item.page.site is not None)
