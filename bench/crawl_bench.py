"""Crawl throughput: our crawl() vs a do-nothing Scrapy spider over the same local site.

Serves 5,000 article pages and their list pages on 127.0.0.1 and crawls them (each crawl in a
child process, politeness lifted for the local site). A run crawls the peer, ours and a tuned
peer in turn, twice, keeping each crawler's best; several runs give median and range.
Writes bench/results/crawl.md.
Run: .venv/bin/python bench/crawl_bench.py [--articles 5000] [--per-list 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_report import CRAWLERS, Crawl, Run, report  # noqa: E402
from localsite import serve  # noqa: E402  (one loopback server for every bench)

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
        head = "<html><head><meta charset=utf-8><title>列表</title></head>"
        pages[path] = f"{head}<body><ul>{links}</ul></body></html>".encode()
    for i in range(n_articles):
        body = "".join(f"<p>{PARA if i % 2 else FILLER}{j}</p>" for j in range(40))  # ~10 KB
        html = (
            f"<html><head><meta charset=utf-8><title>报道{i}</title></head><body>"
            f"<div class=nav><a href='/news/'>首页</a></div><h1>报道{i}</h1>{body}</body></html>"
        )
        pages[f"/news/2024/{i:05d}.html"] = html.encode()
    return pages


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


BASELINE = """
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
"""


# The two Scrapy settings our crawler tunes (crawler/settings.py) that cost every spider CPU
# per response; the tuned peer shows how far we are from Scrapy's own floor.
TUNED = {"CONCURRENT_ITEMS": 1, "WARN_ON_GENERATOR_RETURN_VALUE": False}


def run_baseline(base: str, tmp: Path, tuned: bool = False) -> Crawl:
    script, out = tmp / "baseline.py", tmp / "baseline.json"
    script.write_text(BASELINE, encoding="utf-8")
    settings = {**FAST, "ROBOTSTXT_OBEY": True, "USER_AGENT": "bench", "DOWNLOAD_MAXSIZE": 0}
    if tuned:
        settings.update(TUNED)
    cpu = _child_cpu()
    subprocess.run([sys.executable, str(script), base, json.dumps(settings), str(out)], check=True)
    data = json.loads(out.read_text())
    return Crawl(int(data["pages"]), float(data["seconds"]), _child_cpu() - cpu)


def run_ours(base: str, tmp: Path) -> tuple[Crawl, int]:
    from crawler.run import crawl

    sites = tmp / "sites"
    sites.mkdir()
    (sites / "bench-site.toml").write_text(
        'name = "bench-site"\nlocal = true\nstart_urls = ["{base}/news/"]\n'
        "list_pattern = '/news/(index_\\d+\\.html)?$'\n"
        "article_pattern = '/news/2024/\\d+\\.html$'\nmax_list_pages = 1000\nmax_pages = 100000\n",
        encoding="utf-8",
    )
    cpu = _child_cpu()
    stats = crawl(
        ["bench-site"],
        warc_dir=tmp / "warc",
        state_path=tmp / "state.sqlite",
        base_url=base,
        settings=FAST,
        sites_dir=sites,
    )
    used = _child_cpu() - cpu
    warc_bytes = sum(f.stat().st_size for f in (tmp / "warc").glob("*.warc.gz"))
    return Crawl(stats.pages_fetched, stats.crawl_s, used), warc_bytes


def one_run(base: str, rounds: int) -> Run:
    """Each crawler once per round, alternately, so all see the same machine load."""
    crawls: dict[str, list[Crawl]] = {name: [] for name in CRAWLERS}
    warc_bytes = 0
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp_name:
        for n in range(rounds):
            tmp = Path(tmp_name) / str(n)
            for name in CRAWLERS:
                (tmp / name).mkdir(parents=True)
            crawls["peer"].append(run_baseline(base, tmp / "peer"))
            crawl, warc_bytes = run_ours(base, tmp / "ours")
            crawls["ours"].append(crawl)
            crawls["tuned"].append(run_baseline(base, tmp / "tuned", tuned=True))
    return Run(crawls, warc_bytes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--per-list", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="independent runs (median, range)")
    parser.add_argument("--rounds", type=int, default=2, help="crawls per crawler in a run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    server = serve(build_site(args.articles, args.per_list))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    runs: list[Run] = []
    started = time.monotonic()
    try:
        for n in range(args.runs):
            run = one_run(base, args.rounds)
            runs.append(run)
            line = "; ".join(
                f"{name} {run.best(name).seconds:.1f}s = {run.best(name).rate:,.0f}/min"
                for name in CRAWLERS
            )
            print(
                f"run {n + 1}: {line}; ratio {run.ratio():.3f} (vs tuned {run.ratio('tuned'):.3f})"
            )
    finally:
        server.shutdown()
    ratios = [r.ratio() for r in runs]
    print(f"ratio median {statistics.median(ratios):.3f}, range {min(ratios):.3f}-{max(ratios):.3f}"
          f" ({time.monotonic() - started:.0f}s)")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(args, runs), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
