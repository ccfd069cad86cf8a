"""`crawl()`: run the spiders in a child process (`python -m crawler.run SPEC`), stats back as JSON.

A child per crawl lets one Python process crawl repeatedly (Twisted's reactor cannot restart)
and lets tests SIGKILL a real crawl. The child holds a lock on the WARC folder.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.sites import Site, SiteError, load_sites
from crawler.warc import recover_open_files

log = logging.getLogger(__name__)
LOCK_NAME = ".crawl.lock"


class CrawlError(RuntimeError):
    """The crawl child failed; the message carries its exit status."""


@dataclass(frozen=True, slots=True)
class CrawlStats:
    sites: tuple[str, ...]
    pages_fetched: int  # responses archived (lists, articles, parts, feeds, ...)
    articles_kept: int  # articles whose title/body matched topic terms
    articles_skipped: int  # archived too, but off-topic
    articles_seen: int  # not requested: archived whole within refresh_after_days
    not_modified: int  # 304 answers to conditional requests
    errors: int
    refused: int
    retries: int
    warc_records: int
    warc_files: tuple[str, ...]
    recovered_files: tuple[str, ...]  # `.open` files of a killed run, published at start
    elapsed_s: float  # the child's whole run, recovery included
    crawl_s: float  # Scrapy's elapsed_time_seconds (spider open to close, longest site)
    counters: dict[str, int] = field(default_factory=dict)  # every namespaced stats key

    def summary(self) -> str:
        return (
            f"crawl {', '.join(self.sites)}: {self.pages_fetched} pages, articles kept"
            f" {self.articles_kept} / off-topic {self.articles_skipped}; {self.articles_seen}"
            f" article links not refetched (archived before or linked twice);"
            f" 304 {self.not_modified}, errors {self.errors},"
            f" refused {self.refused}, {len(self.warc_files)} WARC file(s), {self.elapsed_s:.1f}s"
        )


def _resolve(names: list[str], sites_dir: Path | None, base_url: str | None) -> list[Site]:
    known = load_sites(sites_dir)
    missing = [n for n in names if n not in known]
    if missing:
        raise SiteError(f"unknown site(s) {', '.join(missing)}; known: {', '.join(sorted(known))}")
    return [known[n].for_base(base_url) for n in names]


def crawl(
    site_names: list[str],
    *,
    warc_dir: Path,
    state_path: Path,
    base_url: str | None = None,
    settings: dict[str, Any] | None = None,
    sites_dir: Path | None = None,
    urls: list[str] | None = None,
    timeout: float | None = None,
) -> CrawlStats:
    """Crawl the named profiles (or, with `urls`, one URL list named site_names[0])."""
    if urls is None:
        _resolve(site_names, sites_dir, base_url)  # fail fast, in the caller's process
    with tempfile.TemporaryDirectory(prefix="aidcorpus-crawl-") as tmp:
        argv, result = crawl_command(
            site_names,
            spec_dir=Path(tmp),
            warc_dir=warc_dir,
            state_path=state_path,
            base_url=base_url,
            settings=settings,
            sites_dir=sites_dir,
            urls=urls,
        )
        proc = subprocess.run(argv, timeout=timeout, check=False)
        if proc.returncode != 0 or not result.exists():
            raise CrawlError(f"crawl of {', '.join(site_names)} failed (exit {proc.returncode})")
        data = json.loads(result.read_text(encoding="utf-8"))
    data["sites"] = tuple(data["sites"])
    data["warc_files"] = tuple(data["warc_files"])
    data["recovered_files"] = tuple(data["recovered_files"])
    return CrawlStats(**data)


def crawl_command(
    site_names: list[str],
    *,
    spec_dir: Path,
    warc_dir: Path,
    state_path: Path,
    base_url: str | None = None,
    settings: dict[str, Any] | None = None,
    sites_dir: Path | None = None,
    urls: list[str] | None = None,
) -> tuple[list[str], Path]:
    """Write the child's job spec into spec_dir: (argv to run it, path of its JSON result)."""
    result = Path(spec_dir) / "result.json"
    spec = {
        "sites": list(site_names),
        "sites_dir": str(sites_dir) if sites_dir else None,
        "base_url": base_url,
        "warc_dir": str(Path(warc_dir).resolve()),
        "state_path": str(Path(state_path).resolve()),
        "settings": settings or {},
        "urls": urls,
        "result_path": str(result),
    }
    spec_path = Path(spec_dir) / "spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return [sys.executable, "-m", "crawler.run", str(spec_path)], result


