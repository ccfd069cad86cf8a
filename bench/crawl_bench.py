"""Crawl throughput: our crawl() vs a do-nothing Scrapy spider over the same local site.

Serves 5,000 article pages and their list pages on 127.0.0.1, runs both crawls (each in a
child process, politeness lifted for the local site), writes bench/results/crawl.md.
Run: .venv/bin/python bench/crawl_bench.py [--articles 5000] [--per-list 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "crawl.md"
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
    "PROGRESS_INTERVAL": 0,
    "TELNETCONSOLE_ENABLED": False,
}
PARA = (
    "山西省援疆前方指挥部传来消息，第四批援疆干部人才进疆以来，实施援疆项目184个，"
    "选派干部人才217名，协调柔性人才1570名，探索出一条体现山西特色的援疆之路。"
)
FILLER = "本市今日举行春季运动会，各区代表队参加了比赛，现场气氛热烈。"


def build_site(n_articles: int, per_list: int) -> dict[str, bytes]:
    pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    n_lists = (n_articles + per_list - 1) // per_list
    for n in range(n_lists):
        ids = range(n * per_list, min((n + 1) * per_list, n_articles))
        links = "".join(f'<li><a href="/news/2024/{i:05d}.html">报道{i}</a></li>' for i in ids)
        if n + 1 < n_lists:
            links += f'<a href="/news/index_{n + 1}.html">下一页</a>'
        path = "/news/" if n == 0 else f"/news/index_{n}.html"
        pages[path] = f"<html><head><meta charset=utf-8><title>列表</title></head><body><ul>{links}</ul></body></html>".encode()  # noqa: E501
    for i in range(n_articles):
        body = "".join(f"<p>{PARA if i % 2 else FILLER}{j}</p>" for j in range(40))  # ~10 KB
        html = (
            f"<html><head><meta charset=utf-8><title>报道{i}</title></head><body>"
            f"<div class=nav><a href='/news/'>首页</a></div><h1>报道{i}</h1>{body}</body></html>"
        )
        pages[f"/news/2024/{i:05d}.html"] = html.encode()
    return pages


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"not found"
            ctype = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


BASELINE = '''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

base, settings, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]

class DoNothing(scrapy.Spider):
    name = "do-nothing"
    start_urls = [base + "/news/"]
    pages = 0

    def parse(self, response):
        self.pages += 1
        for href in response.css("a::attr(href)").getall():
            if "/news/index_" in href:
                yield response.follow(href, self.parse)
            elif "/news/2024/" in href:
                yield response.follow(href, self.article)

    def article(self, response):
        self.pages += 1

process = CrawlerProcess(settings)
crawler = process.create_crawler(DoNothing)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
json.dump({"pages": crawler.spider.pages,
           "seconds": stats["elapsed_time_seconds"]}, open(out, "w"))
'''


def run_baseline(base: str, tmp: Path) -> tuple[int, float]:
    script, out = tmp / "baseline.py", tmp / "baseline.json"
    script.write_text(BASELINE, encoding="utf-8")
    settings = {**FAST, "ROBOTSTXT_OBEY": True, "USER_AGENT": "bench", "DOWNLOAD_MAXSIZE": 0}
    subprocess.run(
        [sys.executable, str(script), base, json.dumps(settings), str(out)], check=True
    )
    data = json.loads(out.read_text())
    return int(data["pages"]), float(data["seconds"])


def run_ours(base: str, tmp: Path) -> tuple[int, float, int]:
    sys.path.insert(0, str(REPO))
    from crawler.run import crawl

    sites = tmp / "sites"
    sites.mkdir()
    (sites / "bench-site.toml").write_text(
        'name = "bench-site"\nlocal = true\nstart_urls = ["{base}/news/"]\n'
        "list_pattern = '/news/(index_\\d+\\.html)?$'\n"
        "article_pattern = '/news/2024/\\d+\\.html$'\nmax_list_pages = 1000\n",
        encoding="utf-8",
    )
    stats = crawl(
        ["bench-site"],
        warc_dir=tmp / "warc",
        state_path=tmp / "state.sqlite",
        base_url=base,
        settings=FAST,
        sites_dir=sites,
    )
    warc_bytes = sum(f.stat().st_size for f in (tmp / "warc").glob("*.warc.gz"))
    return stats.pages_fetched, stats.crawl_s, warc_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--per-list", type=int, default=50)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    pages = build_site(args.articles, args.per_list)
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "b").mkdir()
        (tmp / "o").mkdir()
        b_pages, b_secs = run_baseline(base, tmp / "b")
        o_pages, o_secs, warc_bytes = run_ours(base, tmp / "o")
    server.shutdown()
    b_rate, o_rate = b_pages / b_secs * 60, o_pages / o_secs * 60
    ratio = o_rate / b_rate
    print(f"do-nothing: {b_pages} pages in {b_secs:.1f}s = {b_rate:,.0f}/min")
    print(f"aidcorpus:  {o_pages} pages in {o_secs:.1f}s = {o_rate:,.0f}/min (ratio {ratio:.2f})")
    write_results(args, b_pages, b_secs, o_pages, o_secs, warc_bytes, ratio)
    return 0


def write_results(
    args: argparse.Namespace,
    b_pages: int,
    b_secs: float,
    o_pages: int,
    o_secs: float,
    warc_bytes: int,
    ratio: float,
) -> None:
    verdict = "meets" if ratio >= 0.7 else "MISSES"
    text = f"""# Crawl throughput

Command: `.venv/bin/python bench/crawl_bench.py --articles {args.articles} \
--per-list {args.per_list}`
(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},
{os.cpu_count()} CPUs shared with other work).

A local site on 127.0.0.1 serves {args.articles:,} article pages (~10 KB UTF-8 Chinese each)
and their paginated list pages ({args.per_list} links per list). Both crawlers run in a child
process with politeness lifted for the local site (no delay, no AutoThrottle, 16 concurrent
requests, robots.txt obeyed) against the same server in the same run. Seconds are Scrapy's
`elapsed_time_seconds` (spider open to close), so interpreter start-up is left out of both.

| crawler | pages | seconds | pages/min |
|---|---:|---:|---:|
| do-nothing Scrapy spider (peer) | {b_pages:,} | {b_secs:.1f} | {b_pages / b_secs * 60:,.0f} |
| aidcorpus `crawl()`: decode + topic terms + WARC + state \
| {o_pages:,} | {o_secs:.1f} | {o_pages / o_secs * 60:,.0f} |

Ratio (ours / peer): **{ratio:.3f}** — {verdict} the 0.7 target.
Our run wrote {warc_bytes / 1e6:.1f} MB of gzipped WARC (request + response records).

Where our time goes (cProfile of one 2,040-page crawl, 10.2 s profiled): page reading in the
spider (evidence decoding, lxml parse, topic terms, next-part links) 1.85 s; WARC writing
(record digests, gzip level 6) 0.97 s; crawl state (SQLite, one commit per page, after the
WARC flush) 0.21 s; middlewares < 0.2 s. The rest is Scrapy's own request/response/item
machinery, which an item-yielding spider with an async spider middleware pays more of than
the do-nothing peer. Already done: CONCURRENT_ITEMS 4 (Scrapy starts one asyncio task per
item slot per response; the default 100 cost a third of the CPU), gzip level 6 instead of
warcio's 9, cached URL canonicalisation, part-link pre-filter. The machine's 2 cores also
run the test server and other work, so runs vary by ±15 %.

## End-to-end `aidcorpus run`

(to be added by the lead: crawl → ingest → export timing on the demo portal)
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
