"""The scheduled-run configuration, aidcorpus.toml: read, type-checked, paths made absolute.

Every problem is one UserError naming the file and the key.
"""

from __future__ import annotations

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
    topic_gate: str = "auto"  # ingest's gate: auto (crawled pages), on, off; profiles may override
    log_file: Path | None = None  # Scrapy's log (rotated); default: crawl.log beside the state


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
        targets.append(ExportTarget(fmt, root / out, table.get("gzip", (bool,), False)))
    scrapy = data.get("scrapy", {})
    if not isinstance(scrapy, dict):
        raise UserError(f"{path}: [scrapy] must be a table of Scrapy settings")
    sites_dir = crawl.get("sites_dir", (str,))
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
        refresh_after=crawl.get("refresh_after_days", (int, float)),
        base_url=base_url,
        max_pages=crawl.get("max_pages", (int,)),
        runs_dir=root / _Reader(path, "top level", data).get("runs_dir", (str,), "data/runs"),
        sites_dir=root / sites_dir if sites_dir else None,
        crawl_settings=dict(scrapy),
        topic_gate=gate,
        log_file=root / log_file if log_file else state.parent / "crawl.log",
    )
