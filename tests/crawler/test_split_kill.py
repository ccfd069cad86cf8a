"""Multi-page articles stay whole whatever is killed when: a real `aidcorpus run` on a local
portal of real pages is SIGKILLed (or its crawl child SIGKILLed or SIGTERMed) while a later
page of a split article is on the wire (the server holds that response), then run again:
the stored text of every split article is its whole ground truth, every other article is
stored once, and no page of an article is a document of its own."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from real_portal import EVALDATA, Article, RealPortal, _split, load_articles, serve
from test_crawl import warc_responses
from test_portal_run import AIDCORPUS, CONFIG, PROFILE, good_pattern

from crawler import records


class HoldingPortal(RealPortal):
    """Holds the response to `hold` until `release` is set (or a minute passed)."""

    def __init__(self, articles: list[Article], hold: str) -> None:
        super().__init__(articles, calendar=False)
        self.hold = hold
        self.asked = threading.Event()  # the held page was requested
        self.release = threading.Event()

    def render(self, path: str, base: str) -> tuple[int, str, bytes]:
        if path == self.hold and not self.release.is_set():
            self.asked.set()
            self.release.wait(60)
        return super().render(path, base)


@dataclass(frozen=True)
class Kill:
    target: str  # "run" | "crawl" (the crawl child of run) | "group" (run's process group)
    sig: signal.Signals
    page: int  # the page of the 3-page article whose response is held (2 or 3)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _crawl_child(run_pid: int) -> int:
    """The pid of `run`'s crawl child (`python -m crawler.child SPEC`)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{run_pid}/task").iterdir():
            for pid in (task / "children").read_text().split():
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"crawler.child" in cmdline:
                    return int(pid)
        time.sleep(0.05)
    raise AssertionError("no crawl child found")


def _gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists():
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.split(") ", 1)[1].startswith("Z"):  # a zombie: dead, not yet reaped
            return
        assert time.monotonic() < deadline, f"process {pid} did not end"
        time.sleep(0.05)


def _logged(log: Path, line: str) -> None:
    deadline = time.monotonic() + 30
    while not (log.exists() and line in log.read_text(encoding="utf-8", errors="replace")):
        assert time.monotonic() < deadline, f"{line!r} never logged"
        time.sleep(0.05)


def _docs(root: Path) -> dict[str, str]:
    db = root / "data" / "corpus.db"
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT url, text FROM documents"))


def _profile(root: Path, articles: list[Article]) -> None:
    """The portal's profile with its right article_pattern, in root/sites."""
    (root / "sites").mkdir(parents=True)
    (root / "sites" / "realportal.toml").write_text(
        PROFILE.format(
            lists=r"/channel/(index_\d+\.html)?$",
            articles=good_pattern(articles),
            start="/channel/",
        ),
        encoding="utf-8",
    )


def _crawl_once(
    root: Path, portal: RealPortal, articles: list[Article]
) -> tuple[subprocess.CompletedProcess[str], str]:
    _profile(root, articles)
    with serve(portal) as srv:
        (root / "aidcorpus.toml").write_text(CONFIG.format(base=srv.base), encoding="utf-8")
        argv = [AIDCORPUS, "run", "--config", str(root / "aidcorpus.toml")]
        return subprocess.run(argv, capture_output=True, text=True, timeout=300), srv.base


@pytest.fixture(scope="module")
def clean(articles: list[Article], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Path -> stored text of the split articles after one run nobody killed: every
    page's text in it (the page's longest paragraph; extract moves bylines out)."""
    root = tmp_path_factory.mktemp("clean")
    proc, base = _crawl_once(root, RealPortal(articles, calendar=False), articles)
    assert proc.returncode == 0, proc.stderr[-3000:]
    docs = _docs(root)
    texts = {}
    for art in (a for a in articles if a.part_paths):
        text = _squash(docs[base + art.path])
        for k in range(len(art.pages)):
            paras = _split(art.truth, len(art.pages))[k]
            assert _squash(max(paras, key=len)) in text, (art.path, k + 1)
        texts[art.path] = text
    return texts


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    if not EVALDATA.is_dir():
        pytest.skip("../shared/evaldata is not beside the checkout")
    arts = load_articles()
    multi = [a for a in arts if a.part_paths]
    return [*[a for a in arts if not a.part_paths][:8], *multi]


KILLS = [
    Kill("run", signal.SIGKILL, 2),  # page 1 fetched, held in memory
    Kill("run", signal.SIGKILL, 3),  # pages 1-2 fetched
    Kill("crawl", signal.SIGKILL, 3),
    Kill("crawl", signal.SIGTERM, 2),  # Scrapy closes gracefully: pages 1.. archived, marked
    Kill("group", signal.SIGINT, 3),  # Ctrl-C in a terminal: run and its crawl get SIGINT
]


@pytest.mark.parametrize("kill", KILLS, ids=lambda k: f"{k.target}-{k.sig.name}-page{k.page}")
def test_split_article_whole_after_a_kill(
    articles: list[Article], clean: dict[str, str], tmp_path: Path, kill: Kill
) -> None:
    [three] = [a for a in articles if len(a.part_paths) == 2][:1]
    portal = HoldingPortal(articles, hold=three.part_paths[kill.page - 2])
    _profile(tmp_path, articles)
    argv = [AIDCORPUS, "run", "--config", str(tmp_path / "aidcorpus.toml")]
    with serve(portal) as srv:
        config = CONFIG.format(base=srv.base)
        (tmp_path / "aidcorpus.toml").write_text(config, encoding="utf-8")
        first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True)  # fmt: skip
        try:
            assert portal.asked.wait(120), "the held page was never requested"
            victim = _crawl_child(first.pid) if kill.target == "crawl" else first.pid
            if kill.target == "group":
                os.killpg(first.pid, kill.sig)
            else:
                os.kill(victim, kill.sig)
            if kill.sig == signal.SIGTERM:  # Scrapy waits for the held page: let it come
                _logged(tmp_path / "data" / "crawl.log", "Received SIGTERM")
                portal.release.set()
            if kill.target == "crawl":
                _gone(victim)
            else:
                first.wait(timeout=60)
        finally:
            portal.release.set()  # the next run gets the page at once
            if first.poll() is None and kill.target != "crawl":
                first.kill()
            first.communicate(timeout=120)
        held = _docs(tmp_path).get(srv.base + three.path)
        second = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        base = srv.base
    assert second.returncode == 0, second.stderr[-3000:]
    # the profile says topic_gate = false: nothing is off-topic, the summary does not say so
    assert "(topic gate off)" in second.stdout and "off-topic" not in second.stdout
    # the killed run never stored the article cut short
    assert held is None or _squash(held) == clean[three.path]
    docs = _docs(tmp_path)
    for art in articles:
        assert base + art.path in docs, art.path  # nothing lost
        for part in art.part_paths:  # a page of an article is never a document
            assert base + part not in docs
    assert len(docs) == len(articles)  # nothing stored twice
    for art in (a for a in articles if a.part_paths):
        assert _squash(docs[base + art.path]) == clean[art.path], art.path
    if kill.sig == signal.SIGTERM:  # the graceful close archived the pages it had, marked
        counts = {h.get(records.PARTS) for uri, h, _ in warc_responses(tmp_path / "data" / "warc")
                  if h.get(records.PART_OF) == base + three.path}  # fmt: skip
        assert {"0", "3"} <= counts, counts
