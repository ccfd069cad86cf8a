"""The issue-10 speed-ups must not change an answer: junk_class against junk_rule on every
segment of the evaldata pages, the batched OpenCC view against the per-line one, and
camelCase class names read as words."""

from __future__ import annotations

from pathlib import Path

from extract.boilerplate import (
    JUNK,
    LINE_JUNK,
    LINE_ONLY,
    NOT_JUNK,
    junk_class,
    junk_rule,
    simplified_lines,
)
from extract.decode import decode_html, split_cleaneval_header
from extract.segments import COMMENT, FEED, NAV, SHARE, parse, prune, segments, vocabulary
from zhtext import to_simplified

LINES = [
    "分享到：",
    "责任编辑：杨倩_NF4425",
    "请登录后发表评论",
    "立即注册！",
    "来自Android客户端8楼2023-02-01 21:54",
    "版權所有 © 2023",
    "广告",
    "援疆干部人才进疆以来，实施援疆项目184个。",
    "相关阅读",
    "网友评论仅供其表达个人看法，并不表明网易立场。",
    "上一篇：某某新闻",
    "a" * 300,
]


def _expected(line: str) -> int:
    rule = junk_rule(line)
    return NOT_JUNK if rule is None else LINE_JUNK if rule in LINE_ONLY else JUNK


def test_junk_class_agrees_with_junk_rule_on_a_table() -> None:
    assert [junk_class(line) for line in LINES] == [_expected(line) for line in LINES]
    assert junk_class("请登录后发表评论") == LINE_JUNK
    assert junk_class("分享到：") == JUNK


def test_junk_class_agrees_with_junk_rule_on_every_evaldata_segment(evaldata: Path) -> None:
    checked = 0
    for path in sorted((evaldata / "extract").glob("*/*.html"))[::3]:
        root = parse(split_cleaneval_header(decode_html(path.read_bytes()).text)[1])
        if root is None:
            continue
        prune(root)
        texts = [s.text for s in segments(root)]
        for text, view in zip(texts, simplified_lines(texts), strict=True):
            assert junk_class(text, view) == _expected(text), text
            checked += 1
    assert checked > 5000


def test_batched_simplified_view_equals_per_line() -> None:
    lines = ["網站導航", "版權所有", "援疆干部", "Copyright 2023", "電視劇《後宮》"]
    assert simplified_lines(lines) == [to_simplified(line) for line in lines]
    assert simplified_lines([]) == []


def test_camel_case_class_names_are_read_as_words() -> None:
    assert vocabulary("Question-mainColumnLoginDes") & NAV
    assert vocabulary("RecommendFeed") & FEED
    assert vocabulary("AdSlot") & SHARE
    assert vocabulary("commentList") & COMMENT
    # no word inside another: "Header" is a word, "Headline" holds none of ours
    assert vocabulary("ArticleHeadline") == 0
