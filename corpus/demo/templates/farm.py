"""Content-farm template, served as GBK (seeds 003 and 004: reposts, teaser lines, junk links)."""

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
)

_DISCLAIMER = (
    "本站文章均转载自互联网公开信息，仅供参考！本站不对文章内容的时效性、真实性负责，"
    "如有侵权请联系删除。"
)
_FOOTER_LINKS = (
    "关于我们",
    "加入我们",
    "人力资讯TOP500",
    "网站地图",
    "临时工招聘信息",
    "兼职招聘信息",
)
_CHROME = Chrome(
    charset="gb2312",
    header=(
        '<div class="topbar">客服热线:0755-8882 8155 '
        '<a href="/farm/">登录</a> <a href="/farm/">注册</a></div>\n'
        '<div class="logo"><a href="/farm/">聚才人力资讯网</a></div>\n'
        '<div class="menu"><a href="/farm/">首页</a> <a href="/farm/">人力资讯</a> '
        '<a href="/farm/">劳务派遣</a> <a href="/farm/">临时工招聘</a></div>\n'
    ),
    footer=(
        '<div class="footer">'
        + " ".join(f'<a href="/farm/">{label}</a>' for label in _FOOTER_LINKS)
        + "<br>\n"
        "劳务派遣 深圳劳务派遣公司 劳务派遣公司 深圳临时工派遣公司 深圳临时工派遣中介<br>\n"
        "版权所有 聚才人力资讯网 站长：王喆 粤ICP备17000000号-2 "
        '<a href="/admin/">网站后台</a></div>\n'
    ),
    pager_labels=("首页", "上一页", "下一页", "末页"),
)


def article(view: ArticleView) -> str:
    day = view.published[:10].split("-")
    posted = f"{day[0]}年{day[1]}月{day[2]}日"
    original = f"<p>原标题：{esc(view.original_title)}</p>\n" if view.original_title else ""
    teasers = "\n".join(f'<li><a href="/farm/">{esc(line)}</a></li>' for line in view.teaser_lines)
    junk = "\n".join(
        f'<li>{i}. <a href="/farm/">{esc(line)}</a></li>' for i, line in enumerate(view.filler, 1)
    )
    body = (
        f'<div class="art"><h2>{esc(view.title)}</h2>\n'
        + f'<div class="meta">Admin - admin 于{posted}发表</div>\n'
        + f"<h1>{esc(view.title)}</h1>\n"
        + original
        + paragraphs_html(view.paragraphs, "\u3000\u3000")
        + f"\n<p>来源：{esc(view.source)}</p>\n"
        + f'<p class="notice">{_DISCLAIMER}</p>\n'
        + '</div>\n<div class="tags">标签:\n<ul>\n'
        + teasers
        + '\n</ul></div>\n<div class="links"><ul>\n'
        + junk
        + "\n</ul></div>\n"
    )
    extra = '<meta name="generator" content="DedeCMS">\n'
    return page(_CHROME, f"{view.title}-聚才人力资讯网", body, extra=extra)


def _row(t: Teaser) -> str:
    return (
        f'<dl><dt><a href="{esc(t.url)}">{esc(t.title)}</a></dt><dd>{esc(t.summary)}</dd>'
        f"<dd>{esc(t.date)}</dd></dl>"
    )


def listing(view: ListView) -> str:
    frame = ('<div class="list">\n', "\n</div>\n")
    return listing_page(view, _CHROME, "人力资讯-聚才人力资讯网", _row, frame)
