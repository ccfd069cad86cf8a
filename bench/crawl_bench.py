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
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
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


@dataclass(frozen=True, slots=True)
class Crawl:
    pages: int
    seconds: float  # Scrapy's elapsed_time_seconds: spider open to close
    cpu: float  # user + system CPU seconds of the child process, start-up included

    @property
    def rate(self) -> float:
        return self.pages / self.seconds * 60


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
        "article_pattern = '/news/2024/\\d+\\.html$'\nmax_list_pages = 1000\n",
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


CRAWLERS = ("peer", "tuned", "ours")
LABELS = {
    "peer": "do-nothing Scrapy spider, Scrapy defaults (**the peer**)",
    "tuned": "do-nothing spider + CONCURRENT_ITEMS 1, WARN_ON_GENERATOR_RETURN_VALUE off",
    "ours": "aidcorpus `crawl()`",
}


@dataclass(frozen=True, slots=True)
class Run:
    crawls: dict[str, list[Crawl]]  # crawler -> one Crawl per round
    warc_bytes: int

    def best(self, name: str) -> Crawl:
        return min(self.crawls[name], key=lambda c: c.seconds)

    def ratio(self, name: str = "peer") -> float:
        return self.best("ours").rate / self.best(name).rate


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


E2E_HEADING = "## End-to-end `aidcorpus run`"
E2E_PLACEHOLDER = (
    f"{E2E_HEADING}\n\n"
    "(to be added by the lead: crawl → ingest → export timing on the demo portal)\n"
)
# Measured by hand (cProfile in the crawl child); rewrite when the crawler changes.
PROFILE_NOTES = """\
Where our time goes (cProfile of our crawl child over this 5,000-article site, 2026-11-23;
cProfile doubles the times, shares hold): the spider's own work is 27 % of the crawl —
page reading 15 % (evidence decoding + one lxml parse 4 %, topic terms 5 %, next-part
links 3 %, list links 3 %), archiving 9 % (WARC records 7 %, of which gzip 2.4 %; crawl
state 2 %), state look-ups for the seen-skip and conditional requests 3 % (since halved:
one per discovered article, shared by both); our downloader
middlewares 2 %. The remaining ~70 % is Scrapy and Twisted per request and response, which
the peers pay too.

What brought the ratio from 0.56 (committed before) to this: (1) the site server now sends
each response in one write: http.server's separate header and body writes hit Nagle's
algorithm and the client's delayed ACK, so every request waited ~40 ms and both crawlers
were latency-bound (with that server, after the changes below, ours/peer was 0.68 and our
child was idle half the time); (2) records go from the spider straight to an `Archive`
(WARC writer + crawl state) instead of through Scrapy items and an item pipeline; (3) the
seen-article skip moved from an async spider middleware into the spider (an async
middleware turns every callback's output into async iteration), CONCURRENT_ITEMS 1 (no items
left; Scrapy starts CONCURRENT_ITEMS + 1 tasks per response) and
WARN_ON_GENERATOR_RETURN_VALUE off (Scrapy re-parses the callback's source with `ast` for
every response); (4) WARC records written by hand (warcio's record builder cost three times
as much), flushed every 16 records or 0.5 s with one state commit after each flush (a page is
marked done only once its record is on disk); (5) one lxml parse per page, topic terms with
their OpenCC conversion done once per term list. The tuned peer shows that (3) alone is
worth 2x for any Scrapy spider: against it we run at about half its speed, the cost of
doing the work.
"""


def _row(n: int, run: Run, name: str) -> str:
    best = run.best(name)
    each = " / ".join(f"{c.seconds:.1f}" for c in run.crawls[name])
    cpu = sum(c.cpu for c in run.crawls[name]) / sum(c.pages for c in run.crawls[name]) * 1000
    ratio = f"**{run.ratio():.3f}**" if name == "ours" else f"{run.ratio(name):.3f}"
    return (
        f"| {n} | {LABELS[name]} | {best.pages:,} | {each} | {best.rate:,.0f} | {cpu:.2f}"
        f" | {ratio if name != 'ours' else ''} |"
    )


def report(args: argparse.Namespace, runs: list[Run]) -> str:
    ratios = [r.ratio() for r in runs]
    tuned = [r.ratio("tuned") for r in runs]
    median = statistics.median(ratios)
    verdict = "meets" if median >= 0.7 and min(ratios) >= 0.7 else "MISSES"
    table = "\n".join(_row(n, run, name) for n, run in enumerate(runs, 1) for name in CRAWLERS)
    e2e = E2E_PLACEHOLDER
    if args.out.exists():
        old = args.out.read_text(encoding="utf-8")
        if E2E_HEADING in old:  # the lead's section, kept as it is
            e2e = old[old.index(E2E_HEADING) :]
    warc_mb = runs[-1].warc_bytes / 1e6
    return f"""# Crawl throughput

Command: `.venv/bin/python bench/crawl_bench.py --articles {args.articles} \
--per-list {args.per_list} --runs {args.runs} --rounds {args.rounds}`
(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},
{os.cpu_count()} CPUs shared with other work).

A local site on 127.0.0.1 serves {args.articles:,} article pages (~10 KB UTF-8 Chinese each)
and their paginated list pages ({args.per_list} links per list), each response in one write
(see `serve`). Peer: a do-nothing Scrapy spider (follows the links, keeps nothing) with
Scrapy's default settings. Tuned: the same spider with the two settings our crawler changes
for speed (CONCURRENT_ITEMS 1, WARN_ON_GENERATOR_RETURN_VALUE off), i.e. Scrapy's own floor.
Ours: `crawl()` — evidence decoding, links, topic terms, next-part detection, WARC
(request + response records, gzip), crawl state (SQLite). Every crawl runs in a child
process with politeness lifted for the local site (no delay, no AutoThrottle, 16 concurrent
requests, robots.txt obeyed) against the same server. A run crawls peer, ours, tuned in turn,
{args.rounds} rounds, and keeps each crawler's best time, to damp the noise of the 2 shared
cores. Seconds are Scrapy's `elapsed_time_seconds` (spider open to close: interpreter
start-up left out); CPU ms/page is the children's user + system CPU over all rounds
(start-up included) per page.

| run | crawler | pages | seconds (each round) | pages/min (best) | CPU ms/page \
| ours / this (pages/min) |
|---|---|---:|---:|---:|---:|---:|
{table}

**Ratio ours / peer: median {median:.3f}, range {min(ratios):.3f}–{max(ratios):.3f}** over
{len(runs)} runs — {verdict} the 0.7 target. Against the tuned peer (Scrapy's floor): median
{statistics.median(tuned):.3f}, range {min(tuned):.3f}–{max(tuned):.3f}.
Our crawl wrote {warc_mb:.1f} MB of gzipped WARC per crawl.

{PROFILE_NOTES}

{e2e}"""


if __name__ == "__main__":
    sys.exit(main())
