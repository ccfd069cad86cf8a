"""Junk lexicon and line/block rules, one golden case per pattern."""

from __future__ import annotations

import pytest

from extract.boilerplate import filter_lines, junk_rule, leaked

PROSE = [
    "援疆是一项接续奋斗的事业。从山西省援疆前方指挥部传来消息，实施援疆项目184个。",
    "教育援疆是一项重要民生工程。据统计，山西安排资金2亿元，实施项目29个。",
    "山西先后有44所高职院校与受援地结对共建，培育了一支带不走的高水平师资队伍。",
]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("分享到:", "share"),
        ("分享到：微信 微博 QQ空间", "share"),
        ("扫一扫，手机看新闻", "share"),
        ("【纠错】", "correct"),
        ("【打印】", "correct"),
        ("字号：大 中 小", "fontsize"),
        ("上一篇：山西召开援疆工作会议", "prevnext"),
        ("下一篇:晋疆两地签约", "prevnext"),
        ("相关阅读", "tail"),
        ("为您推荐", "tail"),
        ("24小时热点", "tail"),
        ("版权所有 © 2023 中华网", "copyright"),
        ("Copyright ©1999-2023 chinanews.com. All Rights Reserved", "copyright"),
        ("京ICP备05004340号-1", "icp"),
        ("[網上傳播視聽節目許可證(0106168)] [京ICP證040655號] [京公網安備 1101020号]", "icp"),
        ("关键词：援疆 山西", "keywords"),
        ("责任编辑：王璐璐", "editor"),
        ("当前位置：山西频道首页 > 要闻 > 正文", "breadcrumb"),
        ("首页 > 新闻中心 > 正文", "breadcrumb"),
        ("本文章内容来源于网络公开内容，仅供参考！", "disclaimer"),
        ("本網站所刊載信息，不代表中新社和中新網觀點。", "disclaimer"),
        ("未經授權禁止轉載、摘編、復制及建立鏡像", "disclaimer"),
        ("客服热线:0755-8882 8155", "contact"),
        ("国内统一刊号：CN54—0002", "footer"),
        ("|", "symbols"),
        ("劳务派遣 深圳劳务派遣公司 劳务派遣公司 深圳临时工派遣公司 深圳临时工派遣中介", "seo"),
        ("点赞 (5)", "widget"),
        ("评论 收藏 举报", "widget"),
        ("8条评论", "widget"),
    ],
)
def test_each_junk_pattern(line: str, rule: str) -> None:
    assert junk_rule(line) == rule


SHARING = "分享经济在援疆工作中发挥了重要作用，带动就业两千人。"
FIXING = "建立纠错机制，打印机和收藏品都不是废话。"
RIGHTS = "他在发布会上说，这部作品的版权所有者已经同意授权，电影将于明年上映，收入用于援疆教育。"


@pytest.mark.parametrize("line", [*PROSE, SHARING, FIXING, RIGHTS, "第二节"])
def test_prose_is_not_junk(line: str) -> None:
    assert junk_rule(line) is None


def test_tail_section_is_cut_with_its_teasers() -> None:
    lines = [*PROSE, "为您推荐", "快看!2024年度山西省工伤预防重点领域确定", "2023-04-13 10:16:58"]
    assert filter_lines(lines) == PROSE


def test_tail_heading_at_the_top_is_a_menu_not_the_end() -> None:
    lines = ["相关新闻", *PROSE]
    assert filter_lines(lines) == PROSE


def test_numbered_link_list_is_removed() -> None:
    junk = [f"{i}. 某地召开第{i}次工作会议" for i in range(76, 101)]
    assert filter_lines([*PROSE, *junk]) == PROSE


def test_short_numbered_steps_in_prose_survive() -> None:
    steps = ["1、热爱祖国，遵纪守法。", "2、身体健康。", "3、具有本科学历。"]
    assert filter_lines([*PROSE, *steps]) == [*PROSE, *steps]


def test_content_farm_teasers_ending_in_ellipsis_are_removed() -> None:
    teasers = [
        "1、早期的电脑还没有硬盘和光驱，只有软驱。2、软驱又分为5 25英寸...",
        "挖贝网4月20日，武汉深蓝近日发布2022年年度报告，报告期...",
        "北京时间4月20日消息，CBA季后赛1/4决赛，辽宁队在客场击败...",
    ]
    assert filter_lines([*PROSE, *teasers]) == PROSE


def test_a_single_ellipsis_in_prose_survives() -> None:
    line = "推动中医“治未病”等先进理念在受援医院落地生根……"
    assert filter_lines([*PROSE, line]) == [*PROSE, line]


def test_leaked_reports_lexicon_lines_missing_from_reference() -> None:
    text = "\n".join([*PROSE, "责任编辑：王璐璐", "分享到："])
    assert leaked(text, reference="\n".join(PROSE)) == ("editor", "share")
    assert leaked(text, reference=text) == ()
