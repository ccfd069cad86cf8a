"""Synthetic page layouts for bench/extract_stress.py: real article text (human ground truth of
evaldata's chinese-web-content-extraction-dataset, read at run time, never copied here) inside
layouts the dev pages lack, under hashed class names: a feed stream, picture cards, rendered
comments, a blog with latest-post excerpts, an encyclopedia entry with related-entry cards.
Written before any extraction rule was changed for them.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
from collections.abc import Callable
from pathlib import Path

from extract.segments import vocabulary

SOURCE = "chinese-web-content-extraction-dataset"
PER_LAYOUT = 12


def names(seed: str, count: int = 2) -> str:
    """Hashed class names (CSS-module style) that carry no class word we know."""
    out: list[str] = []
    n = 0
    while len(out) < count:
        name = "_" + hashlib.sha1(f"{seed}{n}".encode()).hexdigest()[:6]
        n += 1
        if not vocabulary(name):
            out.append(name)
    return " ".join(out)


def _paras(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if len(line.strip()) >= 12]


def _first_sentence(text: str, limit: int = 90) -> str:
    for para in _paras(text):
        cut = min((para.find(p) for p in "。！？" if p in para), default=len(para) - 1)
        if cut >= 15:
            return para[: min(cut + 1, limit)]
    return ""


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{_e(title)}</title>'
        f"</head><body>{body}</body></html>"
    )


def _top(seed: str, title: str) -> str:
    links = "".join(f'<a href="/c{i}">频道{i}</a>' for i in range(12))
    return (
        f'<div class="{names(seed + "top")}">{links}</div>'
        f'<div class="{names(seed + "hd")}"><h1>{_e(title)}</h1>'
        f'<div class="{names(seed + "by")}"><span>2023-04-13 11:10</span>'
        "<span>来源：新华网</span></div></div>"
    )


def _article(seed: str, paras: list[str]) -> str:
    body = "".join(f"<p>{_e(p)}</p>" for p in paras)
    return f'<div class="{names(seed + "art")}">{body}</div>'


def _layout(seed: str, title: str, paras: list[str], *after: str) -> str:
    """Masthead, headline, byline and the article, then the layout's own boxes."""
    return _page(title, _top(seed, title) + _article(seed, paras) + "".join(after))


def stream(seed: str, title: str, paras: list[str], others: list[tuple[str, str]]) -> str:
    """An aggregator article followed by a 'more news' stream: headline link + prose summary."""
    items = "".join(
        f'<li class="{names(seed + "li")}"><div class="{names(seed + "it")}">'
        f'<h3><a href="/n{i}.html">{_e(t)}</a></h3><p class="{names(seed + "sum")}">{_e(s)}</p>'
        f'<div class="{names(seed + "src")}"><span>中央社</span><span>{i + 1}小时前</span></div>'
        "</div></li>"
        for i, (t, s) in enumerate(others)
    )
    rail = "".join(
        f'<li><a href="/r{i}.html">{_e(t)}</a></li>' for i, (t, _) in enumerate(others[:8])
    )
    return _layout(
        seed,
        title,
        paras,
        f'<div class="{names(seed + "st")}"><ul>{items}</ul></div>',
        f'<div class="{names(seed + "rl")}"><ol>{rail}</ol></div>',
    )


def cards(seed: str, title: str, paras: list[str], others: list[tuple[str, str]]) -> str:
    """A portal article, then picture cards: image link, headline link, summary, source."""
    items = "".join(
        f'<div class="{names(seed + "cd")}"><a href="/p{i}.html"><img src="/i{i}.jpg"></a>'
        f'<h4><a href="/p{i}.html">{_e(t)}</a></h4><div class="{names(seed + "tx")}">{_e(s)}'
        f'</div><div class="{names(seed + "ot")}"><span>搜狐号</span><span>3小时前</span></div>'
        "</div>"
        for i, (t, s) in enumerate(others)
    )
    return _layout(
        seed,
        title,
        paras,
        '<p><a href="/">返回首页，查看更多</a></p>',
        f'<div class="{names(seed + "fd")}">{items}</div>',
    )


def comments(seed: str, title: str, paras: list[str], others: list[tuple[str, str]]) -> str:
    """A news article, then a rendered comment list: user link, place, remark, time, likes."""
    items = "".join(
        f'<div class="{names(seed + "cm")}"><div class="{names(seed + "us")}">'
        f'<a href="/u/{i}">网友{i:03d}</a><span>广东</span></div>'
        f'<p class="{names(seed + "ct")}">{_e(s)}</p><div class="{names(seed + "ft")}">'
        f"<span>{i + 2}小时前</span><span>回复</span><span>{i * 3 + 1}</span></div></div>"
        for i, (_, s) in enumerate(others)
    )
    return _layout(
        seed,
        title,
        paras,
        f'<div class="{names(seed + "cs")}"><div>{len(others)}条评论</div>{items}</div>',
    )


