"""Golden pages added in issue 10, round 3: a browser-saved portal article whose changyan comment
widget, channel feed, "推荐阅读 / 热点视频 / 新闻排行" column and footer are rendered into the HTML
(bench/data/gerapy, a condensed transcription of an Apache-2.0 sample; it ships with the
repository, so this test never skips), and the round-3 proxy halves kept apart by site.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract import Article, Page, extract_page

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"


def _text(name: str) -> str:
    body = (DATA / "gerapy" / name).read_bytes()
    art = extract_page(Page(url="https://www.example.cn/ll/2020/07-04/9229287.shtml", body=body))
    assert isinstance(art, Article), art
    return art.text


def test_rendered_comment_widget_feeds_and_sidebar_stay_out() -> None:
    text = _text("china_news1.html")
    assert text.startswith("编者按：突如其来的新冠肺炎疫情")
    assert "中国经济这艘大船一定能够乘风破浪，行稳致远！" in text
    for chrome in (
        "有事没事说两句",  # the comment box
        "还没有评论，快来抢沙发吧",  # the empty comment list
        "畅言云评",
        "去热评看看吧",
        "理论新闻精选",  # the channel feed under the article
        "加快法治体系建设 提升依法治理效能",  # a feed headline
        "站在十字路口的郭艾伦",  # the right-hand 推荐阅读 column
        "腾讯与老干妈握手言和",  # 新闻排行
        "未经授权禁止转载",  # footer
    ):
        assert chrome not in text, chrome


def test_round3_proxy_halves_share_no_site_and_name_their_source() -> None:
    halves: dict[str, set[str]] = {"tune": set(), "test": set()}
    for meta in (DATA / "proxy").glob("*.json"):
        rec = json.loads(meta.read_text("utf-8"))
        if rec.get("round") == 3:
            halves[rec["half"]].add(rec["site"])
            assert "not human" in rec["labelled_by"] and rec["html_sha1"] and rec["license"]
    assert len(halves["tune"]) >= 5 and len(halves["test"]) >= 5
    assert not halves["tune"] & halves["test"]
