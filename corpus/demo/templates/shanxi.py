"""中华网山西 page template (seed 000 chrome: breadcrumb, 来源/责任编辑, 为您推荐, 24小时热点)."""

from __future__ import annotations

from corpus.demo.templates.common import (
    ArticleView,
    Chrome,
    ListView,
    Teaser,
    esc,
    listing_page,
    page,
    paragraphs_html,
    prev_next,
    side_box,
)

_CHROME = Chrome(
    charset="utf-8",
    header=(
        '<div class="top"><span class="logo">山西</span> <em>山西内容 国际表达</em></div>\n'
        '<div class="nav"><a href="/shanxi/">首页</a> <a href="/shanxi/">要闻</a> '
        '<a href="/shanxi/">民生</a> <a href="/shanxi/">文旅</a> '
        '<a href="/shanxi/">经济</a></div>\n'
    ),
    footer=(
        '<div class="footer"><a href="/shanxi/">关于我们</a> | <a href="/admin/">后台管理</a><br>\n'
        "中华网山西频道 版权所有 Copyright © 2023 china.com All Rights Reserved<br>\n"
        "京ICP备12000011号-3 京公网安备11010502000000号</div>\n"
    ),
    pager_labels=("首页", "上一页", "下一页", "尾页"),
)
_CRUMB = '<div class="crumb">当前位置:<a href="/shanxi/">山西频道首页</a> &gt; '


def _recommend(view: ArticleView) -> str:
    blocks = []
    for t in view.related:
        blocks.append(
            f'<div class="rec"><h4><a href="{esc(t.url)}">{esc(t.title)}</a></h4>'
            f'<a href="{esc(t.url)}">{esc(t.title)}</a>\n<p>{esc(t.summary)}</p>\n'
            f"<span>{esc(t.date)}</span></div>"
        )
    return '<div class="recommend"><h3>为您推荐</h3>\n' + "\n".join(blocks) + "</div>\n"


def article(view: ArticleView) -> str:
    keywords = f'<p class="kw">关键词:{esc(view.keywords)}</p>\n' if view.keywords else ""
    byline = f"<p>{esc(view.byline)}</p>\n" if view.byline else ""
    body = (
        _CRUMB
        + '<a href="/shanxi/">要闻</a> &gt; 正文</div>\n'
        + f'<div class="article"><h1>{esc(view.title)}</h1>\n'
        + f'<div class="info">{esc(view.published)} 来源:{esc(view.outlet.name)}</div>\n'
        + '<div class="share">分享到: 微信 微博 QQ空间</div>\n'
        + '<div class="content">\n'
        + byline
        + paragraphs_html(view.paragraphs)
        + f"\n<p>来源:{esc(view.source)}</p>\n"
        + (f"<p>(责任编辑:{esc(view.editor)})</p>\n" if view.editor else "")
        + "</div>\n"
        + keywords
        + prev_next(view)
        + "</div>\n"
        + _recommend(view)
        + side_box("hot", "24小时热点", view.hot)
    )
    return page(_CHROME, f"{view.title}_中华网山西", body, view.url)


def _row(t: Teaser) -> str:
    return (
        f'<li><a href="{esc(t.url)}">{esc(t.title)}</a><p>{esc(t.summary)}</p>'
        f"<span>{esc(t.date)}</span></li>"
    )


def listing(view: ListView) -> str:
    frame = (_CRUMB + '要闻</div>\n<ul class="list">\n', "\n</ul>\n")
    return listing_page(view, _CHROME, "要闻_中华网山西", _row, frame, ("hot", "24小时热点"))
