"""Two crawler processes on one local portal sharing a frontier in the real Redis at
127.0.0.1:6379 (unique key prefix, deleted after; never a flush): every article fetched
once, per-host politeness held across both, the crawl state shared between them."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from portal_server import FAST, SITES_DIR, Handler, Portal, PortalServer, article_path

from corpus.ingest import ingest_paths
from corpus.store import Store
from crawler.run import CrawlStats, start_crawl

redis = pytest.importorskip("redis")
URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def prefix(redis_namespace: str) -> str:
    return redis_namespace  # tests/conftest.py: the real Redis, keys deleted after


class Counting(Handler):
    """The portal's handler, counting requests on the wire and when each one started."""

    def do_GET(self) -> None:
        server = self.server
        with server.portal.lock:
            server.active += 1
            server.max_active = max(server.max_active, server.active)
            server.starts.append(time.monotonic())
            server.paths.append(self.path)
        try:
            time.sleep(0.02)  # long enough for overlapping requests to show
            super().do_GET()
        finally:
            with server.portal.lock:
                server.active -= 1


class CountingServer(PortalServer):
    def __init__(self, portal: Portal):
        super().__init__(portal)
        self.RequestHandlerClass = Counting
        self.active = self.max_active = 0
        self.starts: list[float] = []
        self.paths: list[str] = []


def _crawl_twice_at_once(srv: CountingServer, tmp: Path, prefix: str, settings: dict) -> list:
    jobs = [
        start_crawl(
            ["test-portal"],
            warc_dir=tmp / "warc",
            state_path=tmp / f"unused-{i}.sqlite",  # the state is in Redis
            base_url=srv.base,
            settings=settings,
            sites_dir=SITES_DIR,
            redis_url=URL,
            redis_prefix=prefix,
            timeout=180,
        )
        for i in range(2)
    ]
    return [job.wait() for job in jobs]


def test_two_processes_fetch_every_article_once_and_stay_polite(
    tmp_path: Path, prefix: str
) -> None:
    portal = Portal(n_lists=4, per_list=6, article_delay=0.01, robots_quorum=2)
    delay = 0.08
    settings = {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": delay}
    srv = CountingServer(portal)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        first: list[CrawlStats] = _crawl_twice_at_once(srv, tmp_path, prefix, settings)
        articles = {article_path(i) for i in portal.articles()}
        assert {p: portal.hits.get(p, 0) for p in articles} == dict.fromkeys(articles, 1)
        assert all(s.pages_fetched > 0 for s in first), "both processes took part"
        pages = [p for p in portal.hits if p != "/robots.txt"]
        assert all(portal.hits[p] == 1 for p in pages)  # lists, feed, sitemap, parts too
        # politeness over both processes: 2 on the wire at most, starts `delay` apart
        assert srv.max_active <= 2
        # Arrival times carry the jitter of a loaded machine (a request sent on time can
        # arrive 50 ms late, shrinking the next gap), so spacing is checked over windows
        # of four starts: three delays must separate them, less one delay of jitter. Two
        # processes each keeping only their own delay would put four starts within two.
        starts = [t for t, p in zip(srv.starts, srv.paths, strict=True) if p != "/robots.txt"]
        spans = [b - a for a, b in zip(starts, starts[4:], strict=False)]
        assert min(spans) >= 3 * delay, sorted(spans)[:6]
        gaps = sorted(b - a for a, b in itertools.pairwise(starts))
        assert gaps[len(gaps) // 2] >= delay * 0.9, gaps[:6]  # the median gap: one delay
        # each process wrote its own WARC files, in its own folder
        folders = {Path(f).parent for s in first for f in s.warc_files}
        assert len(folders) == 2
        # the crawl state is shared: a second crawl by two processes asks conditionally
        # and leaves the archived articles alone
        hits_before = dict(portal.hits)
        portal.log.clear()
        _crawl_twice_at_once(srv, tmp_path, prefix, settings)
        assert all(portal.hits.get(p, 0) == hits_before.get(p, 0) for p in articles)
        lists = [h for p, h in portal.log if p == "/news/"]  # answered 304: nothing new
        assert len(lists) == 1 and "If-None-Match" in lists[0]
    finally:
        srv.shutdown()
        srv.server_close()
    # ingest picks up the closed files of both processes: every article once
    with Store.open(tmp_path / "c.db", create=True) as store:
        stats = ingest_paths(store, [tmp_path / "warc"], topic_gate="off", workers=2)
    with Store.open(tmp_path / "c.db") as store:
        urls = {r[0] for r in store.conn.execute("SELECT url FROM documents")}
    assert {urlsplit(u).path for u in urls} == articles, urls
    assert stats.stored == len(articles) and not stats.errors


RUN_CONFIG = """
[crawl]
sites = ["test-portal"]
sites_dir = "{sites}"
base_url = "{base}"
warc_dir = "data/warc"
topic_gate = false
redis_url = "{url}"
redis_prefix = "{prefix}"
processes = 2
[corpus]
db = "data/corpus.db"
workers = 2
[dedup]
lsh = "redis"
namespace = "{prefix}:dedup"
[[export]]
format = "jsonl"
out = "out"
[scrapy]
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = false
CONCURRENT_REQUESTS_PER_DOMAIN = 2
PROGRESS_INTERVAL = 0
"""


def test_run_with_two_crawl_processes_and_the_shared_index(tmp_path: Path, prefix: str) -> None:
    import json
    import subprocess
    import sys

    from portal_server import serve

    aidcorpus = str(Path(sys.executable).with_name("aidcorpus"))
    portal = Portal(n_lists=3, per_list=5, article_delay=0.02, robots_quorum=2)
    with serve(portal) as srv:
        config = tmp_path / "aidcorpus.toml"
        config.write_text(
            RUN_CONFIG.format(sites=SITES_DIR, base=srv.base, url=URL, prefix=prefix),
            encoding="utf-8",
        )
        proc = subprocess.run([aidcorpus, "run", "--config", str(config)],
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    articles = {article_path(i) for i in portal.articles()}
    assert all(portal.hits.get(p) == 1 for p in articles)
    folders = {p.parent.name for p in (tmp_path / "data" / "warc").rglob("*.warc.gz")}
    assert len(folders) == 2  # one per crawl process
    lines = [json.loads(x) for f in (tmp_path / "out").glob("*.jsonl") for x in f.open()]
    exported = {urlsplit(c["url"]).path for line in lines for c in line["metadata"]["copies"]}
    assert exported == articles
    client = redis.Redis.from_url(URL)
    assert client.hlen(f"{prefix}:dedup_keys") == len(articles)  # the LSH is in Redis
    assert not client.exists(f"{prefix}:portal-test-portal:requests")  # the round is over
    from crawler.canon import canonical_url

    page = canonical_url(srv.base + article_path(1))
    assert client.hget(f"{prefix}:page:{page}", "complete") == b"1"  # the shared crawl state


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--processes", "2"], "need a Redis"),
        (["--redis-url", "http://127.0.0.1:6379"], "must look like redis://"),
        (["--redis-url", "redis://127.0.0.1:1/0"], "cannot reach Redis"),
    ],
)
def test_crawl_cli_refuses_a_shared_crawl_it_cannot_run(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    import subprocess
    import sys

    aidcorpus = str(Path(sys.executable).with_name("aidcorpus"))
    proc = subprocess.run(
        [aidcorpus, "crawl", "--site", "test-portal", "--sites-dir", str(SITES_DIR),
         "--base-url", "http://127.0.0.1:9", "--warc-dir", str(tmp_path / "w"), *extra],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
