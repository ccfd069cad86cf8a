"""中新網 Traditional-script template (seed 002 chrome: 分享到, 【編輯:】, licence footer).

Served as Big5; chrome is written here in Traditional, the article text arrives converted.
"""

from __future__ import annotations

from corpus.demo.templates.common import (
    ArticleView,
    ListView,
    article_pager,
    esc,
    head,
    pager,
    paragraphs_html,
    teaser_links,
)

_TOP = (
    '<div id="top"><a href="/chinanews/">中新網(wǎng)</a> | <a href="/chinanews/">新聞</a> '
    '<a href="/chinanews/">財經</a> <a href="/chinanews/">大美新疆</a></div>\n'
)
_FOOTER = (
    '<div id="bottom"><p>《中國新聞》·大美新疆</p>\n'
    "<p>本網(wǎng)站所載內容僅代表作者觀點。轉載本網(wǎng)站稿件，須經書面同意。</p>\n"
    "<p>未經許可不得轉載、摘編或建立鏡像，違者依法追究責任。</p>\n"
    "<p>[京ICP證040655號] [京ICP備05004340號-1] 總機：86-10-87826688 "
    '<a href="/admin/">管理</a></p>\n'
    "<p>Copyright &copy;1999-2023 chinanews.com. All Rights Reserved</p></div>\n"
)


def article(view: ArticleView) -> str:
    nav = []
    if view.previous:
        nav.append(f'上一篇：<a href="{esc(view.previous.url)}">{esc(view.previous.title)}</a>')
    if view.following:
        nav.append(f'下一篇：<a href="{esc(view.following.url)}">{esc(view.following.title)}</a>')
    return (
        head(f"{view.title}-中新網(wǎng)", "big5", view.url)
        + "<body>\n"
        + _TOP
        + '<div class="share">分享到：</div>\n'
        + f'<div class="content"><h1>{esc(view.title)}</h1>\n'
        + '<div class="share">分享到：</div>\n'
        + f'<div class="left-t">{esc(view.published)} 來源：{esc(view.source)}</div>\n'
        + '<div class="left_zw">\n'
        + paragraphs_html(view.paragraphs, "\u3000\u3000")
        + "\n</div>\n"
        + article_pager(view, "上一頁", "下一頁")
        + (f'<div class="adEditor">【編輯:{esc(view.editor)}】</div>\n' if view.editor else "")
        + '<div class="prevnext">'
        + "<br>".join(nav)
        + "</div></div>\n"
        + '<div class="related"><h3>相關新聞</h3>\n'
        + teaser_links(view.related, with_date=True)
        + '</div>\n<div class="rank"><h3>熱門排行</h3>\n'
        + teaser_links(view.hot)
        + "</div>\n"
        + _FOOTER
        + "</body>\n</html>\n"
    )


def listing(view: ListView) -> str:
    rows = "\n".join(
        f'<li><span class="dd">{esc(t.date)}</span> <a href="{esc(t.url)}">{esc(t.title)}</a></li>'
        for t in view.entries
    )
    return (
        head("滾動新聞-中新網(wǎng)", "big5")
        + "<body>\n"
        + _TOP
        + f'<div class="content_list"><h2>滾動新聞</h2>\n<ul>\n{rows}\n</ul></div>\n'
        + pager(view.page_urls, view.page, ("首頁", "上一頁", "下一頁", "尾頁"))
        + "\n"
        + _FOOTER
        + "</body>\n</html>\n"
    )
