"""山西日报 digital-edition template (seed 001 chrome: 版面, (来源:…), [编辑:…], 本版新闻)."""

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
    teaser_links,
)

_CHROME = Chrome(
    charset="utf-8",
    header=(
        '<table class="masthead"><tr><td><a href="/sxrb/">山西日报</a></td>'
        '<td>第02版：要闻</td><td><a href="/sxrb/">上一版</a> <a href="/sxrb/">下一版</a></td>'
        "</tr></table>\n"
    ),
    footer=(
        '<div class="foot">山西日报社 版权所有 未经书面授权 不得复制或建立镜像<br>'
        '晋ICP备05002566号 地址：太原市双塔西街 <a href="/admin/login.html">采编登录</a></div>\n'
    ),
    pager_labels=("首页", "上一页", "下一页", "末页"),
)


def article(view: ArticleView) -> str:
    byline = f'<div class="author">{esc(view.byline)}</div>\n' if view.byline else ""
    body = (
        '<table class="main"><tr><td class="left">\n'
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
    )
    return page(_CHROME, view.title, body, view.url)


def _row(t: Teaser) -> str:
    return f'<tr><td><a href="{esc(t.url)}">{esc(t.title)}</a></td><td>{esc(t.date)}</td></tr>'


def listing(view: ListView) -> str:
    frame = ('<table class="list">\n', "\n</table>\n")
    return listing_page(view, _CHROME, "山西日报 要闻版", _row, frame)
