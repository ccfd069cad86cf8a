"""The periodic progress line of a real crawl child, captured from its log. The portal paces
the crawl by the lines the test has read, not by the clock: nothing here depends on how
busy the machine is."""

from __future__ import annotations

import json
import re
import subprocess
import threading
from pathlib import Path

from portal_server import FAST, SITES_DIR, Portal, serve

from crawler.run import crawl_command

LINE = re.compile(
    r"\[crawler\.progress\] INFO: (done )?portal-test-portal: (\d+) pages \((\d+)/min overall,"
    r" (\d+) since last\), queue (-?\d+), errors (\d+), refused (\d+), articles kept (\d+)"
    r" skipped (\d+), seen-skip (\d+)"
)


class PacedPortal(Portal):
    """Answers an article only when the test lets it (`go`), which it does once per
    progress line read while an article waits: the crawl lasts as many progress lines as
    there are articles however busy the machine is, with articles still queued."""

    def __init__(self) -> None:
        super().__init__(n_lists=3, per_list=6)
        self.go = threading.Semaphore(0)
        self.waiting = 0

    def render(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        if path.startswith("/news/2024/"):
            with self.lock:
                self.waiting += 1
            self.go.acquire(timeout=60)  # bounded: a broken test must not hang the suite
            with self.lock:
                self.waiting -= 1
        return super().render(path)


def test_progress_lines_count_what_the_crawl_did(tmp_path: Path) -> None:
    portal = PacedPortal()
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
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        stderr = []
        for line in proc.stderr:
            stderr.append(line)
            found = LINE.search(line)
            with portal.lock:
                waiting = portal.waiting
            if found and found.group(1) is None and waiting:
                portal.go.release()
        code = proc.wait(timeout=120)
    errors = "".join(stderr)
    assert code == 0, errors[-2000:]
    stats = json.loads(result.read_text(encoding="utf-8"))
    lines = [m.groups() for m in LINE.finditer(errors)]
    periodic = [g for g in lines if g[0] is None]
    [final] = [g for g in lines if g[0] is not None]
    with portal.lock:
        served = sum(1 for path, _ in portal.log if path.startswith("/news/2024/"))
    assert served >= portal.n_lists * portal.per_list
    assert len(periodic) >= served, errors[-2000:]  # each article page waited for a line
    pages = [int(g[1]) for g in periodic]
    assert pages == sorted(pages) and pages[0] < stats["pages_fetched"]
    # "since last" adds up to the total; the queue was seen non-empty while crawling
    assert sum(int(g[3]) for g in [*periodic, final]) == stats["pages_fetched"]
    assert any(int(g[4]) > 0 for g in periodic)
    assert int(final[1]) == stats["pages_fetched"] and int(final[4]) == 0
    assert int(final[7]) == stats["articles_kept"] and int(final[8]) == stats["articles_skipped"]
    assert int(final[5]) == stats["errors"] and int(final[6]) == stats["refused"]
    assert all(int(g[2]) > 0 for g in periodic if int(g[1]) > 0)  # a rate once pages came in
