"""Options shared by the commands: help that shows defaults, `--db` with fallbacks.

`--db` may be left out: AIDCORPUS_DB names the corpus, else the [corpus] db of the run
configuration (AIDCORPUS_CONFIG, else ./aidcorpus.toml), as `aidcorpus run` would use it.
"""

from __future__ import annotations

import argparse
import math
import os
import tomllib
from collections.abc import Callable
from pathlib import Path

from corpus.errors import UserError

DB_ENV = "AIDCORPUS_DB"
CONFIG_ENV = "AIDCORPUS_CONFIG"
DEFAULT_CONFIG = "aidcorpus.toml"
DEFAULT_DB_IN_CONFIG = "data/corpus.db"  # as corpus/config.py reads [corpus] db


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Examples kept as written, and every option's default shown in its help."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        help_ = action.help or ""
        default = action.default
        if (
            "%(default)" in help_
            or "(default" in help_
            or default in (None, False, argparse.SUPPRESS)
            or not action.option_strings
        ):
            return help_
        return f"{help_} (default: %(default)s)"


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help=f"corpus database (default: ${DB_ENV}, else [corpus] db in ./{DEFAULT_CONFIG})",
    )


def add_sites_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sites-dir", help="folder of your own site profiles (default: the built-in ones)"
    )


def resolve_db(value: str | None, env: dict[str, str] | None = None) -> str:
    """The corpus database: --db, else $AIDCORPUS_DB, else the run configuration's."""
    env = dict(os.environ) if env is None else env
    if value:
        return value
    if env.get(DB_ENV):
        return env[DB_ENV]
    config = Path(env.get(CONFIG_ENV) or DEFAULT_CONFIG)
    if config.is_file():
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise UserError(f"{config}: not valid TOML: {exc}") from None
        corpus = data.get("corpus", {})
        db = corpus.get("db", DEFAULT_DB_IN_CONFIG) if isinstance(corpus, dict) else None
        if not isinstance(db, str):
            raise UserError(f"{config}: [corpus] db must be a string")
        return str(config.parent / db)  # relative to the file, as `aidcorpus run` reads it
    raise UserError(
        f"no corpus database given: pass --db, set {DB_ENV}, or run where {DEFAULT_CONFIG} is"
    )


def add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=count,
        metavar="N",
        help="extract in N worker processes (default: [corpus] workers in a run's config,"
        " else one per CPU; 1 = in this process); the corpus is the same whatever N",
    )


def _number(text: str, convert: Callable[[str], float], ok: Callable[[float], bool],
            kind: str, wanted: str) -> float:  # fmt: skip
    """`text` as a number that passes `ok`, else the argparse error naming what is wanted."""
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a {kind}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"must be {wanted}, not {text}")
    return value


def count(text: str) -> int:
    """A count of one or more: 0 or -1 must not quietly mean "unlimited"."""
    return int(_number(text, int, lambda v: v >= 1, "whole number", "1 or more"))


def days(text: str) -> float:
    """A number of days: finite and not negative (nan and inf are refused)."""
    return _number(text, float, lambda v: math.isfinite(v) and v >= 0, "number",
                   "a number of days, 0 or more")  # fmt: skip


def seconds(text: str) -> float:
    """A number of seconds: finite and above 0."""
    return _number(text, float, lambda v: math.isfinite(v) and v > 0, "number",
                   "a number of seconds above 0")  # fmt: skip


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aidcorpus")
    except PackageNotFoundError:  # a checkout on sys.path, not installed
        return "unknown (not installed)"


def is_exclusion(arg: str) -> bool:
    """-WORD where WORD is not an option's spelling (it starts with no ASCII letter)."""
    return len(arg) > 1 and arg[0] == "-" and not arg[1].isascii()
