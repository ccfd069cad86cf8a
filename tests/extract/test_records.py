"""Record lists found by their shape (extract.records): feed teasers, related-entry cards and
post excerpts under hashed class names stay out of the article; a forum thread's replies and
a data table's rows stay in."""

from __future__ import annotations

import hashlib

from lxml import etree

from extract import Article, Page, extract_page
from extract.records import record_lists
from tests.extract.conftest import bigram_f1

PARAS = [
    "援疆是一项接续奋斗的事业。4月12日，从山西省援疆前方指挥部传来消息，第四批援疆干部人才进疆以来，实施援疆项目184个。",
    "教育援疆是一项重要民生工程。据统计，山西安排资金2亿元，实施项目29个，全额投资8000万元建成晋阜小学。",
    "山西先后有44所高职院校与受援地结对共建，通过“传帮带学”，培育了一支带不走的高水平师资队伍。",
]
TEASERS = [
    (
        "某地举办春季大型招聘会吸引众多求职者",
        "某地举办春季招聘会，共有三百余家企业参加，提供岗位八千余个。",
    ),
    (
        "雨后城市公园游人如织市民享受好天气",
        "一场大雨过后，城市公园里游人如织，市民纷纷走出家门，享受清新空气。",
    ),
    (
        "多所学校举行新学期开学典礼迎新生",
        "新学期开学第一天，多所学校组织了丰富多彩的开学典礼，学生精神饱满。",
    ),
    (
        "农业科技人员深入田间地头指导春耕",
        "春耕时节，农业科技人员深入田间地头，为农户讲解种植技术和病虫害防治。",
    ),
    (
        "老旧小区改造工程全面启动惠及居民",
        "今年老旧小区改造工程全面启动，涉及小区一百余个，惠及居民三万余户。",
    ),
    (
        "图书馆延长开放时间方便市民阅读学习",
        "市图书馆宣布延长开放时间，周末也将开放至晚上九点，方便市民阅读学习。",
    ),
]


def _cls(seed: str) -> str:
    """A hashed class name like a CSS-module build emits: no word we could go by."""
    return "x" + hashlib.sha1(seed.encode()).hexdigest()[:6].replace("a", "g")


def _page(article: str, after: str) -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>山西援疆新答卷</title></head><body>"
        f"<div class='{_cls('top')}'><a href='/'>首页</a><a href='/n'>新闻</a></div>"
        f"<div class='{_cls('hd')}'><h1>山西援疆新答卷</h1>"
        "<span>2023-04-13 来源：中华网</span></div>"
        f"<div class='{_cls('art')}'>{article}</div>{after}</body></html>"
    ).encode()


def _stream(teasers: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<li class='{_cls('li')}'><h3><a href='/n{i}.html'>{t}</a></h3>"
        f"<p class='{_cls('sum')}'>{s}</p>"
        f"<div><span>新华社</span><span>{i + 1}小时前</span></div></li>"
        for i, (t, s) in enumerate(teasers)
    )
    return f"<div class='{_cls('st')}'><ul>{items}</ul></div>"


def _text(body: bytes) -> str:
    art = extract_page(Page(url="http://127.0.0.1/a/1.html", body=body))
    assert isinstance(art, Article), art
    return art.text


def test_teaser_stream_under_hashed_names_stays_out() -> None:
    text = _text(_page("".join(f"<p>{p}</p>" for p in PARAS), _stream(TEASERS)))
    for para in PARAS:
        assert para in text
    for title, summary in TEASERS:
        assert summary not in text and title not in text
    assert bigram_f1(text, "\n".join(PARAS)) > 0.97


def test_short_news_item_keeps_the_stream_out() -> None:
    """Under 100 characters of article the density run falls back to forum mode (comment and
    feed containers count as content there); record lists stay chrome even then."""
    short = "新疆日报讯 援疆干部人才座谈会12日召开，与会人员交流了工作体会。"
    text = _text(_page(f"<p>{short}</p>", _stream(TEASERS)))
    assert short in text
    assert not any(summary in text for _, summary in TEASERS)


def test_forum_replies_opening_with_user_names_are_not_records() -> None:
    replies = "".join(
        f"<div class='{_cls('r')}'><div><a href='/u/{i}'>用户{i}</a><span>#{i + 2}</span></div>"
        f"<p>{s}</p><div><a href='#'>回复</a></div></div>"
        for i, (_, s) in enumerate(TEASERS)
    )
    text = _text(_page("".join(f"<p>{p}</p>" for p in PARAS), replies))
    for _, summary in TEASERS:
        assert summary in text  # a thread's replies are its content (dev forum pages)


def test_record_lists_are_boxes_with_a_leading_headline() -> None:
    root = etree.fromstring(_page("<p>正文</p>", _stream(TEASERS)), etree.HTMLParser())
    found = record_lists(root)
    assert {el.tag for el in found} == {"li"} and len(found) == len(TEASERS)
    # Table rows with long links are a data table (an entry's filmography), not records.
    rows = "".join(
        f"<tr><td><a href='/w{i}'>{t}</a></td><td>{s}</td></tr>" for i, (t, s) in enumerate(TEASERS)
    )
    table = etree.fromstring(f"<html><body><table>{rows}</table></body></html>", etree.HTMLParser())
    assert not record_lists(table)
    # Paragraphs with inline links are one block each: an article, not a list.
    paras = "".join(f"<p><a href='/w{i}'>{t}</a>{s}</p>" for i, (t, s) in enumerate(TEASERS))
    prose = etree.fromstring(f"<html><body><div>{paras}</div></body></html>", etree.HTMLParser())
    assert not record_lists(prose)


