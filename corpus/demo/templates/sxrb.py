"""山西日报 digital-edition template (seed 001 chrome: 版面, (来源:…), [编辑:…], 本版新闻)."""

from __future__ import annotations

from corpus.demo.templates.common import (
    ArticleView,
    ListView,
    esc,
    head,
    pager,
    paragraphs_html,
    teaser_links,
)

_TOP = (
    '<table class="masthead"><tr><td><a href="/sxrb/">山西日报</a></td>'
    '<td>第02版：要闻</td><td><a href="/sxrb/">上一版</a> <a href="/sxrb/">下一版</a></td>'
    "</tr></table>\n"
)
_FOOTER = (
    '<div class="foot">山西日报社 版权所有 未经书面授权 不得复制或建立镜像<br>'
    '晋ICP备05002566号 地址：太原市双塔西街 <a href="/admin/login.html">采编登录</a></div>\n'
)


def article(view: ArticleView) -> str:
    byline = f'<div class="author">{esc(view.byline)}</div>\n' if view.byline else ""
    return (
        head(view.title, "utf-8", view.url)
        + "<body>\n"
        + _TOP
        + '<table class="main"><tr><td class="left">\n'
        + '<div class="bmnr"><p class="yt">青山一道同云雨，明月何曾是两乡</p>\n'
        + f"<h1>{esc(view.title)}</h1>\n"
        + byline
        + f'<div class="date">{esc(view.published[:10])}</div>\n'
        + '<div id="ozoom">\n'
        + paragraphs_html(view.paragraphs, "\u3000\u3000")
        + f"\n<p>(来源:{esc(view.source)})</p>\n"
        + (f"<p>[编辑:{esc(view.editor)}]</p>\n" if view.editor else "")
        + "</div></div>\n</td>\n"
        + '<td class="right"><h3>本版新闻</h3>\n'
        + teaser_links(view.related)
        + "<h3>往期回顾</h3>\n"
        + teaser_links(view.hot)
        + "</td></tr></table>\n"
        + _FOOTER
        + "</body>\n</html>\n"
    )


def listing(view: ListView) -> str:
    rows = "\n".join(
        f'<tr><td><a href="{esc(t.url)}">{esc(t.title)}</a></td><td>{esc(t.date)}</td></tr>'
        for t in view.entries
    )
    return (
        head("山西日报 要闻版", "utf-8")
        + "<body>\n"
        + _TOP
        + f'<table class="list">\n{rows}\n</table>\n'
        + pager(view.page_urls, view.page, ("首页", "上一页", "下一页", "末页"))
        + "\n"
        + _FOOTER
        + "</body>\n</html>\n"
    )
