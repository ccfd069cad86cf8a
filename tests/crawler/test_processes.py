"""Processes: a crawl opens no listening socket (even when a config turns RemoteControl and
telnet on), `aidcorpus run` killed takes its crawl child with it and the next run proceeds,
and `scrapy crawl portal -a site=NAME` works in the checkout and yields items."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from portal_server import FAST, SITES_DIR, Portal, serve
from test_crawl import warc_responses

from crawler.run import crawl_command

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _listening_inodes() -> set[str]:
    """Inodes of every TCP socket in LISTEN state on this machine (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                cols = line.split()
                if cols[3] == "0A":  # TCP_LISTEN
                    found.add(cols[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_a_crawl_opens_no_listening_socket(tmp_path: Path) -> None:
    portal = Portal(n_lists=4, per_list=10, article_delay=0.03)
    # a run config that asks for the listening extensions gets them off anyway
    settings = {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "REMOTE_CONTROL_ENABLED": True,
                "TELNETCONSOLE_ENABLED": True}  # fmt: skip
    with serve(portal) as srv:
        argv, result = crawl_command(
            ["test-portal"], spec_dir=tmp_path, warc_dir=tmp_path / "warc",
            state_path=tmp_path / "state.sqlite", base_url=srv.base, settings=settings,
            sites_dir=SITES_DIR,
        )  # fmt: skip
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        checks = 0
        while proc.poll() is None:
            try:
                mine = _socket_inodes(proc.pid)
            except OSError:
                break
            assert not mine & _listening_inodes(), "the crawl opened a listening socket"
            checks += 1
            time.sleep(0.05)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert checks >= 5  # looked while it crawled
    assert json.loads(result.read_text())["pages_fetched"] > 20
    assert "RemoteControl" not in err and "Telnet" not in err


CONFIG = """[crawl]
sites = ["test-portal"]
sites_dir = "{sites}"
base_url = "{base}"
[corpus]
db = "data/corpus.db"
[scrapy]
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = false
PROGRESS_INTERVAL = 0
CONCURRENT_REQUESTS_PER_DOMAIN = 1
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_run_kills_its_crawl_and_the_next_run_proceeds(
    tmp_path: Path, sig: signal.Signals
) -> None:
    portal = Portal(n_lists=6, per_list=15, article_delay=0.05)
    with serve(portal) as srv:
        cfg = tmp_path / "aidcorpus.toml"
        cfg.write_text(CONFIG.format(sites=SITES_DIR, base=srv.base), encoding="utf-8")
        argv = [str(BIN / "aidcorpus"), "run", "--config", str(cfg)]
        run = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not any(p.startswith("/news/2024/") for p, _ in list(portal.log)):
            assert time.monotonic() < deadline and run.poll() is None, "no crawl started"
            time.sleep(0.02)
        [child] = _children(run.pid)
        run.send_signal(sig)
        run.communicate(timeout=30)
        gone = time.monotonic() + 10
        while _alive(child) and time.monotonic() < gone:
            time.sleep(0.05)
        assert not _alive(child), "the crawl child outlived its run"
        served = len(portal.log)
        time.sleep(0.3)
        assert len(portal.log) == served  # nobody is crawling any more
        again = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.startswith("crawl:") and "another aidcorpus run" not in again.stdout


def test_scrapy_crawl_portal_yields_items(tmp_path: Path) -> None:
    with serve(Portal()) as srv:
        out = tmp_path / "pages.jsonl"
        proc = subprocess.run(
            [str(BIN / "scrapy"), "crawl", "portal", "-a", "site=test-portal",
             "-a", f"base_url={srv.base}", "-s", f"AIDCORPUS_SITES_DIR={SITES_DIR}",
             "-s", f"WARC_DIR={tmp_path / 'warc'}", "-s", f"CRAWL_STATE_PATH={tmp_path / 's.db'}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING",
             "-O", str(out)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {"url", "site", "kind", "record_id", "status"} <= set(items[0])
    kinds = {i["kind"] for i in items}
    assert {"list", "article", "part", "sitemap", "feed"} <= kinds
    ids = {h["WARC-Record-ID"]: uri for uri, h, _ in warc_responses(tmp_path / "warc")}
    assert {i["record_id"]: i["url"] for i in items} == ids  # each item names its record
