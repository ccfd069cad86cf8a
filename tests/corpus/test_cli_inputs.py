"""Bad arguments and settings, each found by trying them: one line on stderr and exit 2
(or exit 1 for a run whose ingest could not read a file), never a traceback."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.errors import UserError
from corpus.runner import load_config
from corpus.store import Store
from tests.corpus.exportkit import AIDCORPUS, add, key_of


def _one_line_error(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("aidcorpus"), proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "--site", "demo-shanxi", "--max-pages", "0"],
        ["crawl", "--site", "demo-shanxi", "--max-pages", "-1"],
        ["crawl", "--site", "demo-shanxi", "--refresh-after", "nan"],
        ["crawl", "--site", "demo-shanxi", "--refresh-after", "-2"],
        ["ingest", "--db", "x.db", "--batch", "0", "."],
        ["clusters", "--db", "x.db", "--min-size", "0"],
    ],
)
def test_counts_are_validated(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    assert "must be" in capsys.readouterr().err


def test_figures_match_is_literal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    with Store.open(db, create=True) as store:
        add(store, "http://a.cn/1.html", "援疆正文")
        with store.batch():
            store.add_figures(key_of("http://a.cn/1.html"), [
                ("95", 95.0, "%", "覆盖率", "覆盖率达95%"),
                ("67", 67.0, "名", "援疆医生", "选派援疆医生67名"),
            ])  # fmt: skip
    assert main(["figures", "--db", str(db), "--match", "%", "--format", "jsonl"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 1 and "覆盖率" in rows[0]
    assert main(["figures", "--db", str(db), "--match", "_", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""


def test_show_with_a_url_that_is_not_utf8(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Store.open(db, create=True).close()
    proc = subprocess.run([AIDCORPUS.encode(), b"show", b"--db", str(db).encode(),
                           b"http://a.cn/\xff.html"], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    _one_line_error(proc)
    assert "not valid UTF-8" in proc.stderr


def test_a_profile_that_is_not_utf8(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "bad.toml").write_bytes(b'name = "bad\xff"\n')
    proc = subprocess.run([AIDCORPUS, "crawl", "--site", "bad", "--sites-dir", str(sites)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    _one_line_error(proc)
    assert "bad.toml" in proc.stderr


@pytest.mark.parametrize("kind", ["folder", "text", "short", "corpus"])
def test_a_bad_crawl_state(tmp_path: Path, kind: str) -> None:
    state = tmp_path / "state"
    if kind == "folder":
        state.mkdir()
    elif kind == "text":
        state.write_text("not a database at all, but a text file of some length\n" * 4)
    elif kind == "short":
        state.write_text("x")  # SQLite would take this for an empty database
    else:
        Store.open(state, create=True).close()
    before = state.read_bytes() if state.is_file() else None
    proc = subprocess.run(
        [AIDCORPUS, "crawl", "--site", "demo-shanxi", "--state", str(state),
         "--warc-dir", str(tmp_path / "w"), "--base-url", "http://127.0.0.1:9"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    _one_line_error(proc)
    assert "crawl state" in proc.stderr
    if before is not None:
        assert state.read_bytes() == before  # left as it was


@pytest.mark.parametrize(
    ("scrapy", "message"),
    [
        ('CONCURRENT_REQUESTS = "many"', "CONCURRENT_REQUESTS must be int"),
        ("DOWNLOAD_TIMEOUT = true", "DOWNLOAD_TIMEOUT must be"),
        ('ROBOTSTXT_OBEY = "no"', "ROBOTSTXT_OBEY must be bool"),
        ("DOWNLOAD_DELAY = nan", "DOWNLOAD_DELAY must be"),
        ('download_delay = 1', "not a Scrapy setting name"),
        # 0 requests at a time: the crawl never downloads and `run` hangs until killed
        ("CONCURRENT_REQUESTS_PER_DOMAIN = 0", "CONCURRENT_REQUESTS_PER_DOMAIN must be 1 or more"),
        ("CONCURRENT_REQUESTS = -1", "CONCURRENT_REQUESTS must be 1 or more"),
        ("DEPTH_LIMIT = -5", "DEPTH_LIMIT must be 0 or more"),  # crawled 0 pages, exit 0
        ("DOWNLOAD_DELAY = -1.5", "DOWNLOAD_DELAY must be 0 or more"),
    ],
)
def test_a_bad_scrapy_value_is_refused(tmp_path: Path, scrapy: str, message: str) -> None:
    cfg = tmp_path / "aidcorpus.toml"
    cfg.write_text(f'[crawl]\nsites = ["demo-shanxi"]\n[scrapy]\n{scrapy}\n', encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        load_config(cfg)


def test_good_scrapy_values_pass(tmp_path: Path) -> None:
    cfg = tmp_path / "aidcorpus.toml"
    cfg.write_text(
        '[crawl]\nsites = ["demo-shanxi"]\n[scrapy]\nDOWNLOAD_DELAY = 2\n'
        'AUTOTHROTTLE_ENABLED = false\nMY_OWN_SETTING = "x"\nDEPTH_PRIORITY = -1\n',
        encoding="utf-8",
    )
    assert load_config(cfg).crawl_settings["DOWNLOAD_DELAY"] == 2


def test_run_exits_1_when_ingest_could_not_read_a_file(tmp_path: Path) -> None:
    from corpus.demo.server import DemoServer

    warc = tmp_path / "data" / "warc"
    warc.mkdir(parents=True)
    (warc / "cut.warc.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(40))
    cfg = tmp_path / "aidcorpus.toml"
    with DemoServer() as server:
        cfg.write_text(
            f'[crawl]\nsites = ["demo-sxrb"]\nbase_url = "{server.base_url}"\nmax_pages = 3\n'
            '[scrapy]\nDOWNLOAD_DELAY = 0\n[[export]]\nformat = "jsonl"\nout = "out"\n',
            encoding="utf-8",
        )
        proc = subprocess.run([AIDCORPUS, "run", "--config", str(cfg)], capture_output=True,
                              text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "cut.warc.gz" in proc.stderr and "export:" in proc.stdout
    assert proc.stderr.count("aidcorpus: error:") == 1
