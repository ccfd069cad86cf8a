"""Path options of `crawl` and `run` whose parent folder does not exist are a one-line error
(exit 2) that creates nothing; the default data folder beside a run's config is still made."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from portal_server import SITES_DIR
from test_portal_run import AIDCORPUS


def _aidcorpus(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AIDCORPUS, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)  # fmt: skip


@pytest.mark.parametrize(
    ("option", "what"),
    [("--state", "crawl state"), ("--warc-dir", "WARC folder"), ("--log-file", "crawl log")],
)
def test_crawl_path_in_a_missing_folder(tmp_path: Path, option: str, what: str) -> None:
    missing = tmp_path / "no" / "such"
    proc = _aidcorpus("crawl", "--site", "test-portal", "--sites-dir", str(SITES_DIR),
                      "--base-url", "http://127.0.0.1:9", option, str(missing / "x"),
                      cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    said = f"aidcorpus: error: {what} {missing / 'x'}: no such folder {missing}"
    assert proc.stderr.strip() == said
    assert not (tmp_path / "no").exists()  # nothing created
    assert not (tmp_path / "warc").exists() and not (tmp_path / "crawl-state.db").exists()


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("[crawl]\nstate", "crawl state"),
        ("[crawl]\nwarc_dir", "WARC folder"),
        ("[crawl]\nlog_file", "crawl log"),
        ("[corpus]\ndb", "corpus database"),
        ("runs_dir", "runs folder"),
    ],
)
def test_run_path_in_a_missing_folder(tmp_path: Path, key: str, what: str) -> None:
    table, _, name = key.rpartition("\n")
    top = f'{name} = "no/such/x"\n' if not table else ""
    config = top + '[crawl]\nsites = ["test-portal"]\nsites_dir = "sites"\n'
    if table == "[crawl]":
        config += f'{name} = "no/such/x"\n'
    elif table:
        config += f'{table}\n{name} = "no/such/x"\n'
    (tmp_path / "sites").symlink_to(SITES_DIR)
    (tmp_path / "aidcorpus.toml").write_text(config, encoding="utf-8")
    proc = _aidcorpus("run", "--config", str(tmp_path / "aidcorpus.toml"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    x = tmp_path / "no" / "such" / "x"
    assert proc.stderr.strip() == f"aidcorpus: error: {what} {x}: no such folder {x.parent}"
    assert not (tmp_path / "no").exists() and not (tmp_path / "data").exists()
