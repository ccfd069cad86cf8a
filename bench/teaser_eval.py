"""How much article text the crawler's topic check keeps once teaser blocks and links are
stripped (crawler/spiders/pagetext.page_terms), on real pages with human ground truth.

Run: .venv/bin/python bench/teaser_eval.py  ->  bench/results/teaser.md
Reads ../shared/evaldata/extract/ (never copied into this repository).
"""

from __future__ import annotations

import json
import statistics
import sys
import unicodedata
from pathlib import Path

from lxml import etree
from lxml import html as lh

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.spiders import pagetext  # noqa: E402
from extract.decode import decode_html  # noqa: E402

EVALDATA = ROOT.parent / "shared" / "evaldata" / "extract"


def bigrams(text: str) -> set[str]:
    t = "".join(unicodedata.normalize("NFKC", text).split())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def body_text(root: etree._Element) -> str:
    body = root.find("body")
    return " ".join((body if body is not None else root).itertext())


def main() -> None:
    rows = []
    for meta in sorted(EVALDATA.glob("*/*.json")):
        info = json.loads(meta.read_text(encoding="utf-8"))
        truth = info.get("text") or ""
        page = meta.with_suffix(".html")
        if not page.exists() or not any("\u4e00" <= c <= "\u9fff" for c in truth[:200]):
            continue
        try:
            root = lh.fromstring(decode_html(page.read_bytes()).text)
        except (etree.ParserError, ValueError):
            continue
        etree.strip_elements(root, "script", "style", etree.Comment, with_tail=False)
        before = body_text(root)
        pagetext._drop_teaser_blocks(root)
        etree.strip_elements(root, "a", with_tail=False)
        after = body_text(root)
        want = bigrams(truth)
        if want:
            kept = (len(want & bigrams(before)) / len(want), len(want & bigrams(after)) / len(want))
            rows.append((meta.parent.name, meta.stem, *kept))
    losing = [r for r in rows if r[3] < 0.8 * r[2]]
    lines = [
        "# Teaser stripping in the crawler's topic check",
        "",
        "Command: `.venv/bin/python bench/teaser_eval.py`. Pages: every page of",
        "`../shared/evaldata/extract/` with Chinese ground-truth text. The link share (0.3)",
        "was set on the demo portal; removing innermost blocks first and sparing blocks with",
        "over 300 characters of their own text were added after a first run on these pages",
        "lost most of the article text of 8 of them: for that fix these figures are in-sample.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| pages | {len(rows)} |",
        "| article-text bigrams kept, page text (scripts/styles removed) |"
        f" {statistics.mean(r[2] for r in rows):.3f} |",
        "| ... after teaser blocks and links are removed |"
        f" {statistics.mean(r[3] for r in rows):.3f} |",
        f"| pages losing more than 20% of their article text | {len(losing)} |",
        "",
        *(f"- {src}/{stem}: {a:.2f} -> {b:.2f}" for src, stem, a, b in losing),
    ]
    out = ROOT / "bench" / "results" / "teaser.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
