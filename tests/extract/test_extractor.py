"""extract_page end to end on golden pages of our own: seeds' artefacts, drops, guards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extract import Article, Dropped, Page, extract_page
from tests.extract.conftest import article_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"

PARAS = [
    "援疆是一项接续奋斗的事业。4月12日，从山西省援疆前方指挥部传来消息，第四批援疆干部人才进疆以来，实施援疆项目184个。",
    "教育援疆是一项重要民生工程。据统计，山西安排资金2亿元，实施项目29个，全额投资8000万元建成晋阜小学。",
    "山西先后有44所高职院校与受援地结对共建，通过“传帮带学”，培育了一支带不走的高水平师资队伍。",
    "值得一提的是，山西省人民医院4名援疆医生在兵团第六师医院创建肛肠科，填补多项空白。",
]
SEED_000 = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>山西援疆新答卷：重民生、育产业、活智力_中华网山西</title>
<link rel="canonical" href="https://sx.china.com/news/2023/0413/123.html"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/a">要闻</a> <a href="/b">财经</a></div>
<div class="crumb">当前位置：<a href="/">山西频道首页</a> &gt; <a href="/b">要闻</a> &gt; 正文</div>
<h1>山西援疆新答卷：重民生、育产业、活智力</h1>
<div class="info">2023-04-13 11:10:52 来源：中华网山西</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="article">{"".join(f"<p>{p}</p>" for p in PARAS)}
<p>(来源：山西省人民政府官网)</p><p>(责任编辑：王璐璐)</p><p>关键词：援疆,山西</p></div>
<div class="rec"><h3>为您推荐</h3><p>快看!2024年度山西省工伤预防重点领域确定</p>
<p>为更好保障职工生命安全和健康，促进用人单位做好工伤预防工作，按照实施方案...</p>
<p>2023-04-13 10:16:58</p></div><div>24小时热点</div>
<div class="footer">版权所有 中华网 京ICP备05004340号-1</div></body></html>"""


def test_seed_000_style_portal_page() -> None:
    art = extract_page(Page(url="file:///tmp/000.html", body=SEED_000.encode("gbk")))
    assert isinstance(art, Article)
    assert art.url == "https://sx.china.com/news/2023/0413/123.html"
    assert art.canonical == art.url
    assert art.title == "山西援疆新答卷：重民生、育产业、活智力"
    assert art.encoding == "gb18030" and "gb2312" in art.encoding_reason
    body = art.text.split("\n")
    for para in PARAS:
        assert para in body
    for junk in ("分享到", "当前位置", "为您推荐", "工伤预防", "24小时热点", "版权所有", "关键词"):
        assert junk not in art.text, junk
    assert "来源" not in art.text
    assert art.published == "2023-04-13T11:10:52+08:00"
    assert art.outlet == "中华网山西"
    assert art.origin == "山西省人民政府官网"
    assert art.editor == "王璐璐"
    assert art.provinces == ("山西",)
    assert "兵团第六师" in art.recipients
    assert art.topic_score > 0.5 and art.topic_terms[0] == "援疆"
    assert art.damage == 0.0


SEED_002 = (FIXTURES / "seed002_big5.html").read_text("utf-8")  # encoded to Big5 below


def test_seed_002_style_traditional_big5_page_with_glosses() -> None:
    art = extract_page(
        Page(
            url="https://www.chinanews.com.cn/dwq/2023/09-20/1.shtml",
            body=SEED_002.encode("big5hkscs"),
        )
    )
    assert isinstance(art, Article)
    assert art.encoding == "big5hkscs"
    assert "(w" not in art.text and "(x" not in art.text and "(zh" not in art.text
    assert "山東援疆聚焦重點任務，堅持守正創新" in art.text  # script and punctuation kept
    assert "Copyright" not in art.text and "不代表" not in art.text
    assert art.editor == "張家偉"
    assert art.provinces == ("山东",)
    assert art.recipients[0] == "喀什"
    assert art.outlet == "中新网"
    assert art.url.startswith("https://www.chinanews.com.cn/")  # not a file: URL, kept


def test_mojibake_is_scored() -> None:
    para = "借鑒鄉村振興齊魯樣板經驗?zāi)J剑?021年以來，山東省先後兩次選派87名鄉鎮援疆幹部。"
    html = article_html(f"<p>{para}</p><p>{PARAS[0]}</p>")
    art = extract_page(Page(url="file:///tmp/x.html", body=html.encode("utf-8")))
    assert isinstance(art, Article)
    assert art.damage > 0.0


