"""Template-guard verification: rapidfuzz (dedup.verify) against the difflib version it
replaced, on every document pair the repost benchmark's ingest sends to the guard.

Run: .venv/bin/python bench/verify_bench.py   (prints markdown; repost_bench.py calls it)
The difflib peer is the previous dedup.verify with its two alignment primitives swapped
back in (same pairing and conflict rules) and, as before, the clause facts extracted for
every pair; ours extracts them once per document, as the engine does. Alternating rounds
in one process.
"""

from __future__ import annotations

import contextlib
import difflib
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from repost_cases import build, write_warc

from corpus.ingest import ingest_paths
from corpus.store import Store
from dedup import engine, verify
from dedup.passages import Clause

Pair = tuple[tuple[Clause, ...], tuple[Clause, ...]]


def _difflib_opcodes(a, b) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _difflib_similarity(a: str, b: str, cutoff: float) -> float:
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < cutoff or m.quick_ratio() < cutoff:
        return 0.0
    r = m.ratio()
    return r if r >= cutoff else 0.0


@contextlib.contextmanager
def difflib_guard() -> Iterator[None]:
    """dedup.verify as it was: difflib's alignment and ratio."""
    saved = verify._opcodes, verify._similarity
    verify._opcodes, verify._similarity = _difflib_opcodes, _difflib_similarity
    try:
        yield
    finally:
        verify._opcodes, verify._similarity = saved


def guard_pairs(seed: int = 20240501) -> list[Pair]:
    """Every (existing, new) clause pair the engine checks while ingesting the repost bench."""
    docs, _ = build(random.Random(seed))
    seen: list[Pair] = []
    real = engine.conflicts_between
    clauses_of: dict[int, tuple[Clause, ...]] = {}
    facts_of = engine.facts_of

    def remember(clauses):  # type: ignore[no-untyped-def]
        facts = facts_of(clauses)
        clauses_of[id(facts)] = tuple(clauses)
        return facts

    def recording(old, new):  # type: ignore[no-untyped-def]
        seen.append((clauses_of[id(old)], clauses_of[id(new)]))
        return real(old, new)

    engine.conflicts_between, engine.facts_of = recording, remember
    try:
        with tempfile.TemporaryDirectory() as tmp:
            warc = Path(tmp) / "reposts.warc.gz"
            write_warc(docs, warc)
            with Store.open(Path(tmp) / "corpus.db", create=True) as store:
                ingest_paths(store, [warc], topic_gate="off")
    finally:
        engine.conflicts_between, engine.facts_of = real, facts_of
    return seen


def _ours(pairs: list[Pair]) -> list[tuple[str, ...]]:
    facts: dict[int, verify.Facts] = {}
    for doc in {id(d): d for pair in pairs for d in pair}.values():
        facts[id(doc)] = verify.facts_of(doc)
    return [verify.conflicts_between(facts[id(a)], facts[id(b)]) for a, b in pairs]


def compare(pairs: list[Pair], rounds: int = 3) -> list[str]:
    ours_t, peer_t = [], []
    for _ in range(rounds):  # alternating rounds: the machine is shared
        t0 = time.perf_counter()
        ours = _ours(pairs)
        ours_t.append(time.perf_counter() - t0)
        with difflib_guard():
            t0 = time.perf_counter()
            peer = [verify.template_conflicts(a, b) for a, b in pairs]
            peer_t.append(time.perf_counter() - t0)
    same = sum(x == y for x, y in zip(ours, peer, strict=True))
    decision = sum(bool(x) == bool(y) for x, y in zip(ours, peer, strict=True))
    guarded = sum(bool(x) for x in ours)
    o, p = min(ours_t), min(peer_t)
    return [
        f"{len(pairs)} document pairs sent to the template guard while ingesting the repost "
        f"benchmark (pairs above the repost threshold); best of {rounds} alternating rounds, "
        "one process, shared 2-core machine.",
        "",
        "| template guard | time | pairs/s | ratio |",
        "|---|---:|---:|---:|",
        f"| previous: difflib (pure Python), facts per pair | {p:.3f} s | {len(pairs) / p:,.0f} "
        "| 1.0 |",
        f"| ours: rapidfuzz Indel (C++), facts per document | {o:.3f} s | {len(pairs) / o:,.0f} "
        f"| {p / o:.1f}x |",
        "",
        f"Same conflicts on {same}/{len(pairs)} pairs; same merge decision (any conflict "
        f"or none) on {decision}/{len(pairs)}; {guarded} pairs held apart by the guard.",
    ]


if __name__ == "__main__":
    print("\n".join(compare(guard_pairs())))
