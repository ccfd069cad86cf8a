"""中新網 Traditional-script template (seed 002 chrome: 分享到, 【編輯:】, licence footer).

Served as Big5; chrome is written here in Traditional, the article text arrives converted.
"""

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
    prev_next,
    side_box,
)

_CHROME = Chrome(
    charset="big5",
    header=(
        '<div id="top"><a href="/chinanews/">中新網(wǎng)</a> | <a href="/chinanews/">新聞</a> '
        '<a href="/chinanews/">財經</a> <a href="/chinanews/">大美新疆</a></div>\n'
    ),
    footer=(
        '<div id="bottom"><p>《中國新聞》·大美新疆</p>\n'
        "<p>本網(wǎng)站所載內容僅代表作者觀點。轉載本網(wǎng)站稿件，須經書面同意。</p>\n"
        "<p>未經許可不得轉載、摘編或建立鏡像，違者依法追究責任。</p>\n"
        "<p>[京ICP證040655號] [京ICP備05004340號-1] 總機：86-10-87826688 "
        '<a href="/admin/">管理</a></p>\n'
        "<p>Copyright &copy;1999-2023 chinanews.com. All Rights Reserved</p></div>\n"
    ),
    pager_labels=("首頁", "上一頁", "下一頁", "尾頁"),
)


def article(view: ArticleView) -> str:
    body = (
        '<div class="share">分享到：</div>\n'
        + f'<div class="content"><h1>{esc(view.title)}</h1>\n'
        + '<div class="share">分享到：</div>\n'
        + f'<div class="left-t">{esc(view.published)} 來源：{esc(view.source)}</div>\n'
        + '<div class="left_zw">\n'
        + paragraphs_html(view.paragraphs, "\u3000\u3000")
        + "\n</div>\n"
        + article_pager(view, "上一頁", "下一頁")
        + (f'<div class="adEditor">【編輯:{esc(view.editor)}】</div>\n' if view.editor else "")
        + prev_next(view)
        + "</div>\n"
        + side_box("related", "相關新聞", view.related, with_date=True)
        + side_box("rank", "熱門排行", view.hot)
    )
    return page(_CHROME, f"{view.title}-中新網(wǎng)", body, view.url)


def _row(t: Teaser) -> str:
    date = f'<span class="dd">{esc(t.date)}</span>'
    return f'<li>{date} <a href="{esc(t.url)}">{esc(t.title)}</a></li>'


def listing(view: ListView) -> str:
    frame = ('<div class="content_list"><h2>滾動新聞</h2>\n<ul>\n', "\n</ul></div>\n")
    return listing_page(view, _CHROME, "滾動新聞-中新網(wǎng)", _row, frame)