REMARKS = [summary for _, summary in TEASERS]


def _comment_list(heading: str) -> str:
    items = "".join(
        f"<div class='{_cls('c')}'><div><a href='/u/{i}'>网友{i}</a><span>广东</span></div>"
        f"<p>{r}</p><div><span>{i + 1}小时前</span><span>赞 {i}</span></div></div>"
        for i, r in enumerate(REMARKS)
    )
    return f"<div class='{_cls('cs')}'><h3>{heading}</h3>{items}</div>"


def test_comment_section_under_a_heading_stays_out() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    for heading in ("网友评论", "留言列表 (6)", "6条评论", "評論", "Comments"):
        text = _text(_page(body, _comment_list(heading)))
        assert all(p in text for p in PARAS), heading
        assert not any(r in text for r in REMARKS), heading


def test_replies_under_a_reply_heading_stay_in() -> None:
    """ "共收到 6 条回复" opens a forum thread's replies: they are the thread's content."""
    text = _text(_page("".join(f"<p>{p}</p>" for p in PARAS), _comment_list("共收到 6 条回复")))
    assert all(r in text for r in REMARKS)


def test_commentary_subheading_inside_an_article_is_not_a_comment_section() -> None:
    body = f"<p>{PARAS[0]}</p><p>点评：</p><p>{PARAS[1]}</p><p>评论</p><p>{PARAS[2]}</p>"
    text = _text(_page(body, ""))
    assert all(p in text for p in PARAS[1:])


def test_a_recent_comments_widget_before_the_article_leaves_the_article_whole() -> None:
    """A heading before any prose is never a comment section (it may be a tab strip above the
    story), so the article under a "最新评论" sidebar box is read as it was."""
    widget = (
        f"<div class='{_cls('w')}'><h4>最新评论</h4>"
        + "".join(f"<div><a href='/c{i}'>网友{i}</a>：{r}</div>" for i, r in enumerate(REMARKS))
        + "</div>"
    )
    text = _text(_page(widget + "".join(f"<p>{p}</p>" for p in PARAS), ""))
    assert all(p in text for p in PARAS)


def test_heading_vocabulary() -> None:
    from extract.boilerplate import is_tail_heading
    from extract.records import is_comment_heading

    for line in ("您可能感兴趣的文章", "您可能會有興趣的文章", "更多新聞", "猜你喜欢"):
        assert is_tail_heading(line), line
    for line in ("《播客热潮》已有1件评论", "留言列表 (42)", "跟贴32", "63条评论", "5 Comments"):
        assert is_comment_heading(line), line
    for line in ("共收到 10 条回复", "回复", "点评：", "评论员文章", "专家评论指出，这是好事。"):
        assert not is_comment_heading(line), line


def test_a_comment_tab_above_the_story_is_not_a_comment_section() -> None:
    tabs = "<div><span>正文</span><span>评论</span><span>图片</span></div>"
    text = _text(_page(tabs + "".join(f"<p>{p}</p>" for p in PARAS), ""))
    assert all(p in text for p in PARAS)


def test_comments_under_a_short_news_item_stay_out() -> None:
    """Under 100 characters of article the density run reads comment-named boxes as content
    (a forum thread); a section under a comment heading stays chrome even then."""
    short = "新疆日报讯 援疆干部人才座谈会12日召开。与会人员交流了工作体会。"
    text = _text(_page(f"<p>{short}</p>", _comment_list("网友评论")))
    assert short in text
    assert not any(r in text for r in REMARKS)


def test_a_one_line_caption_does_not_hand_the_page_to_the_feed() -> None:
    """Under 50 characters of run text trafilatura is asked too (verse, lists); what our run
    knows as a record list or a comment section stays out of its text as well."""
    caption = "图为援疆干部在新疆昌吉走访农户。"
    many = [(f"{t}（之{k}）", s) for k in range(8) for t, s in TEASERS]
    text = _text(_page(f"<p>{caption}</p>", _stream(many)))
    assert caption in text
    assert not any(summary in text for _, summary in TEASERS)


def test_a_lists_items_with_short_headlines_go_with_their_template() -> None:
    """Items of the list's template are records whatever their headline's length: under a
    one-line caption, a teaser with a short headline must not become the article."""
    caption = "图为援疆干部在昌吉走访农户。"
    short = [
        (
            "短标题",
            "这是一条摘要，讲的是另一件事情，和本文无关，但是读起来像正文一样通顺，而且比图片说明长得多。",
        )
    ]
    text = _text(_page(f"<p>{caption}</p>", _stream([*TEASERS, *short])))
    assert caption in text
    assert short[0][1] not in text
