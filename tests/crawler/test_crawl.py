"""End to end through `crawl()` against the local test portal: WARC contents, state,
incremental rerun, politeness and safety refusals."""

from __future__ import annotations

import gzip
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from portal_server import FAST, SITES_DIR, Portal, article_path, serve
from warcio.archiveiterator import ArchiveIterator

from crawler.run import CrawlStats, crawl
from crawler.state import CrawlState
from crawler.warc import complete_prefix

CONTACT = "http://contact.example/aidcorpus-bot"


@dataclass
class Run:
    base: str
    portal: Portal
    out: Path
    first: CrawlStats
    first_log: list[tuple[str, dict[str, str]]]
    second: CrawlStats
    second_log: list[tuple[str, dict[str, str]]]


def warc_responses(folder: Path) -> list[tuple[str, dict[str, str], bytes]]:
    out = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    uri = rec.rec_headers.get_header("WARC-Target-URI")
                    out.append((uri, dict(rec.rec_headers.headers), rec.content_stream().read()))
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("crawl")
    settings = {**FAST, "AIDCORPUS_CONTACT_URL": CONTACT}
    with serve() as srv:
        kw = {"warc_dir": out / "warc", "state_path": out / "state.sqlite", "base_url": srv.base}
        first = crawl(["test-portal", "test-bad"], settings=settings, sites_dir=SITES_DIR, **kw)
        first_log = list(srv.portal.log)
        second = crawl(["test-portal"], settings=settings, sites_dir=SITES_DIR, **kw)
        second_log = srv.portal.log[len(first_log) :]
    return Run(srv.base, srv.portal, out, first, first_log, second, second_log)


def test_every_article_archived_with_site_header(run: Run) -> None:
    records = warc_responses(run.out / "warc")
    portal = {uri: h for uri, h, _ in records if h["WARC-Aidcorpus-Site"] == "test-portal"}
    assert run.portal.expected_article_urls(run.base) <= set(portal)
    kinds = {h["WARC-Aidcorpus-Kind"] for h in portal.values()}
    assert {"list", "article", "part", "sitemap", "feed"} <= kinds
    assert run.first.warc_files and all(Path(f).exists() for f in run.first.warc_files)
    assert not list((run.out / "warc").glob("*.open"))


def test_multipage_article_parts(run: Run) -> None:
    first = run.base + article_path(3)
    parts = {
        h["WARC-Aidcorpus-Part"]: uri
        for uri, h, _ in warc_responses(run.out / "warc")
        if h.get("WARC-Aidcorpus-Part-Of") == first
    }
    stem = first[: -len(".html")]
    assert parts == {"1": first, "2": stem + "_2.html", "3": stem + "_3.html"}


def test_state_and_topic_verdicts(run: Run) -> None:
    state = CrawlState(run.out / "state.sqlite")
    try:
        on, off = state.get(run.base + article_path(1)), state.get(run.base + article_path(2))
        assert on is not None and on.kept and "援疆" in on.terms and on.complete
        assert off is not None and off.kept is False and off.terms == ()
        assert on.sha1 and on.status == 200 and on.kind == "article"
        news = state.get(run.base + "/news/")
        assert news is not None and news.kind == "list" and news.etag
        gbk = state.get(run.base + "/bad/gbk.html")  # header says utf-8, bytes are GBK
        assert gbk is not None and gbk.kept
        for bad in ("loop", "loop2"):  # refused: settled, not re-queued as pending
            page = state.get(run.base + f"/bad/{bad}.html")
            assert page is not None and page.status == -1, bad
        assert not [u for u, _, _ in state.pending("test-bad") if "/loop" in u]
    finally:
        state.close()
    assert run.first.articles_kept >= 7 and run.first.articles_skipped >= 6
    # the profiles leave the gate to the run ("auto": on): off-topic articles are counted
    assert f"off-topic {run.first.articles_skipped}" in run.first.summary()


def test_politeness(run: Run) -> None:
    paths = [p for p, _ in run.first_log]
    assert "/robots.txt" in paths and "/private/secret.html" not in paths
    agents = {h.get("User-Agent", "") for _, h in run.first_log}
    assert all(a.startswith("aidcorpus/") and CONTACT in a for a in agents), agents
    assert run.portal.hits["/bad/e500.html"] == 3  # one try + RETRY_TIMES 2, then given up
    assert run.first.counters["errors/http-500"] == 1
    first, second = run.portal.times["/bad/r429.html"][:2]
    assert second - first >= 0.9  # Retry-After: 1 honoured
    assert run.portal.hits["/bad/r429.html"] == 2
    assert any(uri.endswith("/bad/r429.html") for uri, _, _ in warc_responses(run.out / "warc"))


