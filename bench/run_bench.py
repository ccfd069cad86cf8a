"""End-to-end `aidcorpus run`: crawl -> ingest -> export of a local site, and where the time goes.

Command: `.venv/bin/python bench/run_bench.py [--articles 2000]` (from the repo root);
writes bench/results/run.md. The site is served on 127.0.0.1 only; politeness is lifted
for it (no delay, no AutoThrottle) so the pipeline, not the sleep, is measured.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
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
    n_lists = (n + per_list - 1) // per_list
    for k in range(n_lists):
        links = "".join(
            f'<li><a href="/news/2024/{i:05d}.html">援疆报道{i}</a></li>'
            for i in range(k * per_list, min((k + 1) * per_list, n))
        )
        if k + 1 < n_lists:
            links += f'<a href="/news/index_{k + 1}.html">下一页</a>'
        path = "/news/" if k == 0 else f"/news/index_{k}.html"
        pages[path] = (
            f"<html><head><meta charset=utf-8><title>援疆</title></head><body><ul>{links}</ul>"
            "</body></html>"
        ).encode()
    return pages


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
[corpus]
db = "data/corpus.db"
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


def run(n: int, per_list: int, repost_share: float) -> dict:
    server = serve(build_site(n, per_list, repost_share))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with tempfile.TemporaryDirectory(prefix="run-bench-") as tmp_name:
            tmp = Path(tmp_name)
            (tmp / "sites").mkdir()
            (tmp / "sites" / "bench-run.toml").write_text(PROFILE, encoding="utf-8")
            (tmp / "aidcorpus.toml").write_text(CONFIG % base, encoding="utf-8")
            started = time.monotonic()
            proc = subprocess.run(
                [AIDCORPUS, "run", "--config", str(tmp / "aidcorpus.toml")],
                capture_output=True, text=True, timeout=3600,
            )
            wall = time.monotonic() - started
            if proc.returncode != 0:
                raise SystemExit(f"aidcorpus run failed:\n{proc.stderr[-3000:]}")
            (stats_file,) = (tmp / "data" / "runs").glob("run-*.json")
            record = json.loads(stats_file.read_text(encoding="utf-8"))
    finally:
        server.shutdown()
    record["wall_s"] = wall
    return record


def write(record: dict, n: int, out: Path) -> str:
    t = record["timings"]
    ing = record["ingest"]
    stored = ing["stored"]
    inner = ing.get("timings", {})
    rows = [
        ("crawl (Scrapy child process, WARC written)", t["crawl_s"]),
        ("ingest: extract", inner.get("extract_s", 0.0)),
        ("ingest: dedup + store", inner.get("dedup_store_s", 0.0)),
        ("ingest: commit + index save", inner.get("commit_save_s", 0.0)),
        ("ingest: other (WARC read, index open)", t["ingest_s"] - sum(inner.values())),
        ("export (txt + jsonl)", t["export_s"]),
    ]
    lines = [
        "# End-to-end `aidcorpus run`",
        "",
        f"Command: `.venv/bin/python bench/run_bench.py --articles {n}`",
        f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},"
        " 2 CPUs shared with other work).",
        "",
        f"A local site on 127.0.0.1 with {n} distinct aid reports (some reposted with a new",
        "headline), served as UTF-8 HTML with portal chrome; `aidcorpus run` crawls it with",
        "politeness lifted, ingests the new WARC files and exports txt and JSONL.",
        "",
        f"Documents stored: {stored} in {ing['new_clusters']} clusters ({ing['reposts']} reposts,"
        f" {ing['exact']} exact copies); total {t['total_s']:.1f} s in the run"
        f" ({record['wall_s']:.1f} s wall with start-up):"
        f" **{stored / t['total_s']:.1f} documents/s end to end**,"
        f" ingest alone {stored / max(t['ingest_s'], 1e-9):.1f} documents/s.",
        "",
        "| stage | seconds | share |",
        "|---|---:|---:|",
    ]
    total = t["total_s"]
    lines += [f"| {name} | {sec:.1f} | {sec / total:.0%} |" for name, sec in rows]
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--per-list", type=int, default=50)
    parser.add_argument("--reposts", type=float, default=0.15, help="share of reposts")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    record = run(args.articles, args.per_list, args.reposts)
    print(write(record, args.articles, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
