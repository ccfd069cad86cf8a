"""`aidcorpus run` on a portal of real pages served under many URL shapes (short ids,
hashes, CMS names, query ids, ...): with an out-of-date article_pattern, discovery still
stores >= 90% of the articles, with their text, in one run, and says the pattern drifted;
with the right pattern it stores them all and says nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from real_portal import EVALDATA
from shape_portal import SHAPES_A, ShapePortal, shape_portal
from test_portal_run import STALE, Outcome, _bigram_f1, crawl_portal, good_pattern

LISTS = r"^[^?;]*/(guonei|guoji|caijing|difang)/(index_\d+\.html)?$"
ARTICLES = 40  # bounded: about 60 requests a crawl


@pytest.fixture(scope="module")
def portal() -> ShapePortal:
    if not EVALDATA.is_dir():
        pytest.skip("../shared/evaldata is not beside the checkout")
    return shape_portal(SHAPES_A, 0, limit=ARTICLES)


def _crawl(root: Path, portal: ShapePortal, pattern: str) -> Outcome:
    fresh = ShapePortal(portal.articles)
    return crawl_portal(root, fresh, articles=pattern, lists=LISTS, start="/")


@pytest.fixture(scope="module")
def stale(portal: ShapePortal, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return _crawl(tmp_path_factory.mktemp("shapes-stale"), portal, STALE)


def test_stale_pattern_finds_articles_of_many_shapes(stale: Outcome) -> None:
    arts = stale.portal.articles
    shapes = {re.sub(r"\d+|[0-9a-f]{6,}", "#", a.path.split("?")[0]) for a in arts}
    assert len(shapes) >= 8  # the portal really serves many URL shapes
    urls = {stale.base + a.path for a in arts}
    found = urls & set(stale.docs)
    assert len(found) >= 0.9 * len(urls), sorted(urls - found)
    # no video, author, tag, calendar or list page stored as a document
    assert set(stale.docs) <= urls, sorted(set(stale.docs) - urls)
    # the stored text is the article's: bigram F1 against the human ground truth
    labelled = [a for a in arts if a.truth and stale.base + a.path in stale.docs]
    assert len(labelled) >= 10
    scores = [_bigram_f1(stale.docs[stale.base + a.path], a.truth) for a in labelled]
    assert sum(scores) / len(scores) >= 0.75, sorted(scores)[:5]
    short_ids = [a for a in arts if re.fullmatch(r"/c/\w+", a.path)]
    assert short_ids and all(stale.base + a.path in stale.docs for a in short_ids)
    # bounded: no whole-site crawl (articles, lists, a few probes refused)
    assert sum(stale.hits[0].values()) <= len(arts) + 40, stale.hits[0]


def test_stale_pattern_drift_is_reported(stale: Outcome) -> None:
    out = stale.runs[0].stdout
    m = re.search(r"warn: +realportal: article_pattern matched 0 of (\d+) links.*learned", out)
    assert m, out
    assert int(m[1]) >= 0.9 * len(stale.portal.articles)


def test_right_pattern_stores_all_and_reports_no_drift(portal: ShapePortal, tmp_path: Path) -> None:
    out = _crawl(tmp_path, portal, good_pattern(portal.articles))
    urls = {out.base + a.path for a in portal.articles}
    assert urls <= set(out.docs), sorted(urls - set(out.docs))
    assert "warn:" not in out.runs[0].stdout, out.runs[0].stdout  # videos, authors: no drift
