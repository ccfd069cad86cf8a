"""The scheduled-run configuration, aidcorpus.toml: read, type-checked, paths made absolute.

Every problem is one UserError naming the file and the key.
"""

from __future__ import annotations

import math
import re
import sqlite3
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import UserError
from corpus.export import FORMATS
from corpus.ingest import GATES


@dataclass(frozen=True, slots=True)
class ExportTarget:
    format: str
    out: Path
    gzip: bool = False
    snapshot: bool = False  # a mirror switched atomically instead of a feed


@dataclass(frozen=True, slots=True)
class RunConfig:
    sites: tuple[str, ...]
    all_sites: bool
    warc_dir: Path
    state: Path
    db: Path
    exports: tuple[ExportTarget, ...]
    refresh_after: float | None = None
    base_url: str | None = None
    max_pages: int | None = None
    runs_dir: Path = field(default=Path("runs"))
    sites_dir: Path | None = None  # profiles of your own; default: crawler/sites/
    crawl_settings: dict[str, Any] = field(default_factory=dict)  # Scrapy setting overrides
    workers: int | None = None  # ingest worker processes; None: one per CPU
    redis_url: str | None = None  # [crawl] redis_url: crawl processes share one frontier
    redis_prefix: str = "aidcorpus"  # [crawl] redis_prefix: the shared crawl's Redis keys
    processes: int = 1  # [crawl] processes: crawl processes on this machine (redis_url)
    dedup_storage: dict[str, Any] | None = None  # [dedup] lsh = "redis": the LSH in Redis
    topic_gate: str = "auto"  # ingest's gate: auto (crawled pages), on, off; profiles may override
    log_file: Path | None = None  # Scrapy's log (rotated); default: crawl.log beside the state
    data_dir: Path | None = None  # the default data folder beside the config: a run creates it


class _Reader:
    """Typed access to one TOML table, failing with the file and key in the message."""

    def __init__(self, path: Path, name: str, table: Any) -> None:
        if not isinstance(table, dict):
            raise UserError(f"{path}: [{name}] must be a table")
        self.path, self.name, self.table = path, name, table

    def get(self, key: str, types: tuple[type, ...], default: Any = None) -> Any:
        value = self.table.get(key, default)
        if value is not None and (
            not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
        ):
            wanted = " or ".join(t.__name__ for t in types)
            raise UserError(f"{self.path}: [{self.name}] {key} must be {wanted}, not {value!r}")
        return value


def load_config(path: Path) -> RunConfig:
    """Read and validate aidcorpus.toml; paths in it are relative to the file."""
    if not path.is_file():
        raise UserError(f"no run configuration at {path} (see README: 'Scheduled runs')")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    root = path.parent
    crawl = _Reader(path, "crawl", data.get("crawl", {}))
    corpus = _Reader(path, "corpus", data.get("corpus", {}))
    sites = crawl.get("sites", (list,), [])
    if not all(isinstance(s, str) for s in sites):
        raise UserError(f"{path}: [crawl] sites must be a list of profile names")
    all_sites = crawl.get("all", (bool,), False)
    if not sites and not all_sites:
        raise UserError(f"{path}: [crawl] needs sites = [...] or all = true")
    base_url = crawl.get("base_url", (str,))
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UserError(f"{path}: [crawl] base_url must start with http:// or https://")
    exports = data.get("export", [])
    if not isinstance(exports, list):
        raise UserError(f"{path}: write each export as [[export]] (an array of tables)")
    targets = []
    for i, item in enumerate(exports):
        table = _Reader(path, f"[export]] #{i + 1}", item)
        fmt = table.get("format", (str,), "txt")
        out = table.get("out", (str,))
        if fmt not in FORMATS or out is None:
            raise UserError(
                f"{path}: [[export]] #{i + 1} needs out = '...' and a format in {FORMATS}"
            )
        gzip = table.get("gzip", (bool,), False)
        if gzip and fmt != "jsonl":
            raise UserError(f"{path}: [[export]] #{i + 1} gzip applies to format 'jsonl' only")
        targets.append(
            ExportTarget(fmt, root / out, gzip, table.get("snapshot", (bool,), False))
        )
    scrapy = data.get("scrapy", {})
    if not isinstance(scrapy, dict):
        raise UserError(f"{path}: [scrapy] must be a table of Scrapy settings")
    check_scrapy_settings(path, scrapy)
    max_pages = crawl.get("max_pages", (int,))
    if max_pages is not None and max_pages < 1:
        raise UserError(f"{path}: [crawl] max_pages must be 1 or more, not {max_pages}")
    refresh = crawl.get("refresh_after_days", (int, float))
    if refresh is not None and (not math.isfinite(refresh) or refresh < 0):
        raise UserError(f"{path}: [crawl] refresh_after_days must be 0 or more, not {refresh}")
    sites_dir = crawl.get("sites_dir", (str,))
    redis_url = crawl.get("redis_url", (str,))
    _check_redis_url(path, "[crawl] redis_url", redis_url)
    processes = crawl.get("processes", (int,), 1)
    if processes < 1 or (processes > 1 and redis_url is None):
        raise UserError(
            f"{path}: [crawl] processes must be 1, or more with a redis_url to share the work"
        )
    redis_prefix = crawl.get("redis_prefix", (str,), "aidcorpus")
    dedup = _Reader(path, "dedup", data.get("dedup", {}))
    lsh = dedup.get("lsh", (str,), "local")
    if lsh not in ("local", "redis"):
        raise UserError(f"{path}: [dedup] lsh must be 'local' or 'redis', not {lsh!r}")
    dedup_storage = None
    if lsh == "redis":
        url = dedup.get("redis_url", (str,), redis_url)
        if url is None:
            raise UserError(f"{path}: [dedup] lsh = 'redis' needs redis_url (here or in [crawl])")
        _check_redis_url(path, "[dedup] redis_url", url)
        namespace = dedup.get("namespace", (str,), "aidcorpus-dedup")
        dedup_storage = {"type": "redis", "url": url, "basename": namespace}
    workers = corpus.get("workers", (int,))
    if workers is not None and workers < 1:
        raise UserError(f"{path}: [corpus] workers must be 1 or more, not {workers}")
    gate = crawl.get("topic_gate", (str, bool), "auto")
    if isinstance(gate, bool):
        gate = "on" if gate else "off"
    if gate not in GATES:
        raise UserError(f"{path}: [crawl] topic_gate must be one of {', '.join(GATES)} or a bool")
    state = root / crawl.get("state", (str,), "data/crawl-state.db")
    log_file = crawl.get("log_file", (str,))
    db = root / corpus.get("db", (str,), "data/corpus.db")
    if db.is_dir():
        raise UserError(f"{path}: [corpus] db {db} is a folder, not a database file")
    return RunConfig(
        sites=tuple(sites),
        all_sites=all_sites,
        warc_dir=root / crawl.get("warc_dir", (str,), "data/warc"),
        state=state,
        db=db,
        exports=tuple(targets),
        refresh_after=refresh,
        base_url=base_url,
        max_pages=max_pages,
        runs_dir=root / _Reader(path, "top level", data).get("runs_dir", (str,), "data/runs"),
        sites_dir=root / sites_dir if sites_dir else None,
        crawl_settings=dict(scrapy),
        workers=workers,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        processes=processes,
        dedup_storage=dedup_storage,
        topic_gate=gate,
        log_file=root / log_file if log_file else state.parent / "crawl.log",
        data_dir=root / "data",
    )


