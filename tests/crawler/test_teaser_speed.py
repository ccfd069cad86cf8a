"""The one-pass teaser-block removal gives the trees the per-block reading gave, on every
real page of ../shared/evaldata (and on edge cases: nested links, whitespace, comments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from crawler.spiders import pagetext
from crawler.spiders.pagetext import TEASER_LINK_SHARE, TEASER_MAX_TEXT, _drop


def reference_drop(root: Any) -> None:
    """The per-block version this replaces (issue 8), kept as the specification."""
    blocks = root.xpath("//div | //ul | //ol | //section | //aside | //dl | //table | //td")
    for block in reversed(blocks):
        if block.getparent() is None:
            continue
        links = block.xpath(".//a")
        if len(links) < 2:
            continue
        total = len("".join(block.itertext()).strip())
        linked = sum(len("".join(a.itertext()).strip()) for a in links)
        if total and linked / total >= TEASER_LINK_SHARE and total - linked <= TEASER_MAX_TEXT:
            _drop(block)


def _both(body: bytes) -> tuple[bytes, bytes]:
    out = []
    for drop in (reference_drop, pagetext._drop_teaser_blocks):
        parser = etree.HTMLParser(recover=True, encoding="utf-8")
        root = etree.fromstring(body, parser=parser)
        if root is None:
            return b"", b""
        etree.strip_elements(root, "script", "style", etree.Comment, with_tail=False)
        drop(root)
        out.append(etree.tostring(root, encoding="utf-8"))
    return out[0], out[1]


EDGES = [
    "<div>  <a>一</a>\u3000<a>二</a>  </div><p>正文</p>",
    "<div><ul><li><a>甲</a></li><li><a>乙</a>说明文字</li></ul>尾巴<a>丙</a></div>",
    "<td><a>外<a>内</a></a><a>三</a>本地很长的正文" + "字" * 400 + "</td>",
    "<section><?pi data?><a>x</a><!-- c --><a>y</a>tail</section>",
    "<table><tr><td><a>1</a><a>2</a></td><td>正文内容很多</td></tr></table>after",
    "<div> </div><div><a> </a><a>\n</a></div>",
]


@pytest.mark.parametrize("html", EDGES)
def test_edge_cases_match_the_reference(html: str) -> None:
    ref, new = _both(f"<html><body>{html}</body></html>".encode())
    assert new == ref


def test_every_real_page_matches_the_reference(evaldata_dir: Path) -> None:
    pages = sorted((evaldata_dir / "extract").glob("*/*.html"))
    assert len(pages) > 200
    for path in pages:
        decoded = pagetext.decode_html(path.read_bytes())
        ref, new = _both((decoded.text or "").encode("utf-8"))
        assert new == ref, path.name
