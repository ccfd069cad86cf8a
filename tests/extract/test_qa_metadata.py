"""Golden pages for the metadata defects QA found (issue 3): 原标题 teasers, labelled dates,
bylines left in the body, private-use characters, font-size and WeChat widget lines."""

from __future__ import annotations

import pytest

from extract import Article, Page, extract_page
from extract.boilerplate import junk_rule
from extract.dates import labelled_date
from extract.metadata import is_meta_line, parse_lines
from extract.normalise import clean_text
from tests.extract.conftest import article_html

PARAS = [
    "2019年12月，河北省第九批援疆干部人才骨干入疆，开启新一轮对口援疆工作。三年多来，河北省在疆干部人才累计达到1979人。",
    "聚焦新疆巴州、兵团二师发展定位，在国家级库尔勒经济技术开发区整片建设河北（巴州）科技产业园，先后吸引191个援疆项目落地。",
    "2020年以来，河北省先后选派200多名医生组成11个“组团式”医疗援疆团队，累计提供诊疗服务8.7万余人次。",
    "河北省将受援地干部人才培训纳入全省各级培训计划，三年多来共投入援疆资金4819万元，实施培训培养项目99个。",
]


def _extract(body: str, url: str = "file:///t/a.html", title: str = "冀疆情深满天山") -> Article:
    html = article_html(body, title=title)
    art = extract_page(Page(url=url, body=html.encode("utf-8")))
    assert isinstance(art, Article)
    return art


def _paras(extra_after: str = "", extra_before: str = "") -> str:
    return extra_before + "".join(f"<p>{p}</p>" for p in PARAS) + extra_after


# -- 2. 原标题 from the header or attached to the article, never from teasers after it --------

SEED_004_TAIL = (
    "<p>（河北日报记者刘冰洋 通讯员王新文）</p><p>标签:</p>"
    "<p>冀疆情深满天山——河北省第九批对口援疆工作综述山川一脉同风雨,...</p>"
    "<p>1、早期的电脑还没有硬盘和光驱,只有软驱。2、软驱又分为5 25英寸...</p>"
    "<p>原标题:一季度干了啥|屯昌推动多个重点项目落地深化政务服务改革优...</p>"
    "<p>挖贝网4月20日,武汉深蓝(430709)近日发布2022年年度报告,报告期...</p>"
    "<p>CPA注册会计师考试是最具权威性的会计考试之一,成为注册会计师需要...</p>"
)


def test_seed_004_teaser_original_title_is_not_taken() -> None:
    art = _extract(_paras(SEED_004_TAIL))
    assert art.original_title is None
    assert "屯昌" not in art.text and "软驱" not in art.text
    assert PARAS[-1] in art.text


def test_original_title_in_the_header_is_still_taken() -> None:
    art = _extract(
        _paras(SEED_004_TAIL, "<p>原标题：冀疆情深满天山——河北省第九批对口援疆工作综述</p>")
    )
    assert art.original_title == "冀疆情深满天山——河北省第九批对口援疆工作综述"
    assert "原标题" not in art.text


def test_original_title_attached_to_the_article_end_is_taken() -> None:
    art = _extract(_paras("<p>（原标题：河北援疆三年答卷）</p><p>责任编辑：王璐璐</p>"))
    assert art.original_title == "河北援疆三年答卷"
    assert art.editor == "王璐璐"


def test_teaser_or_forum_reference_is_not_an_original_title() -> None:
    for line in (
        "原标题:一季度干了啥|屯昌推动多个重点项目落地深化政务服务改革优...",
        "原标题：援疆医生的一天…",
        "原标题:【许宜铭先生演讲精选1】是大卫在2005年8月12日16:10:13发表",
    ):
        assert parse_lines([line, PARAS[0]], None)[1].original_title is None, line


