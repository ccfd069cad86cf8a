"""The commands that show a corpus to people: `report`, `search`, `browse`.

Each parses nothing itself: corpus/cli.py builds the parsers with `add_parsers`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from corpus.errors import UserError
from corpus.output import add_format_option, emit
from corpus.store import Store

EXAMPLES = {
    "report": "aidcorpus report --db corpus.db --out report/",
    "search": "aidcorpus search --db corpus.db 援疆医生 --province 山西",
    "browse": "aidcorpus browse --db corpus.db --port 8001",
}
SEARCH_COLUMNS = ["published", "outlet", "title", "snippet", "url"]

Factory = Callable[[str, str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser]


def add_parsers(command: Factory, db: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the three commands through cli.py's `command(name, help, func)` factory."""
    p = command("report", "write a static HTML report with charts (opens from disk)", cmd_report)
    db(p)
    p.add_argument("--out", required=True, help="folder for index.html (created if missing)")
    p.add_argument(
        "--figure",
        action="append",
        metavar="PHRASE",
        help="figure phrase to chart over time (repeatable; default: 援疆医生, else the most"
        " repeated figure that changed)",
    )
    p.add_argument(
        "--runs",
        metavar="DIR",
        help="run stats folder for per-source quality (default: runs/ beside the database)",
    )

    p = command("search", "full-text search of titles and texts (Chinese, trigram index)",
                cmd_search)  # fmt: skip
    db(p)
    p.add_argument(
        "query",
        nargs="+",
        metavar="WORD",
        help='all words must occur; "a phrase" in quotes is one word; -WORD or NOT WORD'
        " leaves out documents holding it (put -- before a query starting with -)",
    )
    p.add_argument("--outlet", help="only outlets (or site profiles) whose name contains this")
    p.add_argument("--province", help="only reports naming this sending province, e.g. 山西")
    p.add_argument("--since", metavar="DATE", help="published on or after (YYYY[-MM[-DD]])")
    p.add_argument("--until", metavar="DATE", help="published on or before (YYYY[-MM[-DD]])")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="most results to print")
    add_format_option(p)

    p = command("browse", "explore the corpus in datasette (optional extra: browse)", cmd_browse)
    db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8001, help="port to listen on")
    p.add_argument(
        "--metadata-out",
        metavar="FILE",
        help="write the datasette metadata (canned queries, labels) here and exit",
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def config_runs_dir(db: Path) -> Path | None:
    """The run configuration's runs_dir when that configuration's [corpus] db is `db`:
    `aidcorpus run` writes its stats there (data/runs by default), not beside the database."""
    import tomllib

    from corpus.cliopts import CONFIG_ENV, DEFAULT_CONFIG, DEFAULT_DB_IN_CONFIG

    config = Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
        named = config.parent / data.get("corpus", {}).get("db", DEFAULT_DB_IN_CONFIG)
        runs = config.parent / data.get("runs_dir", "data/runs")
        same = named.resolve() == db.resolve()
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return runs if same and runs.is_dir() else None


def cmd_report(args: argparse.Namespace) -> int:
    from corpus.report import write_report

    db = Path(args.db)
    runs = Path(args.runs) if args.runs else db.parent / "runs"
    if not args.runs and not runs.is_dir():
        runs = config_runs_dir(db) or runs
    if args.runs and not runs.is_dir():
        raise UserError(f"no run stats folder at {runs}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; name a folder")
    with Store.open(db) as store:
        result = write_report(store, out, figures=tuple(args.figure or ()), runs_dir=runs)
    print(result.summary())
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from corpus.search import Filters, check_date, parse_query, search

    try:
        filters = Filters(
            outlet=args.outlet,
            province=args.province,
            since=check_date(args.since, "--since"),
            until=check_date(args.until, "--until"),
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    query = " ".join(args.query)
    try:
        parse_query(query)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with Store.open(args.db) as store:
        hits = search(store, query, filters, limit=args.limit, progress=_say)
    return emit((h.row() for h in hits), args.format, SEARCH_COLUMNS,
                widths={"title": 30, "snippet": 60, "outlet": 10})  # fmt: skip


def cmd_browse(args: argparse.Namespace) -> int:
    import json

    from corpus.browse import metadata, serve

    db = Path(args.db)
    from corpus.fts import backfill

    with Store.open(db) as store:  # a clear error for a missing file; the FTS table made
        backfill(store.conn, _say)  # ... and filled, once, for an older database
    if args.metadata_out:
        Path(args.metadata_out).write_text(
            json.dumps(metadata(db), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        print(f"wrote {args.metadata_out}; run: datasette {db} --metadata {args.metadata_out}")
        return 0
    if not 0 < args.port < 65536:
        raise UserError("--port must be between 1 and 65535")
    return serve(db.resolve(), host=args.host, port=args.port)
