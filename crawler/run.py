"""`crawl()`: run the spiders in a child process (`python -m crawler.child SPEC`, see
crawler/child.py), stats back as JSON (crawler/crawlstats.py).

A child per crawl lets one Python process crawl repeatedly (Twisted's reactor cannot restart)
and lets tests SIGKILL a real crawl. The child holds a lock on the WARC folder and dies with
its parent (Linux PR_SET_PDEATHSIG), so a killed `aidcorpus run` leaves no crawl behind.
Scrapy's log goes to `log_file` (rotated) when given; warnings and errors to stderr.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.child import resolve_sites
from crawler.crawlstats import CrawlStats, merge_stats


class CrawlError(RuntimeError):
    """The crawl child failed; the message carries its exit status."""


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


def start_crawl(site_names: list[str], *, timeout: float | None = None, **options: Any) -> CrawlJob:
    """Start crawling the named profiles (or, with `urls`, one URL list named
    site_names[0]) in a child process; `options` are `crawl_command`'s keyword arguments
    (warc_dir, state_path, base_url, settings, sites_dir, urls, log_file, stderr_level,
    redis_url, redis_prefix). See `crawl`."""
    if options.get("urls") is None:  # fail fast, in the caller's process
        resolve_sites(site_names, options.get("sites_dir"), options.get("base_url"))
    return CrawlJob(site_names, timeout=timeout, **options)


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
    return [sys.executable, "-m", "crawler.child", str(spec_path)], result