# -- 3. dates with a publishing label: 于…发表, 发布时间 YYYY/MM/DD hh:mm:ss ---------------------


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Admin - admin 于2023年05月03日发表", "2023-05-03"),
        (
            "〓 网易娱乐 周黎明留言板 发布时间 2005/05/17 22:11:42 by 眉间尺 〓",
            "2005-05-17T22:11:42+08:00",
        ),
        (
            "本贴由大卫于2005年8月12日16:12:21在〖心灵体操（在线心理咨询）〗发表.",
            "2005-08-12T16:12:21+08:00",
        ),
        ("发表于 2021-3-5 10:08", "2021-03-05T10:08:00+08:00"),
    ],
)
def test_labelled_dates(line: str, iso: str) -> None:
    found = labelled_date(line)
    assert found is not None and found.iso == iso
    assert is_meta_line(line)


def test_unlabelled_dates_are_not_labelled() -> None:
    assert labelled_date("2023年4月13日") is None
    assert labelled_date("会议于2023年4月13日在北京召开") is None
    assert not is_meta_line("活动时间：2023年5月1日至5月3日")


def test_seed_003_byline_date_above_the_article() -> None:
    art = _extract(_paras(extra_before="<p>Admin - admin 于2023年05月03日发表</p>"))
    assert art.published == "2023-05-03"
    assert "Admin" not in art.text


def test_forum_post_date_is_its_first_footer_not_a_reply() -> None:
    post = "".join(f"<p>{p}</p>" for p in PARAS[:3])
    replies = (
        "<p>〓 网易娱乐 周黎明留言板 发布时间 2005/05/17 22:11:42 by 眉间尺 〓</p>"
        f"<p>{PARAS[3]}</p>"
        "<p>〓 网易娱乐 周黎明留言板 发布时间 2005/07/19 23:32:41 by alex 〓</p>"
    )
    art = _extract(post + replies, url="http://bbs6.netease.com/ent/readboardthread.php?postid=1")
    assert art.published == "2005-05-17T22:11:42+08:00"
    assert "发布时间" not in art.text
    assert PARAS[3] in art.text


def test_forum_reply_footer_and_follow_up_reference() -> None:
    tail = (
        "<p>本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表.</p>"
        "<p>原标题:【许宜铭先生演讲精选1】是大卫在2005年8月12日16:10:13发表</p>"
    )
    art = _extract(_paras(tail))
    assert art.published == "2005-08-12T16:12:21+08:00"
    assert art.original_title is None


# -- 4. metadata lines and junk left in the body ------------------------------------------------


def test_sohu_2004_byline_is_parsed_and_removed() -> None:
    byline = "<p>BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ]\ue5c2 来源：[ 国际金融报 ]\ue5c2</p>"
    art = _extract(_paras(extra_before=byline), url="http://business.sohu.com/20040716/n1.shtml")
    assert art.origin == "国际金融报"
    assert art.authors == ("黄宇",)
    assert art.published == "2004-07-16T08:19:00+08:00"
    assert "SOHU" not in art.text and "来源" not in art.text


def test_private_use_characters_are_dropped_from_the_stored_text() -> None:
    assert clean_text("援疆\ue5c2项目\uf8ff") == "援疆项目"
    art = _extract(_paras().replace("三年多来", "\ue5c2三年多来"))
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in art.text)
    assert "三年多来" in art.text
    assert art.damage > 0  # the decoding artefact still counts against this copy


def test_xinxi_laiyuan_is_an_origin_line() -> None:
    art = _extract(_paras("<p>信息来源： 内蒙古日报</p>"))
    assert art.origin == "内蒙古日报"
    assert "信息来源" not in art.text


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("字号", "fontsize"),
        ("小字号", "fontsize"),
        ("大字号", "fontsize"),
        ("字号：大 中 小", "fontsize"),
        ("看都看完了，点【在看】试试\ufffd\ufffd在看", "widget"),
        ("在看", "widget"),
    ],
)
def test_font_size_and_wechat_widget_lines(line: str, rule: str) -> None:
    assert junk_rule(line) == rule


def test_prose_mentioning_font_size_or_zaikan_stays() -> None:
    for line in (
        "字号越大越清楚，老人看报更方便了。",
        "他在看守所工作了十年。",
        "正在看书的学生们",
    ):
        assert junk_rule(line) is None, line
