"""The periodic progress line of a real crawl child, captured from its log."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from portal_server import FAST, SITES_DIR, Portal, serve

from crawler.run import crawl_command

LINE = re.compile(
    r"\[crawler\.progress\] INFO: (done )?portal-test-portal: (\d+) pages \((\d+)/min overall,"
    r" (\d+) since last\), queue (-?\d+), errors (\d+), refused (\d+), articles kept (\d+)"
    r" skipped (\d+), seen-skip (\d+)"
)


def test_progress_lines_count_what_the_crawl_did(tmp_path: Path) -> None:
    portal = Portal(n_lists=3, per_list=6, article_delay=0.05)
    settings = {**FAST, "LOG_LEVEL": "INFO", "PROGRESS_INTERVAL": 0.1,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 1}  # fmt: skip
    with serve(portal) as srv:
        argv, result = crawl_command(
            ["test-portal"],
            spec_dir=tmp_path,
            warc_dir=tmp_path / "warc",
            state_path=tmp_path / "state.sqlite",
            base_url=srv.base,
            settings=settings,
            sites_dir=SITES_DIR,
        )
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    stats = json.loads(result.read_text(encoding="utf-8"))
    lines = [m.groups() for m in LINE.finditer(proc.stderr)]
    periodic = [g for g in lines if g[0] is None]
    [final] = [g for g in lines if g[0] is not None]
    assert len(periodic) >= 3, proc.stderr[-2000:]  # ~20 articles at 50 ms each, one at a time
    pages = [int(g[1]) for g in periodic]
    assert pages == sorted(pages) and pages[-1] < stats["pages_fetched"]
    # "since last" adds up to the total; the queue was seen non-empty while crawling
    assert sum(int(g[3]) for g in [*periodic, final]) == stats["pages_fetched"]
    assert any(int(g[4]) > 0 for g in periodic)
    assert int(final[1]) == stats["pages_fetched"] and int(final[4]) == 0
    assert int(final[7]) == stats["articles_kept"] and int(final[8]) == stats["articles_skipped"]
    assert int(final[5]) == stats["errors"] and int(final[6]) == stats["refused"]
    assert all(int(g[2]) > 0 for g in periodic if int(g[1]) > 0)  # a rate once pages came in
