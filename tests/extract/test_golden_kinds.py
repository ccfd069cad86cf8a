"""Golden pages of the kinds that lose precision on unseen pages (issue 10): aggregator pages
with comment widgets and recommendation feeds, encyclopedia entries, blogs with comments,
code or long sidebars, forum threads whose replies are the content. Real pages are read
from ../shared/evaldata at test time (skipped when absent), never copied here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import Article, Page, extract_page
from tests.extract.conftest import article_html, bigram_f1

PARAS = [
    "援疆是一项接续奋斗的事业。4月12日，从山西省援疆前方指挥部传来消息，第四批援疆干部人才进疆以来，实施援疆项目184个。",
    "教育援疆是一项重要民生工程。据统计，山西安排资金2亿元，实施项目29个，全额投资8000万元建成晋阜小学。",
    "山西先后有44所高职院校与受援地结对共建，通过“传帮带学”，培育了一支带不走的高水平师资队伍。",
]
FEED = [
    "某地举办春季招聘会，共有三百余家企业参加，提供岗位八千余个，吸引求职者前来咨询。",
    "一场大雨过后，城市公园里游人如织，市民纷纷走出家门，享受难得的清新空气和好天气。",
    "新学期开学第一天，多所学校组织了丰富多彩的开学典礼，学生们精神饱满地迎接新学期。",
]
COMMENTS = [
    "这篇报道写得很好，希望援疆工作越来越好，为新疆的发展贡献更多力量！",
    "支持！我的同学就在援疆队伍里，他说当地的孩子们都非常可爱，学习也很认真。",
]


def _page(evaldata: Path, key: str) -> tuple[Article, dict]:
    paths = [p for p in (evaldata / "extract").glob(f"{key}*.html") if ".expected" not in p.name]
    (path,) = paths
    rec = json.loads(path.with_suffix(".json").read_text("utf-8"))
    art = extract_page(Page(url=rec.get("url") or path.resolve().as_uri(), body=path.read_bytes()))
    assert isinstance(art, Article), art
    return art, rec


def test_aggregator_page_keeps_article_not_feed_comments_or_sidebar() -> None:
    feed = "".join(
        f"<li class='feed-item'><a href='/n{i}'>另一条新闻标题第{i}条</a><p>{t}</p>"
        f"<span>3小时前</span></li>"
        for i, t in enumerate(FEED)
    )
    comments = "".join(
        f"<div class='cmt-item'><a>网友{i}</a><p>{t}</p></div>" for i, t in enumerate(COMMENTS)
    )
    side = "<div class='sidebar'><p>本站是一个关注社会民生的综合资讯平台，欢迎访问。</p></div>"
    body = (
        "<h1>测试标题</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + f"<div class='cmt-list'>{comments}</div><ul class='recommend-list'>{feed}</ul>{side}"
    )
    page = Page(url="https://news.example.cn/a/1.html", body=article_html(body).encode())
    art = extract_page(page)
    assert isinstance(art, Article)
    lines = art.text.split("\n")
    for para in PARAS:
        assert para in lines
    for junk in [*FEED, *COMMENTS, "本站是一个关注社会民生"]:
        assert junk not in art.text, junk


def test_forum_thread_keeps_posts_when_everything_is_comments() -> None:
    posts = "".join(
        f"<div class='comment-item'><a>用户{i}</a><p>{t}</p></div>"
        for i, t in enumerate([*PARAS, *COMMENTS])
    )
    page = article_html(f"<div class='comment-list'>{posts}</div>").encode()
    art = extract_page(Page(url="https://bbs.example.cn/t/1", body=page))
    assert isinstance(art, Article)
    for text in [*PARAS, *COMMENTS]:
        assert text in art.text


def test_encyclopedia_entry_with_snippets(evaldata: Path) -> None:
    art, rec = _page(evaldata, "trafilatura-zh/baike.baidu.com")
    for snippet in rec["with"]:
        assert snippet in art.text, snippet
    for snippet in rec["without"]:
        assert snippet not in art.text, snippet


def test_blog_with_comment_section_keeps_only_the_post(evaldata: Path) -> None:
    art, rec = _page(evaldata, "chinese-web-content-extraction-dataset/54e89e4e")
    assert bigram_f1(art.text, rec["text"]) > 0.95
    assert "承蒙开心就好的邀请" in art.text
    assert "拜读了你翻译的" not in art.text  # a reader's comment
    assert "2005年9月" not in art.text  # the archive sidebar


def test_blog_with_long_link_sidebar(evaldata: Path) -> None:
    art, rec = _page(evaldata, "chinese-web-content-extraction-dataset/c38e2b2d")
    assert bigram_f1(art.text, rec["text"]) > 0.95
    assert "交换下链接如何" not in art.text  # guestbook teaser in the sidebar


def test_blog_post_with_code_blocks(evaldata: Path) -> None:
    art, rec = _page(evaldata, "magic-html-forum/7b01ccf3")
    # the highlighter's "hljs-comment" spans are code, not a comment section
    assert "set http_proxy=" in art.text and "source ~/.bashrc" in art.text
    assert bigram_f1(art.text, rec["text"]) > 0.55


def test_forum_replies_are_content(evaldata: Path) -> None:
    art, rec = _page(evaldata, "magic-html-forum/6897d6ef")
    assert "最近纯英文的机器人挺多的" in art.text
    assert bigram_f1(art.text, rec["text"]) > 0.9


@pytest.mark.parametrize("key", ["readability-zh/qq", "readability-zh/gmw"])
def test_portal_pages_with_related_blocks(evaldata: Path, key: str) -> None:
    art, rec = _page(evaldata, key)
    assert bigram_f1(art.text, rec["text"]) > 0.85


def test_article_wrapper_named_header_is_not_chrome() -> None:
    # The whole story sits in a container whose class says "header" (it holds the headline):
    # its words describe the article, so the body must not count as navigation chrome and the
    # comment list beside it must stay out.
    comments = "".join(f"<div class='c-item'><p>{t}</p></div>" for t in COMMENTS)
    body = (
        "<div class='post_header'><h1>山西援疆工作综述</h1><div class='post_body'>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + f"</div></div><div class='post_comment'>{comments}</div>"
    )
    html = article_html(body, title="山西援疆工作综述_某某新闻")
    art = extract_page(Page(url="https://news.example.cn/a/2.html", body=html.encode()))
    assert isinstance(art, Article)
    for para in PARAS:
        assert para in art.text
    for comment in COMMENTS:
        assert comment not in art.text


def test_aggregator_page_with_comment_thread_under_a_header_wrapper(evaldata: Path) -> None:
    # gne-unlabelled (no human label): a portal article page saved with its rendered comment
    # thread ("跟贴"); the article body sits inside a "post_header" container.
    path = evaldata / "extract" / "gne-unlabelled" / "163_1.html"
    art = extract_page(Page(url="https://money.163.com/19/0907/13/x.html", body=path.read_bytes()))
    assert isinstance(art, Article)
    assert "业绩会突现业主维权插曲" in art.text
    assert "这需要龙湖给投资者作一个交代" in art.text
    assert "所谓的精装修就是一个坑" not in art.text  # a reader's comment
    assert "+1顶" not in art.text


def test_qa_page_keeps_answers_not_the_sign_in_upsell(evaldata: Path) -> None:
    # A Q&A page read as a thread: its camelCase login box ("mainColumnLogin…") is navigation
    # chrome even when the answers (comment-like containers) are the content.
    art, rec = _page(evaldata, "magic-html-forum/044e68e44f3c")
    assert "精彩内容一键收藏" not in art.text
    assert "这是确实有震感" in art.text
    assert bigram_f1(art.text, rec["text"]) > 0.85
