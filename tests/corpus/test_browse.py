"""`aidcorpus browse`: datasette with the FTS table, labels and canned queries."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from corpus.browse import QUERIES, available, metadata
from corpus.cli import main


def _run_canned(db: Path, name: str, **params: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    names = {"min_copies": "", "phrase": "", **params}
    rows = [dict(r) for r in conn.execute(QUERIES[name]["sql"], names)]
    conn.close()
    return rows


def test_canned_queries_answer_on_the_demo(demo_corpus: Path) -> None:
    db = demo_corpus / "corpus.db"
    copies = _run_canned(db, "cluster_copies")
    sizes = {r["cluster"]: r["copies"] for r in copies}
    assert copies and min(sizes.values()) >= 2
    for cluster, size in sizes.items():  # every copy listed, one of them canonical
        mine = [r for r in copies if r["cluster"] == cluster]
        assert len(mine) == size and sum(r["is_canonical"] for r in mine) == 1
    history = _run_canned(db, "figure_history", phrase="援疆医生")
    assert [r["value"] for r in history if "山西" in r["phrase"]].count("105") >= 2
    assert {"67", "105"} <= {r["value"] for r in history}
    outlets = {r["outlet"]: r for r in _run_canned(db, "outlet_counts")}
    assert outlets["聚才人力资讯网"]["reposts"] >= 1 and len(outlets) == 5
    found = _run_canned(db, "text_search", phrase="援疆医生")
    assert found and all("[援疆医生]" in r["snippet"] or "援疆医生" in r["title"] for r in found)


def test_metadata_names_the_fts_table(tmp_path: Path, demo_corpus: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "meta.json"
    db = demo_corpus / "corpus.db"
    assert main(["browse", "--db", str(db), "--metadata-out", str(out)]) == 0
    meta = json.loads(out.read_text(encoding="utf-8"))
    assert meta == metadata(db)
    docs = meta["databases"]["corpus"]["tables"]["documents"]
    assert docs["fts_table"] == "documents_fts" and docs["label_column"] == "title"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str, deadline: float) -> object:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_datasette_serves_the_canned_queries(demo_corpus: Path) -> None:
    if not available():
        pytest.skip("datasette is not installed (pip install 'aidcorpus[browse]')")
    port = _free_port()
    exe = Path(sys.executable).with_name("aidcorpus")
    proc = subprocess.Popen(
        [str(exe), "browse", "--db", str(demo_corpus / "corpus.db"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # one signal ends aidcorpus and its datasette child
    )
    try:
        base = f"http://127.0.0.1:{port}/corpus"
        deadline = time.monotonic() + 60
        rows = _get_json(f"{base}/cluster_copies.json?_shape=array&min_copies=3", deadline)
        assert rows and all(r["copies"] >= 3 for r in rows)
        conn = sqlite3.connect(demo_corpus / "corpus.db")
        expected = {r[0] for r in conn.execute(
            "SELECT d.outlet FROM documents d JOIN clusters c ON c.id = d.cluster_id"
            " WHERE c.size >= 3")}  # fmt: skip
        conn.close()
        assert {r["outlet"] for r in rows} == expected and len(expected) >= 3
        q = urllib.parse.quote("援疆医生")
        found = _get_json(f"{base}/documents.json?_search={q}&_shape=array", deadline)
        assert found and all("援疆医生" in r["text"] or "援疆医生" in r["title"] for r in found)
        history = _get_json(f"{base}/figure_history.json?_shape=array&phrase={q}", deadline)
        assert {"67", "105"} <= {r["value"] for r in history}
        # foreign keys: datasette labels each end of a link with its document's title
        links = _get_json(f"{base}/links.json?_shape=array&_labels=on", deadline)
        assert links and all(set(r["a"]) == {"value", "label"} for r in links)
        assert any("山西" in r["a"]["label"] for r in links)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def test_browse_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["browse", "--db", str(tmp_path / "none.db")]) == 2
    assert "no corpus database" in capsys.readouterr().err