def _check_redis_url(path: Path, key: str, url: str | None) -> None:
    if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"{path}: {key} must be a redis://host:port/db URL, not {url!r}")


SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# 0 requests at a time: nothing is ever downloaded and the run hangs until it is killed.
AT_LEAST_ONE = frozenset(
    {"CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS"}
)


def check_scrapy_settings(path: Path, settings: dict[str, Any]) -> None:
    """Each [scrapy] override must be a setting name, and a setting Scrapy or aidcorpus
    knows must keep the type of its default: a bad value would otherwise fail inside the
    crawl child and end as a run of 0 pages that exits 0. Numbers whose default is not
    negative stay so (priorities aside); concurrency counts are 1 or more."""
    from scrapy.settings import default_settings

    import crawler.settings as ours

    for key, value in settings.items():
        if not SETTING_NAME.fullmatch(key):
            raise UserError(f"{path}: [scrapy] {key!r} is not a Scrapy setting name")
        default = getattr(ours, key, getattr(default_settings, key, None))
        if default is None:
            continue  # a setting of the user's own components: theirs to check
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            ok = ok and (isinstance(default, float) or isinstance(value, int))
            ok = ok and math.isfinite(value)
            signed = default < 0 or "PRIORITY" in key  # DEPTH_PRIORITY = -1 is breadth-first
            least = 1 if key in AT_LEAST_ONE else None if signed else 0
            if ok and least is not None and value < least:
                raise UserError(f"{path}: [scrapy] {key} must be {least} or more, not {value!r}")
        elif isinstance(default, (list, tuple)):
            ok = isinstance(value, list)
        else:
            ok = isinstance(value, type(default))
        if not ok:
            want = type(default).__name__
            raise UserError(
                f"{path}: [scrapy] {key} must be {want} like its default {default!r},"
                f" not {value!r}"
            )


def check_parent(path: Path, what: str) -> None:
    """A file or folder a crawl or run creates must go into a folder that exists: a typo
    or an unmounted disk must not silently grow a tree of folders (a one-line error)."""
    parent = path.parent
    if parent.is_dir():
        return
    if parent.exists():
        raise UserError(f"{what} {path}: {parent} is not a folder")
    raise UserError(f"{what} {path}: no such folder {parent}")


def check_run_paths(config: RunConfig) -> None:
    """Every path the crawl and ingest of a run write has an existing parent folder; the
    default data folder beside the config (`data/`) is created when a path goes straight
    into it."""
    paths = [
        ("WARC folder", config.warc_dir), ("crawl state", config.state),
        ("crawl log", config.log_file), ("corpus database", config.db),
        ("runs folder", config.runs_dir),
    ]  # fmt: skip  (export destinations are export's: it creates their folders, as ever)
    data = config.data_dir
    into_data = False
    for what, path in paths:
        if path is None:
            continue
        if data is not None and path.parent == data and data.parent.is_dir():
            into_data = True
            continue
        check_parent(path, what)
    if into_data and data is not None:  # only once every path is known good
        data.mkdir(exist_ok=True)


def check_state_path(state: Path) -> None:
    """The crawl state must be a new file or a crawl state database, never a folder or a
    file of something else (a corpus database would get crawl tables added to it)."""
    if state.is_dir():
        raise UserError(f"crawl state {state} is a folder; name a database file")
    if not state.exists():
        if not state.parent.exists() or state.parent.is_dir():
            return
        raise UserError(f"crawl state {state}: {state.parent} is not a folder")
    with state.open("rb") as fh:
        head = fh.read(16)
    # SQLite takes a short file of anything for an empty database and overwrites it.
    if head and head != b"SQLite format 3\x00":
        raise UserError(f"crawl state {state} is not an SQLite database")
    try:
        conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise UserError(f"crawl state {state} is not an SQLite database") from None
    if (tables and "pages" not in tables) or "documents" in tables:
        raise UserError(f"crawl state {state} is another database, not a crawl state")