def build_settings(spec: dict[str, Any]) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides = dict(spec.get("settings") or {})
    if "AIDCORPUS_CONTACT_URL" in overrides and "USER_AGENT" not in overrides:
        version = settings.get("AIDCORPUS_VERSION")
        overrides["USER_AGENT"] = f"aidcorpus/{version} (+{overrides['AIDCORPUS_CONTACT_URL']})"
    overrides["WARC_DIR"] = spec["warc_dir"]
    overrides["CRAWL_STATE_PATH"] = spec["state_path"]
    settings.setdict(overrides, priority="cmdline")
    return settings


def _sum_stats(all_stats: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    counters: dict[str, int] = {}
    files: list[str] = []
    for stats in all_stats:
        files.extend(stats.get("warc/files", []))
        for key, value in stats.items():
            if isinstance(value, int) and not isinstance(value, bool):
                counters[key] = counters.get(key, 0) + value
    return counters, files


def _run_child(spec: dict[str, Any]) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.portal import PortalSpider
    from crawler.spiders.urls import UrlListSpider, url_list_site
    from crawler.state import CrawlState

    started = time.monotonic()
    warc_dir = Path(spec["warc_dir"])
    recovered = [str(p) for p in recover_open_files(warc_dir)]
    settings = build_settings(spec)
    if spec.get("urls") is not None:
        local = bool(spec["settings"].get("AIDCORPUS_ALLOW_LOCAL", False))
        jobs = [(UrlListSpider, url_list_site(spec["sites"][0], tuple(spec["urls"]), local=local))]
    else:
        sites = _resolve(spec["sites"], spec.get("sites_dir"), spec.get("base_url"))
        jobs = [(PortalSpider, site) for site in sites]
    # one connection for every spider: batched writes from two connections would wait on
    # each other's lock inside the one reactor thread
    state = CrawlState(spec["state_path"], batch=True)
    run_id = state.start_run(spec["sites"])
    process = CrawlerProcess(settings)
    crawlers = []
    for spider_cls, site in jobs:
        crawler = process.create_crawler(spider_cls)
        crawlers.append(crawler)
        process.crawl(crawler, site=site, state=state)
    process.start()
    state.commit()
    all_stats = [c.stats.get_stats() for c in crawlers if c.stats is not None]
    counters, files = _sum_stats(all_stats)
    crawl_s = max((float(s.get("elapsed_time_seconds", 0.0)) for s in all_stats), default=0.0)

    def total(prefix: str) -> int:
        return sum(v for k, v in counters.items() if k.startswith(prefix))

    result = {
        "sites": spec["sites"],
        "pages_fetched": counters.get("crawl/pages", 0),
        "articles_kept": counters.get("articles/kept", 0),
        "articles_skipped": counters.get("articles/skipped", 0),
        "articles_seen": counters.get("skip/seen", 0),
        "not_modified": counters.get("crawl/not-modified", 0),
        "errors": total("errors/"),
        "refused": total("refused/"),
        "retries": counters.get("retry/count", 0),
        "warc_records": counters.get("warc/records", 0),
        "warc_files": files,
        "recovered_files": recovered,
        "elapsed_s": round(time.monotonic() - started, 3),
        "crawl_s": round(crawl_s, 3),
        "counters": {k: v for k, v in sorted(counters.items()) if "/" in k},
    }
    state.finish_run(run_id, result)
    state.close()
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawler.run SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    warc_dir = Path(spec["warc_dir"])
    warc_dir.mkdir(parents=True, exist_ok=True)
    with open(warc_dir / LOCK_NAME, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another crawl is writing to {warc_dir}", file=sys.stderr)
            return 3
        result = _run_child(spec)
    out = Path(spec["result_path"])
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
