"""Site search end to end: HTML and JSON result pages with {query}/{page}, crawled through
`crawl()` against the local portal (two profiles in one crawl, one shared crawl state)."""

from __future__ import annotations

from pathlib import Path

from portal_server import FAST, SITES_DIR, Portal, article_path, serve
from test_crawl import warc_responses

from crawler.run import crawl


def test_html_and_json_search_crawl(tmp_path: Path) -> None:
    portal = Portal(search_pages=3)
    with serve(portal) as srv:
        stats = crawl(
            ["test-search-html", "test-search-json"],
            warc_dir=tmp_path / "warc",
            state_path=tmp_path / "state.sqlite",
            base_url=srv.base,
            settings=FAST,
            sites_dir=SITES_DIR,
        )
        base = srv.base
    # the query is URL-encoded into {query}; pages count up from 1
    html_pages = [q for p, q in portal.queries if p == "/search"]
    json_pages = [q for p, q in portal.queries if p == "/api/search"]
    assert {q["q"][0] for q in html_pages} == {"援疆"}  # the profile's search.terms
    assert {q["kw"][0] for q in json_pages} == {"晋疆"}  # no search.terms: its topic_terms
    # HTML: pages 1-3 have hits, page 4 is empty and ends the query (max_pages is 5)
    assert sorted(int(q["page"][0]) for q in html_pages) == [1, 2, 3, 4]
    # JSON: page 3 would have hits, but max_pages = 2
    assert sorted(int(q["page"][0]) for q in json_pages) == [1, 2]
    assert "/about.html" not in portal.hits  # a result-page link that is not an article

    records = warc_responses(tmp_path / "warc")
    articles = {
        uri: h["WARC-Aidcorpus-Site"]
        for uri, h, _ in records
        if h["WARC-Aidcorpus-Kind"] == "article"
    }
    assert articles == {
        **{base + article_path(i): "test-search-html" for i in range(1, 7)},
        **{base + article_path(i): "test-search-json" for i in range(7, 11)},
    }
    search = [(h["WARC-Aidcorpus-Site"], uri) for uri, h, _ in records
              if h["WARC-Aidcorpus-Kind"] == "search"]  # fmt: skip
    assert sorted(site for site, _ in search) == ["test-search-html"] * 4 + ["test-search-json"] * 2
    assert stats.articles_kept + stats.articles_skipped == 10
    assert stats.pages_fetched == 10 + 2 + 6 and stats.errors == 0  # article 3 has 2 more parts
