"""Shared helpers for the extract tests: the evaldata location, a small page builder and
the bigram F1 that scores extracted text against the gold text."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

EVALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "evaldata"


@pytest.fixture(scope="session")
def evaldata() -> Path:
    if not (EVALDATA / "extract").is_dir():
        pytest.skip("shared/evaldata not present beside the repository")
    return EVALDATA


def article_html(body: str, *, title: str = "测试标题", head: str = "") -> str:
    """A minimal portal-like page around `body` (already HTML)."""
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/a'>新闻</a> <a href='/b'>财经</a></div>"
        f"<div class='main'>{body}</div>"
        "<div class='footer'>版权所有 © 2023 某某网 京ICP备05004340号-1</div>"
        "</body></html>"
    )


def _bigrams(text: str) -> Counter[str]:
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return Counter(t[i : i + 2] for i in range(len(t) - 1))


def bigram_f1(pred: str, gold: str) -> float:
    """F1 of the character bigrams (NFKC, whitespace dropped) of `pred` against `gold`."""
    p, g = _bigrams(pred), _bigrams(gold)
    overlap = sum((p & g).values())
    return 0.0 if not overlap else 2 * overlap / (sum(p.values()) + sum(g.values()))
