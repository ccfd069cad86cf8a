"""How a benchmark publishes its result page under bench/results/: one atomic write, the
same text echoed to stdout; and the command line of the evaldata benchmarks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
EVALDATA = REPO / ".." / "shared" / "evaldata"


def write_result(out: Path, text: str) -> None:
    """Replace `out` with `text` atomically (a reader never sees half a page) and print it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    print(text)


def write_page(out: Path, title: str, command: str, body: Sequence[str]) -> None:
    """A result page: its title, the command that measured it (run from the repo root),
    then the body's lines."""
    lines = [f"# {title}", "", f"Command: `{command}` (from the repo root).", "", *body, ""]
    write_result(out, "\n".join(lines))


def evaldata_main(
    doc: str, out_name: str, produce: Callable[[Path], str], argv: list[str] | None
) -> int:
    """`--evaldata DIR --out PATH`: run `produce` on the evaldata dir and write its page to
    bench/results/`out_name`; exit 2 when the evaldata are not there."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--out", type=Path, default=RESULTS / out_name)
    args = ap.parse_args(argv)
    if not (args.evaldata / "extract").is_dir():
        print(f"no evaldata at {args.evaldata}", file=sys.stderr)
        return 2
    write_result(args.out, produce(args.evaldata))
    return 0
