"""The `aidcorpus` command line: parses arguments and calls one library function per command.

User errors print one line on stderr and exit 2; commands live in corpus/commands.py.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

from corpus import commands, view_commands
from corpus.cliopts import (
    HelpFormatter,
    add_db,
    add_sites_dir,
    add_workers,
    count,
    days,
    is_exclusion,
    resolve_db,
    seconds,
    version_text,
)
from corpus.output import add_format_option
from corpus.sources import InputError
from corpus.store import StoreError

EXAMPLES = {
    "demo": "aidcorpus demo --out demo-output",
    "crawl": "aidcorpus crawl --site people-xj --warc-dir warc/",
    "ingest": "aidcorpus ingest --db corpus.db warc/ saved-pages/",
    "extract": "aidcorpus extract page.html saved-pages/ --format table",
    "clusters": "aidcorpus clusters --db corpus.db --format jsonl",
    "links": "aidcorpus links --db corpus.db --format jsonl",
    "figures": "aidcorpus figures --db corpus.db --match 援疆医生",
    "show": "aidcorpus show --db corpus.db https://www.example.cn/2023/0413/a.html",
    "export": "aidcorpus export --db corpus.db --format txt --out ../other-tool/input/",
    "stats": "aidcorpus stats --db corpus.db",
    "reindex": "aidcorpus reindex --db corpus.db",
    "sites": "aidcorpus sites",
    "check-site": "aidcorpus check-site people-xj",
    "run": "aidcorpus run --config aidcorpus.toml",
    **view_commands.EXAMPLES,
}


def _verbosity(parser: argparse.ArgumentParser, default: Any) -> None:
    """-v/-q on the main parser and on every subcommand (before or after its name); the
    subcommands' copies default to SUPPRESS so they never undo the main parser's."""
    parser.add_argument(
        "-v", "--verbose", action="count", default=default, help="more log output (-vv: debug)"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true",
        default=default if default == argparse.SUPPRESS else False,
        help="errors only on stderr",
    )  # fmt: skip


def _command(sub: argparse._SubParsersAction, name: str, help_: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        name,
        help=help_,
        description=help_,
        epilog=f"example:\n  {EXAMPLES[name]}",
        formatter_class=HelpFormatter,
    )
    _verbosity(parser, argparse.SUPPRESS)
    func = getattr(commands, "cmd_" + name.replace("-", "_"), None)
    if func is not None:
        parser.set_defaults(func=func)
    return parser


def _db(parser: argparse.ArgumentParser) -> None:
    add_db(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aidcorpus",
        description="Collect a clean, deduplicated corpus of Chinese news on aid to Xinjiang.",
        epilog="start with:\n  aidcorpus demo --out demo-output",
        formatter_class=HelpFormatter,
    )
    _verbosity(parser, 0)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version_text()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "demo", "serve the bundled demo portal, crawl, ingest, dedup and export it")
    p.add_argument("--out", default="demo-output", help="folder for the WARC, corpus and export")

    p = _command(sub, "crawl", "crawl portals named by site profiles into WARC files")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--site", action="append", help="profile name (repeatable)")
    group.add_argument("--all", action="store_true", help="every non-local profile")
    p.add_argument("--warc-dir", default="warc", help="where WARC files go")
    p.add_argument("--state", default="crawl-state.db", help="crawl state database")
    p.add_argument("--base-url", help="base URL substituted for {base} in local profiles")
    p.add_argument(
        "--refresh-after",
        type=days,
        metavar="DAYS",
        help="refetch stored articles older than DAYS (default: never)",
    )
    p.add_argument(
        "--max-pages", type=count, help="stop after this many responses (default: no limit)"
    )
    p.add_argument(
        "--redis-url",
        help="share the frontier, dupefilter, politeness and crawl state with every crawl"
        " on this Redis (redis://host:port/db); WARC files go to a folder of this process",
    )
    p.add_argument("--redis-prefix", default="aidcorpus", help="key prefix of the shared crawl")
    p.add_argument(
        "--processes", type=count, default=1, help="crawl processes here (needs --redis-url)"
    )
    add_sites_dir(p)
    p.add_argument("--log-file", help="write Scrapy's log here (rotated) instead of stderr")

    p = _command(sub, "ingest", "extract, deduplicate and store WARC, HTML or text files")
    _db(p)
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="WARC(.gz), HTML or .txt file, or folder"
    )
    p.add_argument(
        "--topic-gate",
        choices=("auto", "on", "off"),
        default="auto",
        help="drop off-topic articles: auto = only pages crawled with a profile",
    )
    p.add_argument(
        "--batch", type=count, default=200, metavar="N", help="documents per transaction"
    )
    add_workers(p)
    add_sites_dir(p)  # the profiles the WARC files name (outlet, topic terms)
    p.add_argument(
        "--force",
        action="store_true",
        help="re-read files already ingested (retries dropped and off-topic pages;"
        " stored documents stay as they are)",
    )
    p.add_argument(
        "--watch",
        type=seconds,
        metavar="SECONDS",
        help="keep ingesting files that appear in the folders (closed WARC files of crawls"
        " writing there) until none came for SECONDS",
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symlinks inside the folders named (default: skip them)",
    )

    p = _command(
        sub, "extract", "print the extracted article of each page in HTML, text or WARC files"
    )
    p.add_argument(
        "files", nargs="+", metavar="PATH", help="HTML, .txt or WARC(.gz) file, or folder"
    )
    p.add_argument("--url", help="the page URL (only with one HTML or text file)")
    add_format_option(p)

    p = _command(sub, "clusters", "print repost clusters, singletons included")
    _db(p)
    p.add_argument(
        "--min-size", type=count, default=1, metavar="N", help="only clusters with N or more"
    )
    add_format_option(p)

    p = _command(sub, "links", "print linked pairs: shared passages and same-template reports")
    _db(p)
    p.add_argument(
        "--kind",
        choices=("shared-passages", "same-template"),
        help="only this kind (default: both)",
    )
    add_format_option(p)

    p = _command(
        sub, "figures", "print figures with the documents, outlets and dates carrying them"
    )
    _db(p)
    p.add_argument("--match", help="only figures whose phrase or text contains this")
    add_format_option(p)

    p = _command(sub, "show", "print one document with its cluster and links")
    _db(p)
    p.add_argument("url", metavar="URL", help="the document's URL")

    p = _command(
        sub,
        "export",
        "deliver to a folder, exactly once, the clusters it lacks or holds in an older"
        " version (see docs/EXPORT.md)",
    )
    _db(p)
    p.add_argument(
        "--format", choices=("txt", "jsonl", "parquet"), default="txt", help="what to write"
    )
    p.add_argument("--out", required=True, help="destination folder")
    p.add_argument("--gzip", action="store_true", help="gzip the JSONL files")
    p.add_argument(
        "--snapshot",
        action="store_true",
        help="write the whole corpus as a new subfolder and switch OUT/latest to it",
    )

    p = _command(sub, "stats", "print corpus counts")
    _db(p)
    add_format_option(p)
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # old spelling

    p = _command(sub, "reindex", "rebuild the deduplication index from the store")
    _db(p)

    p = _command(sub, "sites", "list the site profiles")
    add_sites_dir(p)
    add_format_option(p)

    p = _command(
        sub, "check-site", "fetch a few pages of a portal live and check discovery and extraction"
    )
    p.add_argument("name", metavar="NAME", help="profile name (see `aidcorpus sites`)")
    p.add_argument("--pages", type=count, default=5, metavar="N", help="article pages to try")
    p.add_argument("--base-url", help="base URL for a local profile")
    add_sites_dir(p)

    p = _command(sub, "run", "scheduled run: crawl, ingest new WARC files, export (takes a lock)")
    p.add_argument("--config", default="aidcorpus.toml", help="run configuration (TOML)")
    add_workers(p)

    def view(name: str, help_: str, func: object) -> argparse.ArgumentParser:
        p = _command(sub, name, help_)
        p.set_defaults(func=func)
        return p

    view_commands.add_parsers(view, _db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # `search 援疆医生 -河北`: argparse takes -河北 for an unknown option; it is a word
        # to leave out. Anything else unknown is the usual usage error.
        if getattr(args, "query", None) is None or not all(map(is_exclusion, extra)):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.query += extra
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    level = logging.WARNING - 10 * args.verbose if args.verbose else logging.WARNING
    if args.quiet:
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if args.verbose < 2:
        # trafilatura warns once per page it finds nothing in; our Dropped reasons say it.
        logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        if "db" in vars(args):
            args.db = resolve_db(args.db)
        return int(args.func(args) or 0)
    except commands.UserError as exc:
        return _fail(str(exc))
    except UnicodeError as exc:  # a path or argument whose bytes are not UTF-8 text
        return _fail(f"text that is not valid UTF-8: {exc}")
    except (StoreError, InputError) as exc:
        return _fail(str(exc))
    except ValueError as exc:
        # Profile validation (crawler.sites.SiteError) and a dedup index stamped with
        # other parameters (dedup.params.ParamsMismatch) are the user's to fix.
        if type(exc).__name__ in ("SiteError", "ParamsMismatch"):
            return _fail(str(exc))
        raise
    except sqlite3.DatabaseError as exc:
        return _fail(f"database error: {exc}")
    except BrokenPipeError:
        return 0
    except RuntimeError as exc:
        if type(exc).__name__ == "CrawlError":  # the crawl child failed; its log says why
            return _fail(str(exc))
        raise
    except OSError as exc:  # unwritable export folder, a file where a folder should be ...
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}")
    except KeyboardInterrupt:
        return _fail("interrupted; everything committed so far is kept")


def _fail(message: str) -> int:
    print(f"aidcorpus: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
