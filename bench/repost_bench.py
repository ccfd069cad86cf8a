"""Repost benchmark: the WARC of reposts built by repost_cases.py, ingested by `aidcorpus`,
scored pairwise beside the naive pipeline (trafilatura + datasketch 5-gram LSH @0.8).

Run: .venv/bin/python bench/repost_bench.py   (writes bench/results/dedup.md)
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from itertools import combinations, pairwise
from pathlib import Path

import trafilatura
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parent))
import index_bench
import minhash_bench
import verify_bench
from repost_cases import ROOT, bases, build, write_warc

from dedup.shingles import hash_view, shingles

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


def _jsonl(command: str, db: Path) -> list[str]:
    """The non-empty lines of ``aidcorpus COMMAND --db DB --format jsonl``."""
    out = subprocess.run(
        [AIDCORPUS, command, "--db", str(db), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def run_aidcorpus(warc: Path, db: Path) -> tuple[list[list[str]], list[dict], list[str]]:
    ingest = subprocess.run(
        [AIDCORPUS, "ingest", "--db", str(db), "--topic-gate", "off", str(warc)],
        capture_output=True,
        text=True,
    )
    if ingest.returncode != 0:
        raise SystemExit(f"aidcorpus ingest failed: {ingest.stderr[-3000:]}")
    clusters = [json.loads(line)["copies"] for line in _jsonl("clusters", db)]
    links = [json.loads(line) for line in _jsonl("links", db)]
    return clusters, links, ingest.stdout.strip().splitlines()[-1:]  # stderr: progress


def naive(docs: list[dict]) -> list[list[str]]:
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    pairs = []
    for d in docs:
        text = trafilatura.extract(d["bytes"]) or ""
        m = MinHash(num_perm=128)
        m.update_batch([s.encode() for s in shingles(text, 5)])
        pairs += [(d["url"], other) for other in lsh.query(m)]
        lsh.insert(d["url"], m)
    return components([d["url"] for d in docs], pairs)


def components(urls: list[str], pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Connected components of the naive pipeline's pairs (union-find, path halving)."""
    parent = {u: u for u in urls}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    groups: dict[str, list[str]] = {}
    for u in parent:
        groups.setdefault(find(u), []).append(u)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))


def scores(pred: list[list[str]], truth: dict[str, str], docs: list[dict]) -> dict[str, float]:
    label = {u: i for i, c in enumerate(pred) for u in c}
    urls = [d["url"] for d in docs]
    for u in urls:
        label.setdefault(u, f"lost:{u}")
    tp = fp = fn = 0
    for a, b in combinations(urls, 2):
        same_pred, same_true = label[a] == label[b], truth[a] == truth[b]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    orig = {d["base"]: d["url"] for d in docs if d["role"] == "orig"}

    def share(role: str) -> float:
        sel = [d for d in docs if d["role"] == role]
        return sum(label[d["url"]] == label[orig[d["base"]]] for d in sel) / max(len(sel), 1)

    out = {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9)}
    for role in ("edit", "trad", "farm", "para", "tmpl", "shared"):
        out[role] = share(role)
    return out


def main() -> int:
    rng = random.Random(20240501)
    docs, truth = build(rng)
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "reposts.warc.gz"
        write_warc(docs, warc)
        ours, links, summary = run_aidcorpus(warc, Path(tmp) / "corpus.db")
    base_cluster = {}
    label = {u: i for i, c in enumerate(ours) for u in c}
    for d in docs:
        if d["role"] == "orig":
            base_cluster[d["base"]] = label.get(d["url"])
    shared = [d for d in docs if d["role"] == "shared"]
    linked = sum(
        any(
            {ln["a"], ln["b"]} & {d["url"]}
            and label.get(({ln["a"], ln["b"]} - {d["url"]} or {""}).pop())
            == base_cluster[d["base"]]
            and ln["kind"] == "shared-passages"
            for ln in links
        )
        for d in shared
    )
    s_ours, s_naive = scores(ours, truth, docs), scores(naive(docs), truth, docs)
    counts = {
        r: sum(d["role"] == r for d in docs)
        for r in ("orig", "edit", "trad", "farm", "para", "tmpl", "shared")
    }
    rows = [
        ("pairwise precision", "precision"),
        ("pairwise recall", "recall"),
        ("pairwise F1", "f1"),
        ("light edits + chrome + 来源 merged", "edit"),
        ("Traditional/pinyin/Big5 merged", "trad"),
        ("GBK content farm + junk merged", "farm"),
        ("paragraph dropped+added merged", "para"),
        ("same-template merged (lower is better)", "tmpl"),
        ("shared-passage merged (lower is better)", "shared"),
    ]
    md = [
        "# Dedup benchmark",
        "",
        "Command: `.venv/bin/python bench/repost_bench.py` (from the repo root).",
        "",
        "## Reposts (WARC -> `aidcorpus ingest` -> `aidcorpus clusters/links`)",
        "",
        f"Documents: {len(docs)} pages in one WARC ({json.dumps(counts)}), bases = "
        "ground-truth texts of chinese-web-content-extraction-dataset (Hans, 500-6000 chars)"
        " + seeds 000/001/004; "
        "fillers of shared-passage documents = cx-extractor-163-silver texts. Ingest: "
        + " ".join(summary),
        "",
        "| metric | ours | naive (trafilatura + datasketch 5-gram LSH @0.8, raw text) |",
        "|---|---:|---:|",
    ]
    md += [f"| {name} | {s_ours[k]:.3f} | {s_naive[k]:.3f} |" for name, k in rows]
    md += [
        f"| shared-passage documents linked to their base "
        f"| {linked / max(len(shared), 1):.3f} | n/a |",
        "",
    ]
    views = [hash_view(t) for _, _, t in bases()]
    views = views * max(1, 2000 // len(views))
    pairs = [
        (
            hash_view(a["html"].split('<div class="article">')[1]),
            hash_view(b["html"].split('<div class="article">')[1]),
        )
        for a, b in pairwise(docs)
        if a["base"] == b["base"]
    ]
    guard = verify_bench.compare(verify_bench.guard_pairs())
    md += ["## Template guard (verification)", "", *guard]
    md += ["", "## Signatures", "", *minhash_bench.speed(views), "", "## Jaccard accuracy", ""]
    md += [*minhash_bench.accuracy(pairs), "", "## Scale", ""]
    md += [
        "The index at 100,000 synthetic documents beside datasketch's MinHashLSH "
        "(1,000,000 and the command: bench/results/index.md; a scheduled run on a "
        "million-document corpus: bench/results/scale.md; Redis: docs/SCALING.md).",
        "",
        *index_bench.report([index_bench.measure(100_000, 2)]),
        "",
    ]
    out = ROOT / "bench" / "results" / "dedup.md"
    out.write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
