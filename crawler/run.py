"""`crawl()`: run the spiders in a child process (`python -m crawler.run SPEC`), stats back as JSON.

A child per crawl lets one Python process crawl repeatedly (Twisted's reactor cannot restart)
and lets tests SIGKILL a real crawl. The child holds a lock on the WARC folder and dies with
its parent (Linux PR_SET_PDEATHSIG), so a killed `aidcorpus run` leaves no crawl behind.
Scrapy's log goes to `log_file` (rotated) when given; warnings and errors to stderr.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import logging
import logging.handlers
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
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
    articles_kept: int  # articles the topic gate keeps (terms matched, or no gate)
    articles_skipped: int  # archived too, but off-topic where a topic gate is on
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
    drift: tuple[dict[str, Any], ...] = ()  # per site: crawler.report.Drift as a dict
    log_file: str | None = None  # Scrapy's log of this crawl, when written to a file
    gated: bool = True  # a topic gate was on for some site: off-topic articles are counted

    def summary(self) -> str:
        articles = (
            f"articles kept {self.articles_kept} / off-topic {self.articles_skipped}"
            if self.gated
            else f"{self.articles_kept} articles (topic gate off)"
        )
        return (
            f"crawl {', '.join(self.sites)}: {self.pages_fetched} pages, {articles};"
            f" {self.articles_seen}"
            f" article links not refetched (archived before or linked twice);"
            f" 304 {self.not_modified}, errors {self.errors},"
            f" refused {self.refused}, {len(self.warc_files)} WARC file(s), {self.elapsed_s:.1f}s"
        )

    def warnings(self) -> list[str]:
        """Lines the run summary prints as warnings: profiles whose pattern drifted."""
        from crawler.report import Drift

        found = [Drift(**{**d, **{k: tuple(d[k]) for k in ("learned", "refused", "traps")}})
                 for d in self.drift]  # fmt: skip
        return [w for w in (d.warning for d in found) if w]


def _resolve(names: list[str], sites_dir: Path | None, base_url: str | None) -> list[Site]:
    known = load_sites(sites_dir)
    missing = [n for n in names if n not in known]
    if missing:
        raise SiteError(f"unknown site(s) {', '.join(missing)}; known: {', '.join(sorted(known))}")
    return [known[n].for_base(base_url) for n in names]


class CrawlJob:
    """A crawl running in its child process (`start_crawl`): poll it with `running()`,
    collect its stats with `wait()`; `kill()` leaves nothing behind."""

    def __init__(self, site_names: list[str], *, timeout: float | None = None, **kwargs: Any):
        self.site_names = list(site_names)
        self.timeout = timeout
        self.started = time.monotonic()
        self._tmp = tempfile.TemporaryDirectory(prefix="aidcorpus-crawl-")
        argv, self._result = crawl_command(site_names, spec_dir=Path(self._tmp.name), **kwargs)
        self.proc = subprocess.Popen(argv, preexec_fn=die_with_parent(os.getpid()))

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self) -> CrawlStats:
        try:
            left = None
            if self.timeout is not None:
                left = self.timeout - (time.monotonic() - self.started)
            code = self.proc.wait(timeout=left)
            if code != 0 or not self._result.exists():
                names = ", ".join(self.site_names)
                raise CrawlError(f"crawl of {names} failed (exit {code})")
            data = json.loads(self._result.read_text(encoding="utf-8"))
        except BaseException:  # timeout, Ctrl-C, SIGTERM turned exception: no orphan
            self.kill()
            raise
        finally:
            if not self.running():
                self._tmp.cleanup()
        for key in ("sites", "warc_files", "recovered_files", "drift"):
            data[key] = tuple(data.get(key, ()))
        return CrawlStats(**data)

    def kill(self) -> None:
        if self.running():
            self.proc.kill()
        self.proc.wait()
        self._tmp.cleanup()


def start_crawl(
    site_names: list[str],
    *,
    warc_dir: Path,
    state_path: Path,
    base_url: str | None = None,
    settings: dict[str, Any] | None = None,
    sites_dir: Path | None = None,
    urls: list[str] | None = None,
    timeout: float | None = None,
    log_file: Path | None = None,
    stderr_level: str = "WARNING",
    redis_url: str | None = None,
    redis_prefix: str = "aidcorpus",
) -> CrawlJob:
    """Start crawling the named profiles (or, with `urls`, one URL list named
    site_names[0]) in a child process; see `crawl`."""
    if urls is None:
        _resolve(site_names, sites_dir, base_url)  # fail fast, in the caller's process
    return CrawlJob(
        site_names,
        timeout=timeout,
        warc_dir=warc_dir,
        state_path=state_path,
        base_url=base_url,
        settings=settings,
        sites_dir=sites_dir,
        urls=urls,
        log_file=log_file,
        stderr_level=stderr_level,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
    )


class CrawlGroup:
    """Several crawl processes sharing one frontier in Redis (`start_crawl(...,
    redis_url=...)` each); their stats are added up."""

    def __init__(self, jobs: list[CrawlJob]) -> None:
        self.jobs = jobs

    def running(self) -> bool:
        return any(job.running() for job in self.jobs)

    def wait(self) -> CrawlStats:
        try:
            return merge_stats([job.wait() for job in self.jobs])
        except BaseException:
            self.kill()
            raise

    def kill(self) -> None:
        for job in self.jobs:
            job.kill()


def start_crawls(processes: int, site_names: list[str], **kwargs: Any) -> CrawlJob | CrawlGroup:
    """`processes` crawl processes (over 1: they need `redis_url` to share the work)."""
    if processes <= 1:
        return start_crawl(site_names, **kwargs)
    if not kwargs.get("redis_url"):
        raise ValueError("several crawl processes need a redis_url to share one frontier")
    jobs: list[CrawlJob] = []
    log_file = kwargs.pop("log_file", None)
    try:
        for n in range(1, processes + 1):
            own = Path(log_file).with_stem(f"{Path(log_file).stem}-{n}") if log_file else None
            jobs.append(start_crawl(site_names, log_file=own, **kwargs))
    except BaseException:
        CrawlGroup(jobs).kill()
        raise
    return CrawlGroup(jobs)


def merge_stats(stats: list[CrawlStats]) -> CrawlStats:
    """One crawl's stats from its processes': counts added, files joined, times the longest."""
    if len(stats) == 1:
        return stats[0]
    counters: dict[str, int] = {}
    for s in stats:
        for key, value in s.counters.items():
            counters[key] = counters.get(key, 0) + value
    summed = {
        name: sum(getattr(s, name) for s in stats)
        for name in ("pages_fetched", "articles_kept", "articles_skipped", "articles_seen",
                     "not_modified", "errors", "refused", "retries", "warc_records")
    }  # fmt: skip
    return CrawlStats(
        sites=stats[0].sites,
        warc_files=tuple(f for s in stats for f in s.warc_files),
        recovered_files=tuple(f for s in stats for f in s.recovered_files),
        elapsed_s=max(s.elapsed_s for s in stats),
        crawl_s=max(s.crawl_s for s in stats),
        counters=counters,
        # each process reports the drift it saw: the first report per site stands
        drift=tuple({d.get("site"): d for s in reversed(stats) for d in s.drift}.values()),
        log_file=stats[0].log_file,
        gated=any(s.gated for s in stats),
        **summed,
    )


def crawl(site_names: list[str], **kwargs: Any) -> CrawlStats:
    """Crawl the named profiles (or, with `urls`, one URL list named site_names[0]) and
    return the stats; the keyword arguments are `start_crawl`'s.

    `log_file`: Scrapy's log goes there (rotated) instead of stderr, which then gets only
    records at `stderr_level` and above."""
    return start_crawl(site_names, **kwargs).wait()


def die_with_parent(parent: int) -> Callable[[], None] | None:
    """A preexec_fn that makes the child get SIGKILL when its parent dies (Linux), so a
    killed `run` never leaves its crawl behind holding the WARC lock."""
    if not sys.platform.startswith("linux"):
        return None

    def arm() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return arm


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
    log_file: Path | None = None,
    stderr_level: str = "WARNING",
    redis_url: str | None = None,
    redis_prefix: str = "aidcorpus",
) -> tuple[list[str], Path]:
    """Write the child's job spec into spec_dir: (argv to run it, path of its JSON result).
    With `redis_url` the crawl shares its frontier, dupefilter, politeness and crawl state
    with every other crawl on that Redis and prefix (crawler/shared.py), and writes its
    WARC files into a folder of its own under `warc_dir`."""
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
        "log_file": str(Path(log_file).resolve()) if log_file else None,
        "stderr_level": stderr_level,
        "redis_url": redis_url,
        "redis_prefix": redis_prefix,
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
        sites = _resolve(spec["sites"], spec.get("sites_dir"), spec.get("base_url"))
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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawler.run SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    warc_dir = Path(spec["warc_dir"])
    warc_dir.mkdir(parents=True, exist_ok=True)
    lock = _own_folder(warc_dir) if spec.get("redis_url") else _lock(warc_dir)
    if lock is None:
        print(f"another crawl is writing to {warc_dir}", file=sys.stderr)
        return 3
    with lock:
        spec["warc_dir"] = str(Path(lock.name).parent)
        result = _run_child(spec)
    out = Path(spec["result_path"])
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out)
    return 0


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
