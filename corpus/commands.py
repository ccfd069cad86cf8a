"""One function per CLI command: parse nothing, call the library, print, return an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from corpus import queries
from corpus.errors import UserError
from corpus.store import Store


def _print_jsonl(rows: Iterable[dict[str, Any]]) -> int:
    out = sys.stdout
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_extract(args: argparse.Namespace) -> int:
    from corpus.sources import kind_of, read_page, sniff
    from extract import extract_page

    if args.url and len(args.files) != 1:
        raise UserError("--url needs exactly one FILE")
    paths = [Path(f) for f in args.files]
    for path in paths:
        if path.is_dir():
            raise UserError(f"{path} is a folder; name the HTML files in it")
        if not path.is_file():
            raise UserError(f"no such file: {path}")
        if kind_of(path) not in ("html", "text") and sniff(path) != "html":
            raise UserError(f"{path} is not an HTML or text file")
    for path in paths:
        page = read_page(path, url=args.url)
        result = extract_page(page)
        row = {"path": str(path), **asdict(result)}
        if "reason" in row:
            row = {
                "path": str(path),
                "url": page.url,
                "dropped": row["reason"],
                "detail": row["detail"],
            }
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from corpus.ingest import ingest_paths
    from corpus.progress import for_stream
    from corpus.sources import check_paths

    paths = [Path(p) for p in args.paths]
    check_paths(paths)  # a bad path fails before any database is created
    progress = for_stream()  # a bar with ETA on a terminal, a line every 5 s otherwise
    try:
        with Store.open(args.db, create=True) as store:
            stats = ingest_paths(
                store,
                paths,
                batch_size=args.batch,
                topic_gate=args.topic_gate,
                progress=progress,
                force=args.force,
                sites_dir=Path(args.sites_dir) if args.sites_dir else None,
            )
    finally:
        progress.close()
    print(stats.summary())
    for error in stats.errors:
        print(f"aidcorpus: error: {error}", file=sys.stderr)
    return 1 if stats.errors else 0


def cmd_clusters(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        rows = (c for c in queries.clusters(store) if len(c["copies"]) >= args.min_size)
        if args.format == "jsonl":
            return _print_jsonl(rows)
        for c in rows:
            print(f"{c['cluster']}\t{len(c['copies'])}\t{c['canonical']}\t{' '.join(c['copies'])}")
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        return _print_jsonl(queries.links(store, args.kind))


def cmd_figures(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        rows = queries.figures(store, args.match)
        if args.format == "jsonl":
            return _print_jsonl(rows)
        for r in rows:
            print(
                f"{r['phrase']}\t{r['value']}{r['unit']}\t{r['published'] or '?'}"
                f"\t{r['outlet'] or '?'}\t{r['url']}"
            )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        doc = queries.document(store, args.url)
    if doc is None:
        raise UserError(f"no document with URL {args.url} in {args.db}")
    print(json.dumps(doc, ensure_ascii=False, indent=1))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from corpus.export import export

    if args.gzip and args.format != "jsonl":
        raise UserError("--gzip applies to --format jsonl only")
    with Store.open(args.db) as store:
        result = export(store, args.format, Path(args.out), gzip=args.gzip)
    print(result.summary())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        data = queries.stats(store)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
        print(f"{key.replace('_', ' '):34} {value}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from corpus.dedupe import CorpusDeduper
    from corpus.ingest import index_dir_for
    from corpus.locks import file_lock, writer_lock_path

    with Store.open(args.db) as store, file_lock(writer_lock_path(store.path), wait=True):
        # The old index is discarded unread: it may be the broken thing being repaired.
        deduper = CorpusDeduper(store, index_dir_for(store.path), fresh=True)
        count = len(deduper.engine.keys())
        deduper.close()
    print(f"rebuilt the index of {args.db} from {count} stored documents")
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from corpus.runner import crawl_sites

    stats = crawl_sites(
        args.site or [],
        all_sites=args.all,
        warc_dir=Path(args.warc_dir),
        state_path=Path(args.state),
        base_url=args.base_url,
        refresh_after=args.refresh_after,
        max_pages=args.max_pages,
        sites_dir=Path(args.sites_dir) if args.sites_dir else None,
    )
    print(stats.summary() if hasattr(stats, "summary") else stats)
    return 0


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.sites import load_sites

    for name, site in sorted(load_sites().items()):
        ways = [w for w in ("start_urls", "sitemaps", "feeds", "search") if getattr(site, w, None)]
        flag = " (local)" if site.local else ""
        print(f"{name:24} {site.outlet}{flag}  [{', '.join(ways)}]")
    return 0


def cmd_check_site(args: argparse.Namespace) -> int:
    from crawler.check import check_site

    report = check_site(args.name, max_pages=args.pages, base_url=args.base_url)
    print(report.format())
    return 0 if report.ok else 1


def cmd_run(args: argparse.Namespace) -> int:
    from corpus.runner import load_config, scheduled_run

    result = scheduled_run(load_config(Path(args.config)), progress=_progress)
    print(result)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from corpus.runner import run_demo

    print(run_demo(Path(args.out), progress=_progress))
    return 0
