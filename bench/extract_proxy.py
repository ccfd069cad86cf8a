"""Proxies for extraction quality on pages never tuned on (issue 10), beside extract_eval.py.

Run:  .venv/bin/python bench/extract_proxy.py [--evaldata ../shared/evaldata] [--out PATH]

1. Unsupervised disagreement on the UNLABELLED evaldata pages (gne-unlabelled: browser-saved
   aggregator and portal DOMs; cx-extractor-163-silver): a page where trafilatura
   (favor_precision) and readability-lxml agree with each other (bigram F1 >= AGREE) but
   aidcorpus differs from both (F1 < DIFFER with each) is almost surely our failure. We
   count them (split into "we keep more" = precision and "we keep less" = recall) and list
   them. No label is needed, so the count can be driven down honestly; it is not a score.
2. The proxy set: pages labelled by us (not human ground truth), bench/data/proxy/*.json.
   Each label is a list of spans over the page's neutral text view (lxml text with block
   line breaks), given by short start/end anchors, so no page text is copied here. Scored
   with the same char-bigram F1 as extract_eval.py, in a separate table, never mixed into
   the human-labelled figure.

Peers' outputs are cached in bench/work/peers.json (keyed by the page bytes' SHA-1): they do
not change while we iterate on our extractor.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchio import evaldata_main
from extract_eval import PEERS, _markup, _safe, f1

from extract import Article, Page, extract_page

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "work" / "peers.json"
PROXY = ROOT / "bench" / "data" / "proxy"
UNLABELLED = ("gne-unlabelled", "cx-extractor-163-silver")
AGREE = 0.9  # the two peers agree with each other at least this much
DIFFER = 0.7  # and we agree with neither beyond this
CACHED_PEERS = ("trafilatura-precision", "readability-lxml")
_BLOCKS = tuple(
    "p div br li h1 h2 h3 h4 h5 h6 tr td dd dt section article blockquote pre table ul ol "
    "header footer".split()
)


def ours(body: bytes, url: str) -> str:
    art = extract_page(Page(url=url, body=body))
    return art.text if isinstance(art, Article) else ""


def peer_outputs(pages: list[tuple[Path, dict]], cache: Path = CACHE) -> dict[str, dict[str, str]]:
    """sha1 -> {peer: text} for the cached peers, computing what the cache lacks."""
    known: dict[str, dict[str, str]] = {}
    if cache.exists():
        known = json.loads(cache.read_text("utf-8"))
    changed = False
    for path, _ in pages:
        body = path.read_bytes()
        key = hashlib.sha1(body).hexdigest()
        if key in known and all(p in known[key] for p in CACHED_PEERS):
            continue
        markup = _markup(body)
        known[key] = {p: _safe(PEERS[p], markup) for p in CACHED_PEERS}
        changed = True
    if changed:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(known, ensure_ascii=False), "utf-8")
        os.replace(tmp, cache)
    return known


def load(evaldata: Path, sources: tuple[str, ...]) -> list[tuple[Path, dict]]:
    out = []
    for src in sources:
        for meta in sorted((evaldata / "extract" / src).glob("*.json")):
            rec = json.loads(meta.read_text("utf-8"))
            if rec.get("lang") == "zh":
                out.append((meta.with_suffix(".html"), rec))
    return out


def url_of(path: Path, rec: dict) -> str:
    return rec.get("url") or path.resolve().as_uri()


def disagreements(
    evaldata: Path, extractor: Callable[[bytes, str], str] = ours
) -> tuple[int, int, list[tuple[str, float, float, float, str]]]:
    """(pages where the peers agree, of all unlabelled pages, our failures there): each failure
    as (page, peer-peer F1, our F1 with each peer (max), length ratio ours / peers, kind)."""
    pages = load(evaldata, UNLABELLED)
    peers = peer_outputs(pages)
    agreeing = 0
    failures = []
    for path, rec in pages:
        body = path.read_bytes()
        out = peers[hashlib.sha1(body).hexdigest()]
        tp, rd = out["trafilatura-precision"], out["readability-lxml"]
        if not tp.strip() or f1(tp, rd) < AGREE:
            continue
        agreeing += 1
        mine = extractor(body, url_of(path, rec))
        best = max(f1(mine, tp), f1(mine, rd))
        if best < DIFFER:
            ratio = len("".join(mine.split())) / max(1, len("".join(tp.split())))
            kind = "precision" if ratio > 1 else "recall"
            failures.append((f"{path.parent.name}/{path.stem}", f1(tp, rd), best, ratio, kind))
    return agreeing, len(pages), failures


def neutral_text(markup: str) -> str:
    """The page's visible text with a line break at every block: the view proxy labels are
    anchored in (independent of our segmenter, so a label does not move when it changes)."""
    tree = lxml_html.fromstring(markup)
    for bad in tree.xpath("//script|//style|//noscript|//textarea|//template"):
        bad.drop_tree()
    for el in tree.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def gold_from_spans(text: str, spans: list[list[str]]) -> str:
    """Concatenate the spans [start anchor, end anchor] of `text`, in order: a span starts at
    the first line (after the previous span) that begins with its start anchor and ends at the
    first line end after that preceded by its end anchor. Raises ValueError when one is
    missing, so a label never silently scores against the wrong text."""
    view = "\n" + text + "\n"
    parts, pos = [], 0
    for start, end in spans:
        a = view.index("\n" + start, pos) + 1
        b = view.index(end + "\n", a + len(start) - len(end) if len(start) > len(end) else a)
        b += len(end)
        parts.append(view[a:b])
        pos = b
    return "\n".join(parts)


def proxy_pages(evaldata: Path) -> list[tuple[str, bytes, str, str, str]]:
    """(name, body, url, gold text, kind) for every labelled proxy page."""
    out = []
    for meta in sorted(PROXY.glob("*.json")):
        rec = json.loads(meta.read_text("utf-8"))
        if rec.get("html"):
            path = (PROXY / rec["html"]).resolve()
        else:
            path = evaldata / "extract" / rec["evaldata"]
        if not path.exists():
            continue
        body = path.read_bytes()
        if hashlib.sha1(body).hexdigest() != rec["html_sha1"]:
            raise ValueError(f"{meta.name}: page bytes changed")
        gold = gold_from_spans(neutral_text(_markup(body)), rec["spans"])
        out.append((meta.stem, body, rec.get("url") or path.as_uri(), gold, rec["kind"]))
    return out


def proxy_groups() -> dict[str, str]:
    """Label name -> its group: the round-2 set, or a later round's tuning or test half (split by
    site before any rule was changed; rules may only be tuned on the tuning halves)."""
    out = {}
    for meta in sorted(PROXY.glob("*.json")):
        rec = json.loads(meta.read_text("utf-8"))
        half = rec.get("half")
        out[meta.stem] = f"round {rec.get('round', 3)}, {half} half" if half else "round 2 set"
    return out


def proxy_scores(
    evaldata: Path, extractor: Callable[[bytes, str], str] = ours
) -> list[tuple[str, str, dict[str, float]]]:
    rows = []
    for name, body, url, gold, kind in proxy_pages(evaldata):
        markup = _markup(body)
        scores = {"aidcorpus": f1(extractor(body, url), gold)}
        for peer in ("trafilatura", *CACHED_PEERS):
            scores[peer] = f1(_safe(PEERS[peer], markup), gold)
        rows.append((name, kind, scores))
    return rows


def report(evaldata: Path) -> str:
    agreeing, total, failures = disagreements(evaldata)
    lines = [
        "# Extraction proxies for unseen pages",
        "",
        "Command: `.venv/bin/python bench/extract_proxy.py` (written by it; do not edit).",
        "",
        "## Unsupervised: peers agree, we differ",
        "",
        f"Unlabelled evaldata pages ({', '.join(UNLABELLED)}): {total}. Pages where",
        f"trafilatura-precision and readability-lxml agree (bigram F1 >= {AGREE}): {agreeing}.",
        f"Of those, pages where aidcorpus agrees with neither (F1 < {DIFFER}): "
        f"**{len(failures)}** (we keep more: {sum(f[4] == 'precision' for f in failures)},"
        f" we keep less: {sum(f[4] == 'recall' for f in failures)}).",
        "",
        "| page | peers agree | ours vs peers | length ours / peer | kind |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {p} | {a:.2f} | {b:.2f} | {r:.2f} | {k} |" for p, a, b, r, k in failures]
    rows = proxy_scores(evaldata)
    systems = ["aidcorpus", "trafilatura", *CACHED_PEERS]
    lines += [
        "",
        "## Proxy set: pages labelled by us (NOT human ground truth)",
        "",
        "Labels are ours (bench/data/proxy/, spans over a neutral text view; see",
        "bench/data/proxy/README.md). Reported apart from the human-labelled figure.",
        "",
    ]
    groups = proxy_groups()
    for group in sorted(set(groups.values())):
        mine = [r for r in rows if groups[r[0]] == group]
        lines += ["", f"### {group}", "", "| page | kind | " + " | ".join(systems) + " |",
                  "|---|---|" + "---|" * len(systems)]
        for name, kind, scores in mine:
            cells = " | ".join(f"{scores[s]:.3f}" for s in systems)
            lines.append(f"| {name} | {kind} | {cells} |")
        if mine:
            means = [sum(r[2][s] for r in mine) / len(mine) for s in systems]
            cells = " | ".join(f"{m:.3f}" for m in means)
            lines.append(f"| **mean ({len(mine)})** | | {cells} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return evaldata_main(__doc__, "extract_proxy.md", report, argv)


if __name__ == "__main__":
    sys.exit(main())
