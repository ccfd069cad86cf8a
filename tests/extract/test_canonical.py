"""Which URL an Article carries (issue 3): canonical links resolved or refused, and the
CleanEval header's id URL for saved pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import Article, Page, extract_page
from extract.canonical import resolve_link
from tests.extract.conftest import article_html

BODY = (
    "<p>援疆是一项接续奋斗的事业。4月12日，从山西省援疆前方指挥部传来消息，第四批援疆干部人才"
    "进疆以来，实施援疆项目184个，完成投资20亿元。</p>"
    "<p>教育援疆是一项重要民生工程。山西安排资金2亿元，实施项目29个，全额投资8000万元建成晋阜小学。</p>"
)


def _article(url: str, head: str = "", prefix: str = "") -> Article:
    html = prefix + article_html(BODY, head=head)
    art = extract_page(Page(url=url, body=html.encode("utf-8")))
    assert isinstance(art, Article)
    return art


@pytest.mark.parametrize(
    ("href", "page", "want"),
    [
        (
            "//tieba.baidu.com/p/8057560733",
            "file:///t/a.html",
            "https://tieba.baidu.com/p/8057560733",
        ),
        ("/news/1.html", "http://www.example.cn/a/b.html", "http://www.example.cn/news/1.html"),
        ("2.html", "https://www.example.cn/a/b.html", "https://www.example.cn/a/2.html"),
        ("/news/1.html", "file:///t/a.html", None),
        ("javascript:void(0)", "http://www.example.cn/a.html", None),
        ("mailto:x@example.cn", "http://www.example.cn/a.html", None),
        ("file:///etc/passwd", "http://www.example.cn/a.html", None),
        ("http://www.example.cn/x y.html", "http://www.example.cn/a.html", None),
        ("  ", "http://www.example.cn/a.html", None),
        ("HTTPS://WWW.Example.cn/n/1.html", "file:///t/a.html", "HTTPS://WWW.Example.cn/n/1.html"),
    ],
)
def test_resolve_link(href: str, page: str, want: str | None) -> None:
    assert resolve_link(href, page) == want


def test_protocol_relative_canonical_becomes_https_for_a_saved_page() -> None:
    art = _article(
        "file:///t/a.html", '<link rel="canonical" href="//tieba.baidu.com/p/8057560733">'
    )
    assert art.url == art.canonical == "https://tieba.baidu.com/p/8057560733"
    assert art.outlet == "百度"


def test_relative_canonical_resolves_against_a_web_page_url() -> None:
    art = _article("http://www.example.cn/a/b.html", '<link rel="canonical" href="/news/1.html">')
    assert art.canonical == "http://www.example.cn/news/1.html"
    assert art.url == "http://www.example.cn/a/b.html"  # a fetched page keeps its own URL


def test_relative_or_script_canonical_of_a_saved_page_is_ignored() -> None:
    for href in ("/news/1.html", "javascript:void(0)"):
        art = _article("file:///t/a.html", f'<link rel="canonical" href="{href}">')
        assert art.url == "file:///t/a.html"
        assert art.canonical is None


def test_unusable_canonical_falls_back_to_og_url() -> None:
    head = (
        '<link rel="canonical" href="javascript:void(0)">'
        '<meta property="og:url" content="https://www.ts.cn/xwzx/1.shtml">'
    )
    art = _article("file:///t/a.html", head)
    assert art.url == art.canonical == "https://www.ts.cn/xwzx/1.shtml"


def test_cleaneval_id_names_a_saved_page_without_canonical() -> None:
    header = (
        '<text id="http://cdp1998.org/details.asp?detailsid=2359" title="t" encoding="utf-8">\n'
    )
    art = _article("file:///t/05e98007.html", prefix=header)
    assert art.url == "http://cdp1998.org/details.asp?detailsid=2359"
    assert art.canonical is None  # the id is where the page was, not a link it declares
    # A canonical link still wins over the header, and a non-web id is ignored.
    art = _article(
        "file:///t/a.html", '<link rel="canonical" href="http://a.example.cn/1.html">', header
    )
    assert art.url == "http://a.example.cn/1.html"
    art = _article("file:///t/a.html", prefix='<text id="doc-17" title="t">\n')
    assert art.url == "file:///t/a.html"


def test_cleaneval_evaldata_page_takes_its_header_url(evaldata: Path) -> None:
    page = (
        evaldata / "extract" / "chinese-web-content-extraction-dataset"
        / "05e98007-d810-4036-b154-2ef2fe68c2af.html"
    )  # fmt: skip
    art = extract_page(Page(url=page.resolve().as_uri(), body=page.read_bytes()))
    assert isinstance(art, Article)
    assert art.url == "http://cdp1998.org/details.asp?detailsid=2359"
