"""One function per CLI command: parse nothing, call the library, print, return an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from corpus import queries
from corpus.errors import UserError
from corpus.output import emit, resolve_format
from corpus.store import Store


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stderr_level(args: argparse.Namespace) -> str:
    """The crawl log's level on stderr: warnings by default, errors with -q, info with -v."""
    if getattr(args, "quiet", False):
        return "ERROR"
    verbose = getattr(args, "verbose", 0) or 0
    return "DEBUG" if verbose > 1 else "INFO" if verbose else "WARNING"


def cmd_extract(args: argparse.Namespace) -> int:
    from corpus.ingest import extract_input
    from corpus.sources import Input, check_paths, expand, read, read_page

    paths = [Path(f) for f in args.files]
    check_paths(paths)  # missing paths and files that are not HTML, text or WARC
    if args.url and (len(paths) != 1 or not paths[0].is_file()):
        raise UserError("--url needs exactly one HTML or text FILE")
    sources = expand(paths)
    if not sources:
        raise UserError(f"no HTML, text or WARC files in {', '.join(map(str, paths))}")

    def rows() -> Iterator[dict[str, Any]]:
        for source in sources:
            if args.url and source.kind != "warc":
                items: Iterable[Input] = [Input(read_page(source.path, url=args.url))]
            else:
                items = read(source)
            for item in items:
                if not 200 <= item.status < 300:
                    continue
                result = extract_input(item)
                row = {"path": str(source.path), **asdict(result)}
                if "reason" in row:
                    row = {"path": str(source.path), "url": item.page.url,
                           "dropped": row["reason"], "detail": row["detail"]}  # fmt: skip
                else:
                    row["chars"] = len(row["text"])
                yield row

    return emit(rows(), args.format, ["path", "title", "published", "outlet", "chars", "dropped"],
                widths={"title": 40})  # fmt: skip


def cmd_ingest(args: argparse.Namespace) -> int:
    from corpus.ingest import ingest_paths
    from corpus.pool import default_workers
    from corpus.progress import for_stream
    from corpus.sources import check_paths

    paths = [Path(p) for p in args.paths]
    check_paths(paths)  # a bad path fails before any database is created
    # a bar with ETA on a terminal, a line every 5 s otherwise; nothing with -q
    progress = None if getattr(args, "quiet", False) else for_stream()
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
                follow_symlinks=args.follow_symlinks,
                workers=args.workers or default_workers(),
                idle=args.watch,
            )
    finally:
        if progress is not None:
            progress.close()
    print(stats.summary())
    for error in stats.errors:
        print(f"aidcorpus: error: {error}", file=sys.stderr)
    return 1 if stats.errors else 0


def cmd_clusters(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        rows = (
            {**c, "size": len(c["copies"])}
            for c in queries.clusters(store)
            if len(c["copies"]) >= args.min_size
        )
        return emit(rows, args.format, ["cluster", "id", "version", "size", "canonical", "copies"])


def cmd_links(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        return emit(queries.links(store, args.kind), args.format,
                    ["kind", "a", "b", "figures"], widths={"figures": 40})  # fmt: skip


def cmd_figures(args: argparse.Namespace) -> int:
    if args.match:
        _utf8(args.match, "--match")
    with Store.open(args.db) as store:
        return emit(queries.figures(store, args.match), args.format,
                    ["phrase", "value", "unit", "published", "outlet", "url"])  # fmt: skip


def _utf8(value: str, what: str) -> str:
    """A command-line argument that must be text: bytes that are not UTF-8 are a user error."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise UserError(f"{what} {shown} is not valid UTF-8 text") from None
    return value


def cmd_show(args: argparse.Namespace) -> int:
    _utf8(args.url, "URL")
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
        result = export(
            store,
            args.format,
            Path(args.out),
            gzip=args.gzip,
            snapshot=args.snapshot,
            progress=_progress,
        )
    print(result.summary())
    if result.warning:
        print(f"aidcorpus: warning: {result.warning}", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        data = queries.stats(store)
    if args.json:  # the old spelling of --format jsonl, indented as it was
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    if resolve_format(args.format) == "jsonl":
        return emit([data], "jsonl", [])  # one object: the counts are one record
    rows = []
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
        rows.append({"count": key.replace("_", " "), "value": value})
    return emit(rows, args.format, ["count", "value"])


def cmd_reindex(args: argparse.Namespace) -> int:
    from corpus.dedupe import CorpusDeduper
    from corpus.ingest import index_dir_for
    from corpus.locks import file_lock, writer_lock_path

    with Store.open(args.db) as store, file_lock(writer_lock_path(store.path), wait=True):
        # The old index is discarded unread: it may be the broken thing being repaired.
        deduper = CorpusDeduper(store, index_dir_for(store.path), fresh=True)
        count = len(deduper.engine)
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
        log_file=Path(args.log_file) if args.log_file else None,
        stderr_level=_stderr_level(args),
        processes=args.processes,
        redis_url=args.redis_url,
        redis_prefix=args.redis_prefix,
    )
    print(stats.summary())
    for line in stats.warnings():
        print(f"aidcorpus: warning: {line}", file=sys.stderr)
    return 0


def _sites_dir(args: argparse.Namespace) -> Path | None:
    if not args.sites_dir:
        return None
    path = Path(args.sites_dir)
    if not path.is_dir():
        raise UserError(f"no folder of site profiles at {path}")
    return path


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.sites import load_sites

    rows = []
    for name, site in sorted(load_sites(_sites_dir(args)).items()):
        ways = [w for w in ("start_urls", "sitemaps", "feeds", "search") if getattr(site, w, None)]
        rows.append({"name": name, "outlet": site.outlet, "local": site.local,
                     "discovery": ways, "start_urls": list(site.start_urls)})  # fmt: skip
    return emit(rows, args.format, ["name", "outlet", "local", "discovery"])


def cmd_check_site(args: argparse.Namespace) -> int:
    from crawler.check import check_site
    from crawler.sites import get_site

    site = get_site(args.name, _sites_dir(args))
    report = check_site(site, max_pages=args.pages, base_url=args.base_url)
    print(report.format())
    return 0 if report.ok else 1


def cmd_run(args: argparse.Namespace) -> int:
    from corpus.runner import load_config, scheduled_run

    config = load_config(Path(args.config))
    if args.workers:
        config = replace(config, workers=args.workers)
    verbose = bool(getattr(args, "verbose", 0)) and not getattr(args, "quiet", False)
    result = scheduled_run(
        config,
        progress=_progress if verbose else None,  # cron wants the summary only
        stderr_level=_stderr_level(args),
    )
    print(result.summary)
    for warning in result.warnings:
        print(f"aidcorpus: warning: {warning}", file=sys.stderr)
    for error in result.errors:  # the same exit code as `aidcorpus ingest`
        print(f"aidcorpus: error: {error}", file=sys.stderr)
    return 1 if result.errors else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from corpus.demo.run import run_demo

    print(run_demo(Path(args.out), progress=_progress))
    return 0