def test_content_farm_link_list_and_disclaimer_are_removed() -> None:
    links = "".join(f"<li>{i}. 某地召开第{i}次工作会议</li>" for i in range(1, 40))
    html = article_html(
        "".join(f"<p>{p}</p>" for p in PARAS)
        + "<p>本文章内容来源于网络公开内容，仅供参考！不对文章内容时效、真实性负责。</p>"
        + f"<ul>{links}</ul>"
    )
    art = extract_page(Page(url="http://farm.example.cn/news/1.html", body=html.encode("utf-8")))
    assert isinstance(art, Article)
    assert art.text.split("\n") == PARAS


def test_url_is_kept_when_no_canonical() -> None:
    html = article_html("".join(f"<p>{p}</p>" for p in PARAS))
    page = Page(
        url="file:///tmp/x.html",
        body=html.encode(),
        fetched="2024-01-01T00:00:00Z",
        site="demo-shanxi",
    )
    art = extract_page(page)
    assert isinstance(art, Article)
    assert art.url == "file:///tmp/x.html" and art.canonical is None
    assert art.fetched == "2024-01-01T00:00:00Z" and art.site == "demo-shanxi"


def test_profile_topic_terms_count() -> None:
    html = article_html("<p>晋疆两地携手，共同举办文化交流活动，群众积极参与，气氛热烈。</p>" * 3)
    art = extract_page(Page(url="file:///x.html", body=html.encode(), topic_terms=("晋疆",)))
    assert isinstance(art, Article)
    assert "晋疆" in art.topic_terms


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (Page(url="u", body=b""), "empty"),
        (Page(url="u", body=b"   \n "), "empty"),
        (Page(url="u", body=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
        (
            Page(url="u", body=b"<html></html>", headers=(("content-type", "image/png"),)),
            "not-html",
        ),
        (Page(url="u", body=b"<html><body><div></div></body></html>"), "empty"),
        (Page(url="u", body=b"just some words, no markup at all"), "not-html"),
    ],
)
def test_dropped_reasons(page: Page, reason: str) -> None:
    got = extract_page(page)
    assert isinstance(got, Dropped) and got.reason == reason


def test_too_large_is_dropped_before_parsing() -> None:
    body = b"<html><body>" + b"<p>x</p>" * (9 * 1024 * 1024 // 8) + b"</body></html>"
    got = extract_page(Page(url="u", body=body))
    assert isinstance(got, Dropped) and got.reason == "too-large"


def test_time_guard_drops_with_timeout() -> None:
    html = article_html("".join(f"<p>{p}</p>" for p in PARAS))
    got = extract_page(Page(url="u", body=html.encode()), time_budget=0.0)
    assert isinstance(got, Dropped) and got.reason == "timeout"


@pytest.mark.parametrize(
    "body",
    [
        os.urandom(5000),
        b"<html><body>" + b"<div>" * 5000 + "深".encode() * 100,
        b"<table>" + b"<tr><td>\xb0\xa1</td></tr>" * 3000,
        b"<?xml version='1.0' encoding='gb2312'?><html><body><p>\xc4\xe3\xba\xc3</p></body></html>",
        b"<html><body><p>\xff\xfe\xfd broken \x81</p></body>",
        "<p>援疆</p>".encode("utf-16"),
    ],
)
def test_bad_input_never_raises(body: bytes) -> None:
    got = extract_page(Page(url="u", body=body))
    assert isinstance(got, (Article, Dropped))


def test_slow_page_is_stopped_and_the_alarm_is_cleaned_up() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    rows = "".join(
        f"<tr><td><a href='/{i}'>第{i}条新闻标题</a></td><td>{PARAS[i % 4]}</td></tr>"
        for i in range(8000)
    )
    html = article_html(f"<table>{rows}</table>")
    got = extract_page(Page(url="u", body=html.encode()), time_budget=0.05)
    assert isinstance(got, Dropped) and got.reason == "timeout"
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    assert signal.getsignal(signal.SIGALRM) is before


def test_published_falls_back_to_the_url_date() -> None:
    html = article_html("".join(f"<p>{p}</p>" for p in PARAS))
    art = extract_page(Page(url="http://www.sxrb.com/sxxww/2023/0413/1.html", body=html.encode()))
    assert isinstance(art, Article)
    assert art.published == "2023-04-13"
    assert art.outlet == "山西新闻网"


def test_yearless_byline_date_is_resolved_from_the_url() -> None:
    body = "<div class='info'>4月12日 09:30 来源：山西日报</div>" + "".join(
        f"<p>{p}</p>" for p in PARAS
    )
    html = article_html(body)
    art = extract_page(Page(url="http://www.sxrb.com/sxxww/2023/0413/1.html", body=html.encode()))
    assert isinstance(art, Article)
    assert art.published == "2023-04-12T09:30:00+08:00"
    assert art.origin == "山西日报"
    assert "来源" not in art.text
