"""The crawl child (`python -m crawler.child SPEC.json`): read the job spec crawler/run.py wrote,
crawl under the WARC folder's lock, write the stats as JSON where the spec says.

Scrapy's log goes to the spec's `log_file` (rotated) when given; warnings and errors to
stderr. `spec_main` is the entry of every child (check-site's too).
"""

from __future__ import annotations

import fcntl
import json
import logging
import logging.handlers
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crawler.sites import Site, SiteError, load_sites
from crawler.warc import recover_open_files

log = logging.getLogger(__name__)
LOCK_NAME = ".crawl.lock"


def resolve_sites(names: list[str], sites_dir: Path | None, base_url: str | None) -> list[Site]:
    """The named profiles (local ones pointed at `base_url`); SiteError for unknown names."""
    known = load_sites(sites_dir)
    missing = [n for n in names if n not in known]
    if missing:
        raise SiteError(f"unknown site(s) {', '.join(missing)}; known: {', '.join(sorted(known))}")
    return [known[n].for_base(base_url) for n in names]


def spec_main(
    argv: list[str] | None, module: str, job: Callable[[dict[str, Any]], dict[str, Any] | int]
) -> int:
    """`python -m MODULE SPEC.json`: run `job(spec)` and write the dict it returns to the
    spec's `result_path` (whole or not at all); an int it returns is the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: python -m {module} SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    result = job(spec)
    if isinstance(result, int):
        return result
    out = Path(spec["result_path"])
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out)
    return 0


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
    if spec.get("redis_url"):
        from crawler.shared import settings_for

        shared = settings_for(spec["redis_url"], spec.get("redis_prefix") or "aidcorpus")
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update(shared.pop("DOWNLOAD_HANDLERS"))
        settings.setdict({**shared, "DOWNLOAD_HANDLERS": handlers}, priority=100)
    keep_quiet(settings)
    return settings


def keep_quiet(settings: Any) -> None:
    """Nothing listens, whatever a run config's [scrapy] table says."""
    settings.set("TELNETCONSOLE_ENABLED", False, priority=100)
    settings.set("REMOTE_CONTROL_ENABLED", False, priority=100)
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions.update(dict.fromkeys(settings.getlist("LISTENING_EXTENSIONS")))
    settings.set("EXTENSIONS", extensions, priority=100)


def _log_to(spec: dict[str, Any], settings: Any) -> None:
    """With a log file: Scrapy's log there (rotated), stderr gets `stderr_level` and up.
    Without: Scrapy's log on stderr at LOG_LEVEL, as `scrapy crawl` prints it."""
    level = logging.getLevelName(settings.get("LOG_LEVEL"))
    wanted = logging.getLevelName(spec.get("stderr_level") or "WARNING")
    stderr = logging.StreamHandler(sys.stderr)
    handlers: list[logging.Handler] = [stderr]
    if spec.get("log_file"):
        path = Path(spec["log_file"])
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8"
        )
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT")))
        handlers.append(handler)
        stderr.setLevel(wanted)
        stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    else:
        stderr.setLevel(wanted if wanted >= logging.ERROR else min(wanted, level))
        stderr.setFormatter(logging.Formatter(settings.get("LOG_FORMAT")))
    root = logging.getLogger()
    root.setLevel(min(h.level for h in handlers))  # no records nobody will write
    for handler in handlers:
        root.addHandler(handler)


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

    from crawler.report import drift_of
    from crawler.spiders.portal import PortalSpider
    from crawler.spiders.urls import UrlListSpider, url_list_site
    from crawler.state import CrawlState

    started = time.monotonic()
    warc_dir = Path(spec["warc_dir"])
    recovered = [str(p) for p in recover_open_files(warc_dir)]
    settings = build_settings(spec)
    if spec.get("urls") is not None:
        local = settings.getbool("AIDCORPUS_ALLOW_LOCAL")
        jobs = [(UrlListSpider, url_list_site(spec["sites"][0], tuple(spec["urls"]), local=local))]
    else:
        sites = resolve_sites(spec["sites"], spec.get("sites_dir"), spec.get("base_url"))
        jobs = [(PortalSpider, site) for site in sites]
    # one connection for every spider: batched writes from two connections would wait on
    # each other's lock inside the one reactor thread
    state: Any
    if spec.get("redis_url"):  # shared with the crawl's other processes
        from crawler.redisstate import RedisCrawlState

        state = RedisCrawlState.from_url(spec["redis_url"], spec.get("redis_prefix") or "aidcorpus")
    else:
        state = CrawlState(spec["state_path"], batch=True)
    run_id = state.start_run(spec["sites"])
    _log_to(spec, settings)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # our handlers above
    process = CrawlerProcess(settings)
    crawlers = []
    for spider_cls, site in jobs:
        crawler = process.create_crawler(spider_cls)  # its own settings: see from_crawler
        crawlers.append(crawler)
        process.crawl(crawler, site=site, state=state)
    process.start()
    state.commit()
    all_stats = [c.stats.get_stats() for c in crawlers if c.stats is not None]
    counters, files = _sum_stats(all_stats)
    drift = [
        asdict(drift_of(c.spider.site.name, c.spider.frontier, c.stats and c.stats.get_stats()))
        for c in crawlers
        if c.spider is not None and getattr(c.spider, "frontier", None) is not None
    ]
    for report in drift:
        log.info("drift: %s", report)
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
        "drift": drift,
        "log_file": spec.get("log_file"),
        "gated": counters.get("articles/gated-sites", 0) > 0,
    }
    state.finish_run(run_id, result)
    state.close()
    return result


def crawl_job(spec: dict[str, Any]) -> dict[str, Any] | int:
    """The crawl of one spec under its WARC folder's lock (exit 3 when another crawl has it)."""
    warc_dir = Path(spec["warc_dir"])
    warc_dir.mkdir(parents=True, exist_ok=True)
    lock = _own_folder(warc_dir) if spec.get("redis_url") else _lock(warc_dir)
    if lock is None:
        print(f"another crawl is writing to {warc_dir}", file=sys.stderr)
        return 3
    with lock:
        spec["warc_dir"] = str(Path(lock.name).parent)
        return _run_child(spec)


def main(argv: list[str] | None = None) -> int:
    return spec_main(argv, "crawler.child", crawl_job)


def _lock(folder: Path) -> Any:
    """The folder's crawl lock (an open file holding flock), or None when taken."""
    lock = open(folder / LOCK_NAME, "a+")  # closed by the caller's `with`
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock


def _own_folder(warc_dir: Path) -> Any:
    """A shared crawl's WARC folder: `<warc_dir>/<host>-<n>`, the first free n on this
    machine, so processes never write (or recover) each other's files; a process that
    died leaves its folder to the next one, which publishes its open file."""
    host = socket.gethostname().replace("/", "_") or "host"
    for n in range(256):
        folder = warc_dir / f"{host}-{n}"
        folder.mkdir(exist_ok=True)
        lock = _lock(folder)
        if lock is not None:
            return lock
    return None


if __name__ == "__main__":
    sys.exit(main())
