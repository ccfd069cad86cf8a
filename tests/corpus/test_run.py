"""`aidcorpus run`: configuration errors are clear, and two runs never overlap."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.commands import UserError
from corpus.runner import load_config, run_lock

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))

CONFIG = """
[crawl]
sites = ["demo-shanxi"]
warc_dir = "data/warc"
[corpus]
db = "data/corpus.db"
[[export]]
format = "txt"
out = "out/txt"
"""


def test_config_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "aidcorpus.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    config = load_config(cfg)
    assert config.db == tmp_path / "data" / "corpus.db"
    assert config.exports[0].out == tmp_path / "out" / "txt"
    assert config.sites == ("demo-shanxi",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[crawl]\n", "needs sites"),
        ("[crawl\n", "not valid TOML"),
        ('[crawl]\nall = true\n[[export]]\nformat = "xml"\nout = "x"\n', "needs out"),
        ('[crawl]\nsites = "demo-shanxi"\n', "sites must be"),
        ("crawl = 5\n", "[crawl] must be a table"),
        ('[crawl]\nsites = ["a"]\n[export]\nout = "x"\n', "[[export]]"),
        ('[crawl]\nsites = ["a"]\nmax_pages = "ten"\n', "max_pages must be int"),
        ('[crawl]\nsites = ["a"]\n[[export]]\nout = 5\n', "out must be str"),
        ('[crawl]\nsites = ["a"]\nbase_url = "127.0.0.1"\n', "base_url must start"),
    ],
)
def test_bad_config(tmp_path: Path, text: str, message: str) -> None:
    """Syntax, missing keys and wrong types: one UserError naming the key."""
    cfg = tmp_path / "aidcorpus.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        load_config(cfg)


def test_second_run_waits_for_nobody_and_exits_zero(tmp_path: Path) -> None:
    cfg = tmp_path / "aidcorpus.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    lock = tmp_path / "data" / "corpus.db.lock"
    with run_lock(lock) as held:
        assert held
        proc = subprocess.run(
            [AIDCORPUS, "run", "--config", str(cfg)], capture_output=True, text=True, timeout=60
        )
    assert proc.returncode == 0, proc.stderr
    assert "another aidcorpus run holds" in proc.stdout
    assert not (tmp_path / "data" / "warc").exists()  # it did not start crawling


def test_crawl_option_errors_are_one_line(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    for extra in (["--base-url", "notaurl"], ["--sites-dir", str(tmp_path / "none")],
                  ["--base-url", "http://127.0.0.1:1", "--warc-dir", str(afile)]):
        proc = subprocess.run([AIDCORPUS, "crawl", "--site", "demo-shanxi", *extra],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("aidcorpus: error:") and "Traceback" not in proc.stderr
