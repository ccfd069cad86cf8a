"""Dates, headline, outlet, canonical link and metadata lines (parsed, then removed)."""

from __future__ import annotations

from datetime import date

import pytest

from extract.dates import parse_date, url_date
from extract.metadata import is_meta_line, page_meta, parse_lines
from extract.outlets import outlet_for_host
from extract.segments import parse


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023-04-13 11:10:52 来源:中华网山西", "2023-04-13T11:10:52+08:00"),
        ("发布时间：2023年04月13日 09:05", "2023-04-13T09:05:00+08:00"),
        ("2023年4月13日", "2023-04-13"),
        ("2023/4/13", "2023-04-13"),
        ("2005-5-7 21:23:57", "2005-05-07T21:23:57+08:00"),
    ],
)
def test_date_forms(text: str, iso: str) -> None:
    found = parse_date(text)
    assert found is not None and found.iso == iso


def test_invalid_dates_are_ignored() -> None:
    assert parse_date("2023-13-45 发布") is None
    assert parse_date("电话 0991-8557237") is None


def test_yearless_date_takes_the_reference_year() -> None:
    ref = url_date("http://sx.china.com/news/2023/0413/123.html")
    assert ref == date(2023, 4, 13)
    found = parse_date("4月12日，从山西省援疆前方指挥部传来消息", ref)
    assert found is not None and found.iso == "2023-04-12"
    assert parse_date("4月12日", None) is None
    timed = parse_date("4月12日 09:30 来源：山西日报", ref)
    assert timed is not None and timed.iso == "2023-04-12T09:30:00+08:00"


def test_yearless_december_date_in_january_is_last_year() -> None:
    found = parse_date("12月30日，会议召开", date(2024, 1, 3))
    assert found is not None and found.iso == "2023-12-30"


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("http://auto.sohu.com/20050513/n225551143.shtml", date(2005, 5, 13)),
        ("http://www.news.cn/2005-08/16/content_4894059.htm", date(2005, 8, 16)),
        ("http://cn.news.yahoo.com/050404/346/2al02.html", date(2005, 4, 4)),
        ("http://www.shanxi.gov.cn/art/2023/4/13/art_1.html", date(2023, 4, 13)),
        ("http://www.x.gov.cn/c/t20230413_6.html", date(2023, 4, 13)),
        ("http://example.cn/about.html", None),
    ],
)
def test_url_dates(url: str, day: date | None) -> None:
    assert url_date(url) == day


HEAD = """<html><head><meta charset="utf-8">
<title>山西援疆新答卷：重民生、育产业、活智力_中华网山西</title>{extra}</head>
<body><div class="top">当前位置：首页</div><h1>山西援疆新答卷：重民生、育产业、活智力</h1>
<p>正文第一段，援疆是一项接续奋斗的事业。</p></body></html>"""


def test_headline_is_the_heading_not_the_suffixed_title() -> None:
    meta = page_meta(parse(HEAD.format(extra="")), "http://sx.china.com/a/2023/0413/1.html", {})
    assert meta.title == "山西援疆新答卷：重民生、育产业、活智力"
    assert meta.outlet == "中华网山西"  # known host
    assert meta.page_day == date(2023, 4, 13)


def test_title_suffix_names_the_outlet_of_an_unknown_host() -> None:
    meta = page_meta(parse(HEAD.format(extra="")), "http://www.unknown-site.cn/x.html", {})
    assert meta.outlet == "中华网山西"
    no_heading = "<html><head><title>冀疆情深满天山 - 河北新闻网</title></head><body></body></html>"
    meta = page_meta(parse(no_heading), "file:///tmp/a.html", {})
    assert meta.title == "冀疆情深满天山"
    assert meta.outlet == "河北新闻网"


def test_og_site_name_canonical_and_meta_date() -> None:
    extra = (
        '<meta property="og:site_name" content="中新网">'
        '<link rel="canonical" href="https://www.chinanews.com.cn/gn/2023/09-20/1.shtml">'
        '<meta name="publishdate" content="2023-09-20 19:32:21">'
    )
    meta = page_meta(parse(HEAD.format(extra=extra)), "file:///tmp/a.html", {})
    assert meta.outlet == "中新网"
    assert meta.canonical == "https://www.chinanews.com.cn/gn/2023/09-20/1.shtml"
    assert meta.published == "2023-09-20T19:32:21+08:00"


def test_og_url_is_a_canonical_too() -> None:
    extra = '<meta property="og:url" content="https://www.ts.cn/xwzx/1.shtml">'
    meta = page_meta(parse(HEAD.format(extra=extra)), "file:///tmp/a.html", {})
    assert meta.canonical == "https://www.ts.cn/xwzx/1.shtml"
    assert meta.outlet == "天山网"


def test_outlet_table_matches_longest_suffix() -> None:
    assert outlet_for_host("sx.china.com") == "中华网山西"
    assert outlet_for_host("news.china.com") == "中华网"
    assert outlet_for_host("www.chinanews.com.cn") == "中新网"
    assert outlet_for_host("notchina.com") is None


BODY = "援疆是一项接续奋斗的事业，山西省援疆前方指挥部实施援疆项目184个。"


def test_metadata_lines_are_parsed_and_removed() -> None:
    lines = [
        "2023-04-13 11:10:52 来源:中华网山西",
        "原标题：山西援疆新答卷",
        "本报记者 张三 通讯员 李四",
        BODY,
        "(来源:山西日报)",
        "[编辑:赵孝蕾]",
    ]
    kept, meta = parse_lines(lines, None, outlet="中华网山西")
    assert kept == [BODY]
    assert meta.origin == "山西日报"
    assert meta.original_title == "山西援疆新答卷"
    assert meta.authors == ("张三", "李四")
    assert meta.editor == "赵孝蕾"
    assert meta.published == "2023-04-13T11:10:52+08:00"


def test_traditional_editor_and_reposted_source() -> None:
    kept, meta = parse_lines([BODY, "【編輯:張家偉】", "转载自：天山网"], None)
    assert kept == [BODY]
    assert meta.editor == "張家偉"
    assert meta.origin == "天山网"


def test_responsible_editor_line() -> None:
    kept, meta = parse_lines([BODY, "(责任编辑:王璐璐)"], None)
    assert kept == [BODY] and meta.editor == "王璐璐"


def test_reporter_in_prose_is_read_but_the_paragraph_stays() -> None:
    first = "中国教育报讯（记者 高毅哲）近日，教育部印发通知，要求各地做好工作。"
    kept, meta = parse_lines([first, BODY], None)
    assert kept == [first, BODY]
    assert meta.authors == ("高毅哲",)


def test_a_word_after_jizhe_in_prose_is_not_an_author() -> None:
    line = "强有力的标语和生动图片便扣动记者心弦，援疆干部介绍了情况。"
    assert parse_lines([line], None)[1].authors == ()


def test_prose_is_not_a_metadata_line() -> None:
    assert not is_meta_line(BODY)
    assert not is_meta_line("来源地的群众说：援疆干部真好。")
    assert is_meta_line("2023-04-13 11:10:52")
