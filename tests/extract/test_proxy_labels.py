"""The proxy pages of bench/data/proxy (labelled by us, not human ground truth; the pages
themselves are read from ../shared/evaldata): every label resolves to text on its page,
and the extractor keeps a floor on them (pinned under bench/results/extract_proxy.md)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
FLOOR_PROXY = 0.93  # measured 0.964 (issue 10, round 2); only move it up


def _proxy_module():
    spec = importlib.util.spec_from_file_location("extract_proxy", BENCH / "extract_proxy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_proxy_label_resolves_and_says_it_is_ours(evaldata: Path) -> None:
    proxy = _proxy_module()
    labels = sorted((BENCH / "data" / "proxy").glob("*.json"))
    assert len(labels) >= 10
    for meta in labels:
        rec = json.loads(meta.read_text("utf-8"))
        assert "not human" in rec["labelled_by"]
        assert rec["source_repo"] and rec["source_commit"] and rec["license"]
    pages = proxy.proxy_pages(evaldata)
    assert len(pages) == len(labels)
    for name, _, _, gold, _ in pages:
        assert len("".join(gold.split())) >= 100, name


def test_extractor_keeps_its_floor_on_the_proxy_pages(evaldata: Path) -> None:
    proxy = _proxy_module()
    pages = proxy.proxy_pages(evaldata)
    scores = [proxy.f1(proxy.ours(body, url), gold) for _, body, url, gold, _ in pages]
    assert sum(scores) / len(scores) >= FLOOR_PROXY, scores
