"""`aidcorpus demo`: serve the bundled demo portal on 127.0.0.1 and run the whole
pipeline on it (corpus/runner.py `scheduled_run`), then summarise what the corpus holds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from corpus import queries
from corpus.config import ExportTarget, RunConfig
from corpus.demo.server import DemoServer
from corpus.runner import Progress, scheduled_run
from corpus.store import Store
from crawler.sites import load_sites


def run_demo(out: Path, *, progress: Progress | None = None) -> str:
    """Serve the bundled demo portal on 127.0.0.1, run the whole pipeline on it, summarise."""
    out = out.resolve()
    names = sorted(n for n, s in load_sites().items() if s.local and n.startswith("demo-"))
    config = RunConfig(
        sites=tuple(names),
        all_sites=False,
        warc_dir=out / "warc",
        state=out / "crawl-state.db",
        db=out / "corpus.db",
        exports=(
            ExportTarget("txt", out / "export" / "txt"),
            ExportTarget("jsonl", out / "export" / "jsonl"),
        ),
        runs_dir=out / "runs",
        # Our own portal on loopback: no need to wait between requests.
        crawl_settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0.05},
        log_file=out / "crawl.log",
    )
    with _demo_server(out, DemoServer) as server:
        if progress:
            progress(f"demo portal serving at {server.base_url} ({len(names)} outlets)")
        config = replace(config, base_url=server.base_url)
        summary = scheduled_run(config, progress=progress)
    with Store.open(config.db) as store:
        data = queries.stats(store)
        multi = list(queries.multi_copy_clusters(store))
    lines = [str(summary), "", "demo corpus:"]
    lines.append(
        f"  {data['documents']} documents in {data['clusters']} clusters;"
        f" {len(multi)} clusters with more than one copy; links: {data['links'] or 'none'}"
    )
    for c in multi:
        lines.append(f"  [{c['size']} copies] {c['title'][:40]}  ({', '.join(c['outlets'])})")
    lines.append(f"  skipped: {data['dropped'] or 'none'}")
    lines.append(f"  corpus: {config.db}")
    for t in config.exports:
        lines.append(f"  export ({t.format}): {t.out}")
    lines.append(f"  try: aidcorpus clusters --db {config.db} --min-size 2")
    return "\n".join(lines)


def _demo_server(out: Path, server_cls: Any) -> Any:
    """Reuse the port of the previous demo run when free, so its URLs (and the crawl
    state and corpus keyed by them) stay the same and a second run adds nothing."""
    port_file = out / "demo-port"
    try:
        server = server_cls(port=int(port_file.read_text().strip()))
    except (OSError, ValueError):
        server = server_cls()
    out.mkdir(parents=True, exist_ok=True)
    port_file.write_text(server.base_url.rsplit(":", 1)[1], encoding="utf-8")
    return server
