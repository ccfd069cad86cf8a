"""Whole runs: crawl -> ingest of the new WARC files -> export, for `aidcorpus run` and the
demo (corpus/demo/run.py).

`aidcorpus run` reads aidcorpus.toml (corpus/config.py) and holds a lock file so two
scheduled runs never overlap; each run writes a JSON stats file under `runs/`. Quiet as cron
wants: the crawl's Scrapy log goes to a rotating file in the data folder, the summary to
stdout, warnings (a drifting profile, unreadable files) and errors to stderr.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus import quality
from corpus.config import (
    RunConfig,
    check_parent,
    check_run_paths,
    check_state_path,
    load_config,
)
from corpus.errors import UserError
from corpus.export import export
from corpus.ingest import IngestStats, ingest_paths
from corpus.locks import file_lock, run_lock_path
from corpus.pool import default_workers
from corpus.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def crawl_sites(sites: list[str], **kwargs: Any) -> Any:
    """Crawl the named profiles (`start_sites` arguments) and return the crawl's stats."""
    return start_sites(sites, **kwargs).wait()


def start_sites(
    sites: list[str],
    *,
    all_sites: bool = False,
    warc_dir: Path,
    state_path: Path,
    base_url: str | None = None,
    refresh_after: float | None = None,
    max_pages: int | None = None,
    sites_dir: Path | None = None,
    settings: dict[str, Any] | None = None,
    log_file: Path | None = None,
    stderr_level: str = "WARNING",
    processes: int = 1,
    redis_url: str | None = None,
    redis_prefix: str = "aidcorpus",
    topic_gate: str = "auto",
) -> Any:
    """Validate, then start the crawl in its child process (crawler.run.CrawlJob), or in
    `processes` children sharing one frontier in Redis at `redis_url` (CrawlGroup)."""
    from crawler.run import start_crawls
    from crawler.sites import load_sites

    if sites_dir is not None and not sites_dir.is_dir():
        raise UserError(f"no folder of site profiles at {sites_dir}")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UserError(f"--base-url must start with http:// or https://, not {base_url!r}")
    if warc_dir.exists() and not warc_dir.is_dir():
        raise UserError(f"WARC folder {warc_dir} is a file")
    check_parent(warc_dir, "WARC folder")
    check_parent(state_path, "crawl state")
    check_state_path(state_path)
    if log_file is not None:
        check_parent(log_file, "crawl log")
    known = load_sites(sites_dir)
    if all_sites:
        sites = sorted(n for n, s in known.items() if not s.local)
    unknown = [s for s in sites if s not in known]
    if unknown:
        raise UserError(f"unknown site {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    settings = {"AIDCORPUS_TOPIC_GATE": topic_gate, **(settings or {})}
    if refresh_after is not None:
        settings["AIDCORPUS_REFRESH_AFTER_DAYS"] = refresh_after
    if max_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = max_pages
    if processes > 1 and not redis_url:
        raise UserError("several crawl processes need a Redis to share one frontier (--redis-url)")
    if redis_url:
        check_redis(redis_url)
    return start_crawls(
        processes,
        sites,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        warc_dir=warc_dir,
        state_path=state_path,
        base_url=base_url,
        settings=settings,
        sites_dir=sites_dir,
        log_file=log_file,
        stderr_level=stderr_level,
    )


def run_lock(path: Path) -> Any:
    """Yield True if this process holds the run lock, False if another run holds it."""
    return file_lock(path, wait=False)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run printed, and the problems that make `aidcorpus run` exit 1: input files
    ingest could not read, warnings of exports that completed."""

    summary: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.summary


def scheduled_run(
    config: RunConfig, *, progress: Progress | None = None, stderr_level: str = "WARNING"
) -> RunResult:
    """crawl -> ingest -> export under a lock; returns the summary printed to the user.
    `stderr_level`: the lowest level of the crawl's log that also goes to stderr."""
    check_run_paths(config)  # before the lock file, which would create the db's folder
    lock = run_lock_path(config.db)
    with run_lock(lock) as held:
        if not held:
            return RunResult(f"another aidcorpus run holds {lock}; nothing to do")
        return _run(config, progress, stderr_level)


def _run(config: RunConfig, progress: Progress | None, stderr_level: str = "WARNING") -> RunResult:
    timings: dict[str, float] = {}
    started = time.monotonic()
    # Closed WARC files are ingested while the crawl goes on (it uses one core, ingest the
    # rest): files close at 1 MiB, then at the size of all before them (WARC_GROW_FROM).
    settings = {"WARC_GROW_FROM": GROW_FROM, **config.crawl_settings}
    job = start_sites(
        list(config.sites),
        all_sites=config.all_sites,
        warc_dir=config.warc_dir,
        state_path=config.state,
        base_url=config.base_url,
        refresh_after=config.refresh_after,
        max_pages=config.max_pages,
        sites_dir=config.sites_dir,
        settings=settings,
        log_file=config.log_file,
        stderr_level=stderr_level,
        processes=config.processes,
        redis_url=config.redis_url,
        redis_prefix=config.redis_prefix,
        topic_gate=config.topic_gate,
    )
    crawling = _Watch(job)
    try:
        config.warc_dir.mkdir(parents=True, exist_ok=True)
        with Store.open(config.db, create=True) as store:
            ingest_stats = ingest_paths(
                store,
                [config.warc_dir],
                progress=progress,
                sites_dir=config.sites_dir,
                workers=config.workers or default_workers(),
                storage_config=config.dedup_storage,
                topic_gate=config.topic_gate,
                active=crawling,
            )
            crawl_stats = job.wait()
            mark = time.monotonic()
            ended = crawling.ended or mark
            timings["crawl_s"] = ended - started
            timings["ingest_s"] = mark - started  # from the start: it ran beside the crawl
            timings["ingest_after_crawl_s"] = mark - ended
            exports = [
                export(store, t.format, t.out, gzip=t.gzip, snapshot=t.snapshot, progress=progress)
                for t in config.exports
            ]
    except BaseException:
        job.kill()  # an ingest that failed must not leave its crawl running
        raise
    drift = list(crawl_stats.warnings()) if hasattr(crawl_stats, "warnings") else []
    timings["export_s"] = time.monotonic() - mark
    timings["total_s"] = time.monotonic() - started
    record = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "crawl": _plain(crawl_stats),
        "ingest": _plain(ingest_stats),
        "exports": _plain(exports),
        "timings": timings,
    }
    # Per-site quality, and how it compares with the site's recent runs (read before this
    # run's file is written, so a run is never its own baseline).
    site_quality = quality.from_record(record, record["finished"])
    quality_warnings = quality.regressions(quality.from_runs(config.runs_dir), site_quality)
    record["quality"] = [q.row() for q in site_quality]
    record["quality_warnings"] = quality_warnings
    config.runs_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    stats_file = config.runs_dir / f"run-{stamp}.json"
    stats_file.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [
        f"crawl:  {_crawl_line(crawl_stats)}",
        f"ingest: {ingest_stats.summary()}",
        *(f"export: {e.summary()}" for e in exports),
        *(f"warn:   {w}" for w in (*drift, *quality_warnings)),
        f"stats:  {stats_file} ({timings['total_s']:.1f} s)",
    ]
    if config.log_file is not None:
        lines.append(f"log:    {config.log_file}")
    warnings = (*drift, *quality_warnings, *(e.warning for e in exports if e.warning))
    return RunResult("\n".join(lines), ingest_stats.errors, warnings)


GROW_FROM = 1 << 20


def check_redis(url: str) -> None:
    """A one-line error now for a Redis the crawl processes could not use."""
    import redis

    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"the Redis URL must look like redis://host:port/db, not {url!r}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except (redis.exceptions.RedisError, ValueError) as exc:
        raise UserError(f"cannot reach Redis at {url}: {exc}") from None


class _Watch:
    """`active()` for ingest: true while the crawl runs; notes when it ended."""

    def __init__(self, job: Any) -> None:
        self.job = job
        self.ended: float | None = None

    def __call__(self) -> bool:
        if self.job.running():
            return True
        if self.ended is None:
            self.ended = time.monotonic()
        return False


def _crawl_line(stats: Any) -> str:
    if hasattr(stats, "summary"):
        return str(stats.summary())
    return json.dumps(_plain(stats), ensure_ascii=False)


__all__ = [
    "IngestStats",
    "RunConfig",
    "RunResult",
    "crawl_sites",
    "load_config",
    "scheduled_run",
]