def test_safety_refusals(run: Run) -> None:
    c = run.first.counters
    assert c["refused/too-large"] == 1 and c["refused/binary"] == 1
    assert c["refused/offsite"] >= 1
    # loop.html -> loop2.html -> loop.html: refused and counted, not left to the dupefilter
    assert c["refused/redirect-loop"] == 1
    assert run.portal.hits["/bad/loop.html"] == 1 and run.portal.hits["/bad/loop2.html"] == 1
    assert c["trap/list-limit"] >= 1
    trap = [p for p in run.portal.hits if p.startswith("/bad/list/")]
    assert len(trap) <= 5  # max_list_pages of test-bad
    uris = {uri for uri, _, _ in warc_responses(run.out / "warc")}
    for bad in ("big", "binary", "offsite", "private", "loop"):
        assert run.base + f"/bad/{bad}.html" not in uris
    # a redirect to a variant of the same page (same canonical URL) is followed, not deduped
    assert run.base + "/bad/variant.html?from=home" in uris


def test_incremental_rerun(run: Run) -> None:
    paths = [p for p, _ in run.second_log]
    assert not any(p.startswith("/news/2024/") for p in paths), paths
    news = [h for p, h in run.second_log if p == "/news/"]
    assert news and "If-None-Match" in news[0] and "If-Modified-Since" in news[0]
    assert run.second.not_modified >= 1 and run.second.pages_fetched == 0
    assert run.second.warc_files == ()


def test_non_local_profile_never_reaches_loopback(tmp_path: Path) -> None:
    with serve() as srv:
        sites = tmp_path / "sites"
        sites.mkdir()
        (sites / "pretend-public.toml").write_text(
            f'name = "pretend-public"\nstart_urls = ["{srv.base}/news/"]\n'
            f"sitemaps = [\"{srv.base}/news/sitemap.xml\"]\narticle_pattern = '/news/'\n",
            encoding="utf-8",
        )
        stats = crawl(
            ["pretend-public"],
            warc_dir=tmp_path / "warc",
            state_path=tmp_path / "state.sqlite",
            settings=FAST,
            sites_dir=sites,
        )
        assert srv.portal.log == []
    assert stats.counters["refused/private-address"] == 2 and stats.pages_fetched == 0


def test_warc_is_gzip_per_record(run: Run) -> None:
    path = Path(run.first.warc_files[0])
    with gzip.open(path, "rb") as fh:
        assert fh.read(8) == b"WARC/1.0"
    assert complete_prefix(path) == path.stat().st_size  # ends on a member boundary


def test_a_dry_list_chain_is_not_carried_into_the_next_run(tmp_path: Path) -> None:
    """test-bad's /bad/list/N pages link only to the next one (max_list_pages 5, fewer than
    the eight dry pages that make a trap): dry pages add up across runs, so the third run
    refuses the chain, and no run picks it up where the last one stopped."""
    with serve() as srv:
        kw = {"warc_dir": tmp_path / "warc", "state_path": tmp_path / "s.sqlite"}
        counts = []
        for _ in range(3):
            before = dict(srv.portal.hits)
            crawl(["test-bad"], base_url=srv.base, settings=FAST, sites_dir=SITES_DIR, **kw)
            counts.append(sum(n - before.get(p, 0) for p, n in srv.portal.hits.items()
                              if p.startswith("/bad/list/")))  # fmt: skip
    assert counts[0] <= 5 and counts[1] <= 5 and counts[2] == 0, counts


def test_a_site_that_gives_nothing_is_warned_about(tmp_path: Path) -> None:
    """Every request failed (nothing listens on the port): the run's summary warns, where it
    reported 0 pages and no warning (as it did for a start page refused as offsite)."""
    with socket.socket() as probe:  # a free loopback port, closed again: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stats = crawl(
        ["test-portal"], base_url=f"http://127.0.0.1:{port}", settings=FAST,
        sites_dir=SITES_DIR, warc_dir=tmp_path / "warc", state_path=tmp_path / "s.sqlite",
    )  # fmt: skip
    assert stats.pages_fetched == 0 and stats.errors > 0
    [warning] = stats.warnings()
    assert warning.startswith("test-portal: no page fetched"), warning

