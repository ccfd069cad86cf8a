"""Unit checks of the safety helpers and a URL-list crawl through `crawl(urls=...)`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from portal_server import FAST, Portal, article_path, serve
from test_crawl import warc_responses

from crawler.guard import forbidden_address
from crawler.middlewares import host_allowed, retry_after_seconds
from crawler.run import crawl


def test_retry_after_forms() -> None:
    now = datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Mon, 01 Jan 2024 00:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 31 Dec 2023 00:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None


@pytest.mark.parametrize(
    ("addr", "public"),
    [("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("169.254.1.1", False),
     ("::1", False), ("fe80::1%eth0", False), ("::ffff:127.0.0.1", False), ("0.0.0.0", False),
     ("224.0.0.1", False), ("100.64.0.1", False), ("202.108.22.5", True), ("2001:da8::1", True)],
)  # fmt: skip
def test_private_addresses(addr: str, public: bool) -> None:
    assert forbidden_address(addr) is not public


def test_host_allowed() -> None:
    assert host_allowed("news.example.cn", ("example.cn",))
    assert not host_allowed("badexample.cn", ("example.cn",))
    assert host_allowed("anything.cn", ())


def test_url_list_crawl(tmp_path: Path) -> None:
    portal = Portal()
    with serve(portal) as srv:
        urls = [srv.base + article_path(1), srv.base + article_path(2), srv.base + "/missing.html"]
        stats = crawl(
            ["my-list"],
            urls=urls,
            warc_dir=tmp_path / "warc",
            state_path=tmp_path / "state.sqlite",
            settings={**FAST, "AIDCORPUS_ALLOW_LOCAL": True},
        )
        again = crawl(
            ["my-list"],
            urls=urls[:2],
            warc_dir=tmp_path / "warc",
            state_path=tmp_path / "state.sqlite",
            settings={**FAST, "AIDCORPUS_ALLOW_LOCAL": True},
        )
    got = {uri: h for uri, h, _ in warc_responses(tmp_path / "warc")}
    assert set(got) == set(urls[:2])
    assert {h["WARC-Aidcorpus-Site"] for h in got.values()} == {"my-list"}
    assert stats.articles_kept == 1 and stats.articles_skipped == 1
    assert stats.counters["errors/http-404"] == 1
    assert again.pages_fetched == 0 and again.articles_seen == 2
