"""河北新闻网 / 河北日报 template (【纠错】, 责任编辑, 相关阅读, split pages with 下一页)."""

from __future__ import annotations

from corpus.demo.templates.common import (
    ArticleView,
    Chrome,
    ListView,
    Teaser,
    article_pager,
    esc,
    listing_page,
    page,
    paragraphs_html,
    side_box,
)

_CHROME = Chrome(
    charset="utf-8",
    header=(
        '<div class="header"><a href="/hebei/">河北新闻网</a> | <a href="/hebei/">河北日报</a>'
        ' <form action="/hebei/search"><input name="q"></form></div>\n'
        '<div class="nav"><a href="/hebei/">要闻</a> <a href="/hebei/">时政</a> '
        '<a href="/hebei/">援疆</a> <a href="/hebei/">体育</a></div>\n'
    ),
    footer=(
        '<div class="footer">河北日报报业集团 版权所有 冀ICP备09022367号 '
        "互联网新闻信息服务许可证13120170001<br>违法和不良信息举报电话：0311-67562017 "
        '<a href="/admin/">内网入口</a></div>\n'
    ),
    pager_labels=("首页", "上一页", "下一页", "尾页"),
)


def article(view: ArticleView) -> str:
    author = f" 作者：{esc(view.byline)}" if view.byline else ""
    body = (
        '<div class="position">您当前的位置：<a href="/hebei/">河北新闻网</a> &gt; '
        + '<a href="/hebei/">河北日报</a> &gt; 正文</div>\n'
        + f'<div class="g_width"><h1>{esc(view.title)}</h1>\n'
        + f'<div class="post_source">{esc(view.published)} 来源：{esc(view.source)}{author}</div>\n'
        + '<div class="tools">【纠错】【打印】【关闭】 扫一扫 分享到手机</div>\n'
        + '<div class="text">\n'
        + paragraphs_html(view.paragraphs, "\u3000\u3000")
        + "\n</div>\n"
        + article_pager(view, "上一页", "下一页")
        + (f'\n<div class="editor">责任编辑：{esc(view.editor)}</div>\n' if view.editor else "\n")
        + "</div>\n"
        + side_box("xgyd", "相关阅读", view.related, with_date=True)
        + side_box("side", "24小时热点", view.hot)
    )
    return page(_CHROME, f"{view.title} - 河北新闻网", body, view.url)


def _row(t: Teaser) -> str:
    return f'<li><a href="{esc(t.url)}">{esc(t.title)}</a> <span>{esc(t.date)}</span></li>'


def listing(view: ListView) -> str:
    frame = ('<div class="list"><ul>\n', "\n</ul></div>\n")
    return listing_page(view, _CHROME, "河北日报 - 河北新闻网", _row, frame, ("side", "24小时热点"))
