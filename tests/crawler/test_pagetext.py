"""Page reading helpers: next part of multi-page articles, feeds, sitemaps, JSON search,
topic terms."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.http import Headers, HtmlResponse

from crawler.spiders.pagetext import (
    fast_match_terms,
    feed_entries,
    json_strings,
    link_terms,
    links,
    next_part,
    page_terms,
    page_tree,
    sitemap_entries,
)
from crawler.urlshape import headline_blocks
from extract.topic import match_terms

BASE = "http://www.example.cn/news/2024/0413/"


def sel(anchors: str) -> Selector:
    return Selector(text=f"<html><body><p>正文</p>{anchors}</body></html>")


def test_next_part_by_label_and_by_number() -> None:
    first = BASE + "c1.html"
    s = sel('<a href="c1_2.html">下一页</a><a href="/other.html">下一篇</a>')
    assert next_part(s, first, first, 1, ()) == BASE + "c1_2.html"
    s = sel('<a href="c1.html">1</a><a href="c1_2.html">2</a><a href="c1_3.html">3</a>')
    assert next_part(s, BASE + "c1_2.html", first, 2, (first,)) == BASE + "c1_3.html"
    s = sel('<a href="index.html">1</a><a href="index_1.html">第2页</a>')
    assert next_part(s, BASE + "index.html", BASE + "index.html", 1, ()) == BASE + "index_1.html"
    assert next_part(sel('<a href="/news/">下一篇</a>'), first, first, 1, ()) is None
    last = sel('<a href="c1.html">1</a><a href="c1_2.html">2</a>')
    assert next_part(last, BASE + "c1_2.html", first, 2, (first,)) is None


def test_article_ids_after_an_underscore_are_not_part_numbers() -> None:
    """Real shapes whose article id follows an underscore: links to other articles of that
    shape were taken for page 2 (a related article stitched on, or a 404 part that left the
    article incomplete and refetched every run)."""
    paper = "https://www.thepaper.cn/newsDetail_forward_4629448"
    related = sel(
        '<a href="/newsDetail_forward_4207501">2</a><a href="/newsDetail_forward_4510098">x</a>'
    )
    assert next_part(related, paper, paper, 1, ()) is None
    xinhua = "http://www.xinhuanet.com/politics/2020-02/17/c_1125585113.htm"
    side = '<a href="c_1125585200.htm">相关新闻</a><a href="c_1125580001.htm">3</a>'
    assert next_part(sel(side), xinhua, xinhua, 1, ()) is None
    pager = sel(side + '<a href="c_1125585113_2.htm">2</a><a href="c_1125585113_3.htm">3</a>')
    assert next_part(pager, xinhua, xinhua, 1, ()) == xinhua.replace(".htm", "_2.htm")
    page2 = xinhua.replace(".htm", "_2.htm")
    assert next_part(pager, page2, xinhua, 2, (xinhua,)) == xinhua.replace(".htm", "_3.htm")


def test_a_list_of_cards_is_one_headline_block() -> None:
    """Each headline in a div of its own (div.news-item x N): the list is the block, so its
    links get the headline-block evidence (an out-of-date pattern found 50 of 62 articles
    of a portal of such lists, 55 with it)."""
    cards = "".join(
        f"<div class='news-item'><h3><a href='/c/7WrNTWHwe3{i}'>第{i}条新闻的标题在这里</a></h3>"
        f"<span class='time'>2024-05-0{i}</span></div>"
        for i in range(1, 6)
    )
    page = Selector(
        text=f"<html><body><div class='nav'><a href='/'>首页</a><a href='/a/'>关于</a></div>"
        f"<div class='news-list'>{cards}</div></body></html>"
    )
    found = list(links(page, BASE))
    cards_blocks = {x.block for x in found if "/c/" in x.url}
    assert len(cards_blocks) == 1 and found[0].block not in cards_blocks
    assert headline_blocks([(x.block, x.text) for x in found]) == cards_blocks


def test_links_resolve_and_skip_scripts() -> None:
    s = sel('<a href="c2.html#top"> 援疆 <b>新闻</b></a><a href="javascript:void(0)">x</a>')
    [link] = list(links(s, BASE + "index.html"))
    assert link.url == BASE + "c2.html" and link.text == "援疆 新闻"
    assert "援疆" in link_terms(link, ())


def test_feeds_rss_and_atom() -> None:
    rss = b"""<?xml version="1.0"?><rss><channel><item><title>\xe6\x8f\xb4\xe7\x96\x86</title>
    <link>http://e.cn/a.html</link></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title>
    <link href="http://e.cn/b.html"/></entry></feed>"""
    assert [(e.url, e.text) for e in feed_entries(rss)] == [("http://e.cn/a.html", "援疆")]
    assert [e.url for e in feed_entries(atom)] == ["http://e.cn/b.html"]
    assert list(feed_entries(b"not xml at all")) == []


def test_sitemaps_index_and_news() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>http://e.cn/s1.xml</loc></sitemap></sitemapindex>"""
    news = """<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>
      <loc>http://e.cn/a.html</loc><news:news><news:title>对口支援新篇章</news:title>
      </news:news></url></urlset>""".encode()
    assert sitemap_entries(index) == ("sitemapindex", [feed_link("http://e.cn/s1.xml", "")])
    kind, entries = sitemap_entries(news)
    assert kind == "urlset" and entries[0].url == "http://e.cn/a.html"
    assert "对口支援" in entries[0].text


def feed_link(url: str, text: str) -> object:
    from crawler.spiders.pagetext import Link

    return Link(url, text)


def test_json_strings_walks_everything() -> None:
    body = b'{"data": {"list": [{"url": "/a/1.html", "n": 3}, ["x", {"u": "/a/2.html"}]]}}'
    assert {"/a/1.html", "/a/2.html", "x"} <= set(json_strings(body))
    assert list(json_strings(b"<html>")) == []


@pytest.mark.parametrize(
    "text",
    [
        "山西援疆工作队在昌吉开展对口支援，援疆干部人才积极投身受援地建设。",
        "中新網(wǎng)烏魯木齊電 對口援疆 晉疆 兵團",  # Traditional script with pinyin glosses
        "本市今日举行春季运动会。",
        "",
    ],
)
def test_fast_terms_match_extract_topic(text: str) -> None:
    extra = ("晋疆", "", "援疆")  # empty and repeated terms are ignored by both
    assert fast_match_terms(text, extra) == match_terms(text, extra)


def test_page_tree_decodes_by_evidence_and_reads_terms() -> None:
    html = "<html><head><meta charset='gbk'><title>援疆</title><script>var 对口支援;</script>"
    html += "</head><body><p>晋疆 合作</p><a href='/a_2.html'>下一页</a></body></html>"
    headers = Headers({"Content-Type": "text/html; charset=utf-8"})  # the header lies
    response = HtmlResponse("http://e.cn/a.html", body=html.encode("gbk"), headers=headers)
    tree = page_tree(response)
    assert next_part(tree, response.url, response.url, 1, ()) == "http://e.cn/a_2.html"
    assert page_terms(tree, ("晋疆",)) == ("援疆", "晋疆")  # script text is not page text
