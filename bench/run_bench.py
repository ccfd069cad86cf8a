"""End-to-end `aidcorpus run`: crawl -> ingest -> export of a local site, and where the time goes.

Command: `.venv/bin/python bench/run_bench.py [--site real|synthetic] [--workers 1 2]
[--rounds 2]` (from the repo root); writes bench/results/run.md. `real` (the default)
serves every page of ../shared/evaldata/extract (real bytes; <base>, meta refreshes and
absolute links rewritten to the local host) from list pages; `synthetic` serves
`--articles` generated aid reports. The site is served on 127.0.0.1 only; politeness is
lifted for it (no delay, no AutoThrottle) so the pipeline, not the sleep, is measured.
Each round runs every `--workers` value once, alternating which goes first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "run.md"
AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from localsite import serve  # noqa: E402

PROVINCES = ["山西", "山东", "河北", "江苏", "浙江", "广东", "北京", "上海", "天津", "辽宁"]
PLACES = ["昌吉", "喀什", "巴州", "伊犁", "阿克苏", "和田", "塔城", "吐鲁番", "哈密", "博州"]
ACTS = ["新建学校", "改造医院", "培训教师", "引进企业", "建设产业园", "开展义诊", "修建安居房"]
UNITS = [("资金", "万元"), ("项目", "个"), ("干部人才", "名"), ("群众", "人次"), ("岗位", "个")]


def article_text(rng: random.Random, i: int) -> tuple[str, list[str]]:
    """A distinct aid report: its headline and 8-12 paragraphs with their own figures."""
    prov, place = rng.choice(PROVINCES), rng.choice(PLACES)
    title = f"{prov}援疆{rng.choice(ACTS)}助力{place}发展（第{i}期）"
    paras = []
    for j in range(rng.randint(8, 12)):
        what, unit = rng.choice(UNITS)
        paras.append(
            f"{rng.randint(2019, 2024)}年以来，{prov}省援疆前方指挥部在{place}{rng.choice(ACTS)}，"
            f"累计投入{what}{rng.randint(10, 99999)}{unit}，第{j + 1}项工作惠及当地"
            f"{rng.randint(100, 90000)}名群众，编号{i}-{j}-{rng.randint(1000, 9999)}。"
        )
    return title, paras


def build_site(n: int, per_list: int, repost_share: float, seed: int = 7) -> dict[str, bytes]:
    rng = random.Random(seed)
    pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    texts = [article_text(rng, i) for i in range(n)]
    ids = list(range(n))
    for i in ids:
        title, paras = texts[i]
        source = "本网"
        if i > 10 and rng.random() < repost_share:  # a repost of an earlier report
            title, paras = texts[rng.randrange(i)]
            title, source = f"转载：{title}", "新疆日报"
        body = "".join(f"<p>{p}</p>" for p in paras)
        pages[f"/news/2024/{i:05d}.html"] = (
            f"<html><head><meta charset=utf-8><title>{title}_援疆网</title></head><body>"
            f"<div class=nav><a href='/news/'>首页</a> 分享到：微博 微信</div><h1>{title}</h1>"
            f"<div class=info>2024-05-{1 + i % 28:02d} 10:00:00 来源：{source}</div>{body}"
            f"<div class=foot>版权所有 援疆网 京ICP备12345678号</div></body></html>"
        ).encode()
    articles = [(f"/news/2024/{i:05d}.html", f"援疆报道{i}") for i in range(n)]
    pages.update(list_pages(articles, per_list, "援疆"))
    return pages


def list_pages(articles: list[tuple[str, str]], per_list: int, title: str) -> dict[str, bytes]:
    """/news/ and /news/index_K.html: `per_list` (path, anchor text) links each, and a
    下一页 link to the next list."""
    pages = {}
    n_lists = (len(articles) + per_list - 1) // per_list
    for k in range(n_lists):
        links = "".join(
            f'<li><a href="{path}">{anchor}</a></li>'
            for path, anchor in articles[k * per_list : (k + 1) * per_list]
        )
        if k + 1 < n_lists:
            links += f'<a href="/news/index_{k + 1}.html">下一页</a>'
        path = "/news/" if k == 0 else f"/news/index_{k}.html"
        pages[path] = (
            f"<html><head><meta charset=utf-8><title>{title}</title></head><body><ul>{links}"
            "</ul></body></html>"
        ).encode()
    return pages


EVAL = REPO / ".." / "shared" / "evaldata" / "extract"
_ABS_LINK = re.compile(rb"""(?i)\b(href|src|action)(\s*=\s*["']?)\s*https?://[^/"'\s>]*""")
_BASE = re.compile(rb"(?i)<base\b[^>]*>")
_REFRESH = re.compile(rb"""(?i)<meta[^>]+http-equiv\s*=\s*["']?refresh[^>]*>""")


def build_real_site(per_list: int) -> tuple[dict[str, bytes], int]:
    """Every evaldata page under /news/2024/NNNNN.html, linked from paginated lists. Links
    to the pages' own sites point back at the local host (absolute paths, which the
    profile's patterns do not match), so nothing leaves 127.0.0.1."""
    pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    paths = []
    for i, html_path in enumerate(sorted(EVAL.glob("*/*.html"))):
        body = _ABS_LINK.sub(lambda m: m[1] + m[2], html_path.read_bytes())
        pages[f"/news/2024/{i:05d}.html"] = _REFRESH.sub(b"", _BASE.sub(b"", body))
        paths.append(f"/news/2024/{i:05d}.html")
    if not paths:
        raise SystemExit(f"no pages under {EVAL}")
    articles = [(p, f"报道{g // per_list}-{g % per_list}") for g, p in enumerate(paths)]
    pages.update(list_pages(articles, per_list, "新闻"))
    return pages, len(paths)


PROFILE = """name = "bench-run"
outlet = "援疆网"
local = true
start_urls = ["{base}/news/"]
list_pattern = '/news/(index_\\d+\\.html)?$'
article_pattern = '/news/2024/\\d+\\.html$'
max_list_pages = 10000
"""

CONFIG = """[crawl]
sites = ["bench-run"]
sites_dir = "sites"
base_url = "%s"
warc_dir = "data/warc"
state = "data/state.db"
topic_gate = false
[corpus]
db = "data/corpus.db"
workers = %d
[[export]]
format = "txt"
out = "export/txt"
[[export]]
format = "jsonl"
out = "export/jsonl"
[scrapy]
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = false
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 16
LOG_LEVEL = "WARNING"
"""


def run(pages: dict[str, bytes], workers: int) -> dict:
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with tempfile.TemporaryDirectory(prefix="run-bench-") as tmp_name:
            tmp = Path(tmp_name)
            (tmp / "sites").mkdir()
            (tmp / "sites" / "bench-run.toml").write_text(PROFILE, encoding="utf-8")
            (tmp / "aidcorpus.toml").write_text(CONFIG % (base, workers), encoding="utf-8")
            started = time.monotonic()
            proc = subprocess.run(
                [AIDCORPUS, "run", "--config", str(tmp / "aidcorpus.toml")],
                capture_output=True, text=True, timeout=3600,
            )  # fmt: skip
            wall = time.monotonic() - started
            if proc.returncode != 0:
                raise SystemExit(f"aidcorpus run failed:\n{proc.stderr[-3000:]}")
            (stats_file,) = (tmp / "data" / "runs").glob("run-*.json")
            record = json.loads(stats_file.read_text(encoding="utf-8"))
    finally:
        server.shutdown()
    record["wall_s"] = wall
    return record


def stage_rows(record: dict) -> list[tuple[str, float]]:
    t = record["timings"]
    inner = record["ingest"].get("timings", {})
    return [
        ("crawl (Scrapy child process, WARC written): start to end", t["crawl_s"]),
        ("ingest, beside the crawl from its start (closed WARC files)", t["ingest_s"]),
        ("  of which after the crawl ended", t.get("ingest_after_crawl_s", t["ingest_s"])),
        ("  in workers: extract (s, summed over workers)", inner.get("extract_s", 0.0)),
        ("  in workers: dedup signatures (s, summed)", inner.get("sign_s", 0.0)),
        ("  writer: dedup + store", inner.get("dedup_store_s", 0.0)),
        ("  writer: commit + index save", inner.get("commit_save_s", 0.0)),
        ("export (txt + jsonl)", t["export_s"]),
    ]


def write(records: dict[int, list[dict]], site: str, n: int, rounds: int, loads: list[float],
          out: Path) -> str:  # fmt: skip
    workers = list(records)
    first = records[workers[0]][-1]
    ing = first["ingest"]
    lines = [
        "# End-to-end `aidcorpus run`",
        "",
        f"Command: `.venv/bin/python bench/run_bench.py --site {site} --rounds {rounds}"
        f" --workers {' '.join(map(str, workers))}`",
        f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs shared with other engineers' work: 1-minute load average"
        f" {min(loads):.1f}-{max(loads):.1f} during the run, so compare the ratios).",
        "",
        (
            f"A local site on 127.0.0.1 serving the {n} real pages of ../shared/evaldata/extract"
            " (their own bytes and encodings) from paginated list pages"
            if site == "real"
            else f"A local site on 127.0.0.1 with {n} generated aid reports (some reposted)"
        )
        + "; `aidcorpus run` crawls it with politeness lifted and the topic gate off, ingests"
        " the new WARC files with `[corpus] workers = N` and exports txt and JSONL.",
        "",
        f"Documents stored: {ing['stored']} in {ing['new_clusters']} clusters"
        f" ({ing['reposts']} reposts, {ing['exact']} exact copies); dropped:"
        f" {json.dumps(ing['dropped'], ensure_ascii=False)}.",
        "",
        "| workers | run total (s), each round | median | pages/s end to end | ingest (s) |"
        " speed-up |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    base = [r["timings"]["total_s"] for r in records[workers[0]]]
    for w in workers:
        totals = [r["timings"]["total_s"] for r in records[w]]
        ingest = statistics.median(r["timings"]["ingest_s"] for r in records[w])
        med = statistics.median(totals)
        ratio = statistics.median(b / t for b, t in zip(base, totals, strict=True))
        lines.append(
            f"| {w} | {', '.join(f'{x:.1f}' for x in totals)} | {med:.1f} |"
            f" **{n / med:.1f}** | {ingest:.1f} | {ratio:.2f}x |"
        )
    for w in workers:
        record = records[w][-1]
        total = record["timings"]["total_s"]
        lines += ["", f"Where the time goes, workers = {w} (last round, {total:.1f} s):", ""]
        lines += ["| stage | seconds | share of the run |", "|---|---:|---:|"]
        lines += [f"| {name} | {sec:.1f} | {sec / total:.0%} |" for name, sec in stage_rows(record)]
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", choices=("real", "synthetic"), default="real")
    parser.add_argument("--articles", type=int, default=2000, help="synthetic site size")
    parser.add_argument("--per-list", type=int, default=50)
    parser.add_argument("--reposts", type=float, default=0.15, help="synthetic: repost share")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.site == "real":
        pages, n = build_real_site(args.per_list)
    else:
        pages, n = build_site(args.articles, args.per_list, args.reposts), args.articles
    records: dict[int, list[dict]] = {w: [] for w in args.workers}
    loads = [os.getloadavg()[0]]
    for r in range(args.rounds):
        for w in args.workers if r % 2 == 0 else list(reversed(args.workers)):
            record = run(pages, w)
            records[w].append(record)
            t = record["timings"]["total_s"]
            print(f"round {r + 1} workers {w}: {t:.1f} s, {n / t:.1f} pages/s", flush=True)
            loads.append(os.getloadavg()[0])
    print(write(records, args.site, n, args.rounds, loads, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
