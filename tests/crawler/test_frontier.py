"""The frontier and the shape book: depth, budgets, trap parameters and shapes, probes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from portal_server import FAST, SITES_DIR, Portal, serve
from test_crawl import warc_responses

from crawler.discovery import (
    LEARNED,
    MIN_REFUTED,
    REFUSED,
    TRAP,
    TRAP_DRY_PAGES,
    ShapeBook,
)
from crawler.frontier import CANDIDATE, Frontier, Link
from crawler.run import crawl
from crawler.sites import Site, load_site_file
from crawler.spiders.pagetext import Link as PageLink
from crawler.urlshape import looks_like_article, url_shape

SITE = Site(
    name="t", article_pattern=r"/a/\d+\.html$", list_pattern=r"/list/", max_pages=4,
    max_list_pages=2, max_probes=5, start_urls=("https://news.example.cn/list/",),
)  # fmt: skip


def frontier(book: ShapeBook | None = None, site: Site = SITE) -> tuple[Frontier, list[str]]:
    stats: list[str] = []
    return Frontier(site, book or ShapeBook(), max_depth=3, stat=stats.append,
                    seen=lambda url: False), stats  # fmt: skip


def test_depth_budget_and_trap_parameters() -> None:
    f, stats = frontier()
    base = "https://news.example.cn"
    out = f.admit([
        Link(f"{base}/list/9.html", "list", 4),  # too deep
        Link(f"{base}/list/2.html?sort=date", "list", 1),  # a sorting trap
        Link(f"{base}/list/2.html", "list", 1),
        Link(f"{base}/list/3.html", "list", 1),
        Link(f"{base}/list/4.html", "list", 1),  # over max_list_pages
        *(Link(f"{base}/a/{i}.html", "article", 1, "pattern") for i in range(4)),
    ])  # fmt: skip
    assert [x.url.rsplit("/", 1)[1] for x in out if x.requested] == ["2.html", "3.html",
                                                                      "0.html", "1.html"]
    # over max_list_pages and max_pages: noted for the next run, at their depth (the too deep
    # and the trap are not noted at all)
    deferred = [x.url for x in out if x.deferred]
    assert deferred == [f"{base}/list/4.html", f"{base}/a/2.html", f"{base}/a/3.html"]
    assert {"trap/depth", "trap/param", "trap/list-limit", "budget/pages"} <= set(stats)


def test_shapes_are_probed_learned_refused_and_trapped() -> None:
    book = ShapeBook()
    f, _ = frontier(book, dataclasses.replace(SITE, max_pages=100))
    base = "https://news.example.cn"
    links = [Link(f"{base}/2024/0509/n{100000 + i}.html", CANDIDATE, 1) for i in range(8)]
    first = f.admit(links)
    probes = [x for x in first if x.found_by == "probe"]
    assert len(probes) == 3 and sum(x.kind == CANDIDATE for x in first) == 5  # 5 held
    released = f.verdict(probes[0].url, True, "probe")
    released += f.verdict(probes[1].url, True, "probe")
    shape = url_shape(probes[0].url)
    assert book.role(shape) == LEARNED and book.learned() == [shape[1]]
    assert len([x for x in released if x.found_by == "shape"]) >= 4  # held links released
    other = url_shape(f"{base}/2024/0509/cal.html")
    for _ in range(MIN_REFUTED):
        book.verdict(other, False)
    assert book.role(other) == REFUSED
    listed = url_shape(f"{base}/cal/2024-05-09.html")
    assert [book.list_yield(listed, 0) for _ in range(TRAP_DRY_PAGES)][-1]
    assert book.role(listed) == TRAP


def test_url_shapes_generalise_ids_but_keep_dates() -> None:
    assert url_shape("http://www.a.cn/n1/2024/0509/c1001-40231.html") == (
        "a.cn", r"/n\d+/\d{4}/\d{4}/c\d+\-\d+\.html")  # n1 and n2 alike
    assert url_shape("https://m.a.cn/a/12.html") == url_shape("http://www.a.cn/a/345.html")
    hexed = "https://www.news.cn/20240509/0a1b2c3d4e5f40718293a4b5c6d7e8f9/c.html"
    assert url_shape(hexed)[1] == r"/\d{8}/\w+/c\.html"
    assert looks_like_article(hexed) and not looks_like_article("https://www.a.cn/index.html")


def test_page_budget_spreads_a_site_over_runs(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    text = (SITES_DIR / "test-portal.toml").read_text(encoding="utf-8")
    (sites / "test-portal.toml").write_text(text + "max_pages = 8\n", encoding="utf-8")
    assert load_site_file(sites / "test-portal.toml").max_pages == 8
    fetched = []
    with serve(Portal()) as srv:
        kw = {"warc_dir": tmp_path / "warc", "state_path": tmp_path / "s.sqlite"}
        for _ in range(4):
            stats = crawl(["test-portal"], base_url=srv.base, settings=FAST, sites_dir=sites,
                          **kw)  # fmt: skip
            fetched.append(stats.pages_fetched)
        expected = srv.portal.expected_article_urls(srv.base)
    assert fetched[0] <= 8 + 2  # the budget, plus parts of an article begun
    archived = {u for u, h, _ in warc_responses(tmp_path / "warc")
                if h["WARC-Aidcorpus-Kind"] == "article"}  # fmt: skip
    assert archived == expected  # what the budget deferred came in later runs


def test_held_links_reach_the_crawl_in_the_same_run() -> None:
    """Links held while their shape was probed are requested once it is learned (they were
    admitted by the verdict and then dropped as already requested: 46 of 89 articles)."""
    f, _ = frontier(site=dataclasses.replace(SITE, max_pages=100, max_probes=100))
    base = "https://news.example.cn"
    first = f.admit(Link(f"{base}/2024/0509/n{100000 + i}.html", CANDIDATE, 1) for i in range(8))
    probes = [x.url for x in first if x.found_by == "probe"]
    # one confirmation: still probing, its slot goes to one held link
    [probe] = f.admit(f.verdict(probes[0], True, "probe"))
    assert probe.found_by == "probe" and probe.requested
    admitted = f.admit(f.verdict(probes[1], True, "probe"))  # learned: the held 4 go
    assert len(admitted) == 4 and all(x.requested and x.found_by == "shape" for x in admitted)
    # a failed probe frees its slot for one held link of its shape
    more = f.admit(Link(f"{base}/2024/0510/m{200000 + i}.html", CANDIDATE, 1) for i in range(5))
    probing = [x.url for x in more if x.found_by == "probe"]
    assert len(probing) == 3
    [again] = f.admit(f.probe_failed(probing[0]))
    assert again.found_by == "probe" and again.requested


def test_siblings_and_learned_shapes_are_candidates_whatever_their_url() -> None:
    """A short id beside articles in a list, and any link of a learned shape, are candidates;
    navigation and short anchors are not."""
    book = ShapeBook()
    f, _ = frontier(book)
    base = "https://news.example.cn"
    links = [
        PageLink(f"{base}/2024/0509/n{100000 + i}.html", f"援疆干部座谈会第{i}场在昌吉召开", 7)
        for i in range(3)
    ] + [
        PageLink(f"{base}/c/7WrNTWHwe39", "受援地新建学校迎来首批学生入学", 7),
        PageLink(f"{base}/c/aBajBehSwVh", "北医", 9),  # a short anchor elsewhere
        PageLink(f"{base}/guonei/", "国内", 7),  # a channel beside them
    ]
    kinds = {x.url.rsplit("/", 1)[1]: x.kind for x in f.classify(links, 1)}
    assert kinds == {**{f"n{100000 + i}.html": CANDIDATE for i in range(3)},
                     "7WrNTWHwe39": CANDIDATE}  # fmt: skip
    assert url_shape(f"{base}/c/7WrNTWHwe39") == url_shape(f"{base}/c/aBajBehSwVh")
    for _ in range(2):
        book.verdict(url_shape(f"{base}/c/7WrNTWHwe39"), True)
    [learned] = f.classify([PageLink(f"{base}/c/aBajBehSwVh", "北医", 9)], 1)
    assert learned.kind == CANDIDATE
    [admitted] = f.admit([learned])
    assert admitted.found_by == "shape" and admitted.requested
