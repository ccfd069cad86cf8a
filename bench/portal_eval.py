"""Discovery on a local portal built from real evaldata pages (tests/crawler/real_portal.py),
crawled with `aidcorpus run`: articles stored with the right and with an out-of-date
article_pattern, split articles whole (bigram F1), calendar pages fetched per run.
Run: .venv/bin/python bench/portal_eval.py   (writes bench/results/portal.md)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "crawler"))
from real_portal import RealPortal, load_articles  # noqa: E402
from test_portal_run import STALE, _bigram_f1, crawl_portal, good_pattern  # noqa: E402

LISTS = r"/channel/(index_\d+\.html)?$"


def main() -> int:
    arts = load_articles()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        "# Discovery on a portal of real pages",
        "",
        f"Command: `.venv/bin/python bench/portal_eval.py` (run {stamp} UTC, 2 CPUs shared"
        " with other work). Portal: "
        f"{len(arts)} articles from ../shared/evaldata served under their own URL paths "
        "(3 split into pages), lists with pagination, robots.txt, an endless calendar.",
        "",
        "| case | stored | stray docs | mean F1 | split-article F1 |",
        "|---|---:|---:|---:|---|",
    ]
    for name, pattern in (("right article_pattern", good_pattern(arts)),
                          ("out-of-date article_pattern", STALE)):  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            out = crawl_portal(Path(tmp), RealPortal(arts), articles=pattern, lists=LISTS)
        urls = {out.base + a.path for a in arts}
        kept = [a for a in arts if out.base + a.path in out.docs]
        f1 = [_bigram_f1(out.docs[out.base + a.path], a.truth) for a in kept]
        split = [f"{_bigram_f1(out.docs.get(out.base + a.path, ''), a.truth):.3f}"
                 for a in arts if a.part_paths]  # fmt: skip
        lines.append(
            f"| {name} | {len(kept)}/{len(urls)} | {len(set(out.docs) - urls)} |"
            f" {sum(f1) / len(f1):.3f} | {' / '.join(split)} |"
        )
    lines += ["", "| calendar | calendar pages fetched in runs 1, 2, 3 |", "|---|---|"]
    for as_list in (True, False):
        lists = r"/(channel/(index_\d+\.html)?|calendar/.*)$" if as_list else LISTS
        portal = RealPortal(arts[:12])
        with tempfile.TemporaryDirectory() as tmp:
            out = crawl_portal(Path(tmp), portal, articles=good_pattern(portal.articles),
                               lists=lists, runs=3)  # fmt: skip
        counts = [sum(n for p, n in h.items() if p.startswith("/calendar/")) for h in out.hits]
        name = "matches list_pattern" if as_list else "links look like articles"
        lines.append(f"| {name} | {', '.join(map(str, counts))} |")
    text = "\n".join(lines) + "\n"
    (REPO / "bench" / "results" / "portal.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
