"""Golden pages added in issue 10, round 4, read from ../shared/evaldata at test time (skipped
when absent; never copied here): an aggregator article over a follow-up-comment widget, a
'load more news' feed and a 跟贴排行 ranking; an aggregator article over a rendered comment
thread; an encyclopedia entry (navigation, flower widget, reference list); a WeChat blog post
with code blocks over reward and 'look' prompts. And the round-4 proxy halves kept apart by
site from each other and from round 3's.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract import Article, Page, extract_page

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"


def _text(evaldata: Path, key: str) -> str:
    path = evaldata / "extract" / f"{key}.html"
    rec = json.loads(path.with_suffix(".json").read_text("utf-8"))
    art = extract_page(Page(url=rec.get("url") or path.resolve().as_uri(), body=path.read_bytes()))
    assert isinstance(art, Article), art
    return art.text


def test_aggregator_article_over_comment_widget_feed_and_ranking(evaldata: Path) -> None:
    text = _text(evaldata, "gne-unlabelled/163_6")
    assert "民警发现纸上的字字迹工整" in text
    assert "写字条扔出窗外，是一个很好的自救措施" in text
    for chrome in (
        "网友评论仅供其表达个人看法",  # the follow-up widget
        "目前没有跟贴，欢迎你发表观点",
        "加载更多新闻",  # the feed under the article
        "舟山海域漂来28只集装箱",  # a feed headline, also in the ranking
        "殴打老师当事人服刑",  # 跟贴排行
        "分享至好友和朋友圈",
    ):
        assert chrome not in text, chrome


def test_aggregator_article_over_a_rendered_comment_thread(evaldata: Path) -> None:
    text = _text(evaldata, "gne-unlabelled/toutiao_5")
    assert text.count("汪勇") > 50
    assert "人与人之间的共情能力最有效的传递方式，是善良坦诚。" in text
    for chrome in (
        "这不光看到汪勇的担当也看到了武汉人民的担当感和责任感",  # a comment
        "这样的人就应该提拨重用",  # another
        "条评论",
        "查看更多评论",
        "相关推荐",
    ):
        assert chrome not in text, chrome


def test_encyclopedia_entry_keeps_summary_sections_and_tables_not_navigation(
    evaldata: Path,
) -> None:
    text = _text(evaldata, "trafilatura-zh/baike.baidu.com.tanya")
    assert "蔡健雅（Tanya Chua），1975年1月28日出生于新加坡" in text  # the summary
    assert "1975年出生于新加坡，家里有一个姐姐" in text  # a section
    assert "2017年7月18日，正式加盟环球音乐" in text
    for chrome in (
        "进入词条全站搜索帮助",  # navigation
        "历史上的今天",
        "秒懂星课堂",
        "第十七届台湾金曲奖完全入围名单",  # the reference list
    ):
        assert chrome not in text, chrome


def test_wechat_blog_post_keeps_code_not_reward_or_follow_prompts(evaldata: Path) -> None:
    text = _text(evaldata, "gne-unlabelled/wechat_2")
    assert "with contextlib.ExitStack() as stack:" in text
    assert "stack.callback(add_ts)" in text
    for chrome in (
        "微信扫一扫赞赏作者",
        "浏览“朋友在看”",
        "博主喜欢Python和爬虫",  # the account's blurb above the post
        "发送到看一看",
    ):
        assert chrome not in text, chrome


def test_round4_proxy_halves_share_no_site_with_the_other_half() -> None:
    halves: dict[str, set[str]] = {"tune": set(), "test": set()}
    added = 0
    for meta in (DATA / "proxy").glob("*.json"):
        rec = json.loads(meta.read_text("utf-8"))
        if rec.get("round") in (3, 4):
            halves[rec["half"]].add(rec["site"])
        if rec.get("round") == 4:
            added += 1
            assert "not human" in rec["labelled_by"] and rec["html_sha1"] and rec["license"]
    assert added >= 10
    assert not halves["tune"] & halves["test"]
