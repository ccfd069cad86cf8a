"""The crawler's topic check reads the article, not the teasers of other pages around it,
so its off-topic count agrees with what ingest decides from the extracted text."""

from __future__ import annotations

from parsel import Selector

from crawler.spiders.pagetext import page_terms

TEASERS = (
    '<div class="recommend"><h3>为您推荐</h3>'
    + "".join(
        f'<div class="rec"><h4><a href="/{i}.html">山西援疆干部人才工作综述{i}</a></h4>'
        f'<a href="/{i}.html">山西援疆干部人才工作综述{i}</a><p>援疆前方指挥部对工作进行总结...</p>'
        "<span>2023-09-06 09:12:40</span></div>"
        for i in range(3)
    )
    + '</div><div class="prevnext">上一篇：<a href="/p.html">援疆医生义诊</a>'
    '下一篇：<a href="/n.html">援疆项目落地</a></div>'
)


def page(article: str) -> Selector:
    nav = "".join(f'<a href="/c{i}">频道{i}</a>' for i in range(8))
    return Selector(
        text=f"<html><head><title>太原马拉松鸣枪开跑</title></head><body><div>{nav}</div>"
        f"<table><tr><td><h1>太原马拉松鸣枪开跑</h1>{article}</td></tr></table>"
        f"{TEASERS}</body></html>"
    )


def test_an_off_topic_article_beside_on_topic_teasers_is_off_topic() -> None:
    article = "<p>" + "来自国内外的3万名跑者沿汾河两岸奔跑，赛事沿途设置了31个补给站。" * 5 + "</p>"
    assert page_terms(page(article), ()) == ()


def test_an_on_topic_article_in_a_layout_table_keeps_its_terms() -> None:
    article = (
        "<p>" + "山西援疆干部人才在昌吉推进项目建设，对口支援工作成效明显。" * 12 + "</p>"
        '<p>详见<a href="/x">专题</a>和<a href="/y">图集</a>。</p>'
    )
    assert "援疆" in page_terms(page(article), ())
