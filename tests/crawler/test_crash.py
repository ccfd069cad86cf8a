"""SIGKILL a real crawl mid-run, rerun: nothing lost, no `.open` left, articles not repeated."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from pathlib import Path

from portal_server import FAST, SITES_DIR, Portal, article_path, serve
from test_crawl import warc_responses

from crawler.run import crawl, crawl_command
from crawler.state import CrawlState


def _articles_served(portal: Portal) -> int:
    with portal.lock:
        return sum(1 for p, _ in portal.log if p.startswith("/news/2024/"))


def test_sigkill_mid_run_then_rerun(tmp_path: Path) -> None:
    portal = Portal(n_lists=8, per_list=15, article_delay=0.02)
    settings = {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    warc = tmp_path / "warc"
    state_path = tmp_path / "state.sqlite"
    with serve(portal) as srv:
        kw = {"warc_dir": warc, "state_path": state_path, "base_url": srv.base}
        spec = tmp_path / "spec"
        spec.mkdir()
        argv, _ = crawl_command(
            ["test-portal"], spec_dir=spec, settings=settings, sites_dir=SITES_DIR, **kw
        )
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while _articles_served(portal) < 30 and proc.poll() is None:
            assert time.monotonic() < deadline, "crawl made no progress"
            time.sleep(0.02)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        proc.kill()
        proc.wait(timeout=30)
        assert list(warc.glob("*.warc.gz.open")), "a killed crawl leaves its file open"
        stats = crawl(["test-portal"], settings=settings, sites_dir=SITES_DIR, **kw)
        expected = portal.expected_article_urls(srv.base)
    assert stats.recovered_files and not list(warc.glob("*.open"))
    records = warc_responses(warc)
    articles = Counter(uri for uri, h, _ in records if h["WARC-Aidcorpus-Kind"] == "article")
    assert set(articles) == expected
    # only a page archived in the instant between its WARC flush and its state row repeats
    assert sum(n - 1 for n in articles.values()) <= 2, articles.most_common(3)
    # the rerun resumed rather than restarted: the killed run had archived some articles
    assert 0 < stats.articles_kept + stats.articles_skipped < len(expected)
    parts = {h.get("WARC-Aidcorpus-Part") for uri, h, _ in records
             if h.get("WARC-Aidcorpus-Part-Of") == srv.base + article_path(3)}  # fmt: skip
    assert {"1", "2", "3"} <= parts
    state = CrawlState(state_path)
    try:
        for url in expected:
            page = state.get(url)
            assert page is not None and page.complete and page.status == 200, url
    finally:
        state.close()