def blog(seed: str, title: str, paras: list[str], others: list[tuple[str, str]]) -> str:
    """A blog post, then the author's latest posts with excerpts and dates, unnamed boxes."""
    items = "".join(
        f'<div class="{names(seed + "po")}"><h2><a href="/p/{i}">{_e(t)}</a></h2>'
        f'<div class="{names(seed + "ex")}">{_e(s)}</div><div>2022-0{i % 9 + 1}-1{i % 9}'
        f" 阅读 1{i}</div></div>"
        for i, (t, s) in enumerate(others)
    )
    archive = "".join(f'<li><a href="/a/{m}">2022年{m}月</a></li>' for m in range(1, 13))
    return _layout(
        seed,
        title,
        paras,
        f'<div class="{names(seed + "au")}"><p>作者：一个写字的人，喜欢读书和旅行。</p></div>',
        f'<div class="{names(seed + "lp")}"><h3>最新文章</h3>{items}</div>',
        f'<div class="{names(seed + "ar")}"><h3>文章归档</h3><ul>{archive}</ul></div>',
    )


def encyclopedia(seed: str, title: str, paras: list[str], others: list[tuple[str, str]]) -> str:
    """An entry: summary, key/value box, contents, sections, related-entry cards, references."""
    half = max(1, len(paras) // 2)
    box = "".join(f"<dt>属性{i}</dt><dd>值{i}</dd>" for i in range(8))
    toc = "".join(f'<li><a href="#s{i}">{i + 1} 第{i + 1}节</a></li>' for i in range(2))
    sections = (
        f'<h2 id="s0">第1节</h2>{"".join(f"<p>{_e(p)}</p>" for p in paras[1 : half + 1])}'
        f'<h2 id="s1">第2节</h2>{"".join(f"<p>{_e(p)}</p>" for p in paras[half + 1 :])}'
    )
    related = "".join(
        f'<div class="{names(seed + "rc")}"><a href="/item/{i}">{_e(t)}</a><p>{_e(s)}</p></div>'
        for i, (t, s) in enumerate(others)
    )
    refs = "".join(
        f'<li>{i + 1}. <a href="/ref/{i}">{_e(t)}</a> 新华网 2021-01-0{i % 9 + 1}</li>'
        for i, (t, _) in enumerate(others[:6])
    )
    return _page(
        title,
        _top(seed, title)
        + f'<div class="{names(seed + "sm")}"><p>{_e(paras[0])}</p></div>'
        + f'<dl class="{names(seed + "bx")}">{box}</dl><ol>{toc}</ol>'
        + f'<div class="{names(seed + "sc")}">{sections}</div>'
        + f'<div class="{names(seed + "rl")}"><h3>相关词条</h3>{related}</div>'
        + f'<div class="{names(seed + "rf")}"><h3>参考资料</h3><ul>{refs}</ul></div>',
    )


def _caption(paras: list[str]) -> str:
    """A photo page's one-line caption: the article's first sentence, at most 45 characters."""
    return _first_sentence("\n".join(paras), 45) or paras[0][:45]


def photo(seed: str, title: str, paras: list[str], others: list[tuple[str, str]]) -> str:
    """A photo page: a one-line caption under the picture, then the stream of stream()."""
    body = f'<div class="{names(seed + "ph")}"><img src="/p.jpg"><p>{_e(_caption(paras))}</p></div>'
    return stream(seed, title, [], others).replace("</h1>", "</h1>" + body, 1)


def _truth_encyclopedia(paras: list[str]) -> str:
    half = max(1, len(paras) // 2)
    return "\n".join([paras[0], "第1节", *paras[1 : half + 1], "第2节", *paras[half + 1 :]])


LAYOUTS: dict[str, Callable[[str, str, list[str], list[tuple[str, str]]], str]] = {
    "stream (headline + summary teasers)": stream,
    "picture cards": cards,
    "rendered comments": comments,
    "blog, latest-post excerpts": blog,
    "encyclopedia, related entries": encyclopedia,
    # Added after the fix it measures (trafilatura's fallback kept out of record lists); its
    # "before" is the ablation column.
    "photo page, one-line caption + stream": photo,
}


def build(evaldata: Path) -> list[tuple[str, str, str]]:
    """(layout, page html, truth) for every layout, PER_LAYOUT pages each, fixed seed."""
    recs = []
    for meta in sorted((evaldata / "extract" / SOURCE).glob("*.json")):
        rec = json.loads(meta.read_text(encoding="utf-8"))
        if rec.get("text") and rec.get("title") and len(_paras(rec["text"])) >= 2:
            recs.append(rec)
    rng = random.Random(10)
    teasers = [(r["title"][:30], _first_sentence(r["text"])) for r in recs]
    teasers = [t for t in teasers if t[1]]
    out = []
    for layout, make in LAYOUTS.items():
        for k, rec in enumerate(rng.sample(recs, PER_LAYOUT)):
            paras = _paras(rec["text"])[: 2 + (k % 4) * 3]  # 2, 5, 8 or 11 paragraphs
            others = [t for t in rng.sample(teasers, 24) if t[0] != rec["title"][:30]][:20]
            seed = f"{layout}{k}"
            page = make(seed, rec["title"], paras, others)
            truth = "\n".join(paras)
            if make is encyclopedia:
                truth = _truth_encyclopedia(paras)
            elif make is photo:
                truth = _caption(paras)
            out.append((layout, page, truth))
    return out
