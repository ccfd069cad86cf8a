"""`aidcorpus report`: a self-contained HTML page whose charts render in a real Chromium.

The browser test saves a screenshot of the whole page as <pytest tmp dir>/report.png
(printed with -s; e.g. /tmp/pytest-of-root/pytest-N/test_report_renders_in_chromium0/).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cdp_browser import Browser, find_chromium

from corpus.cli import main
from corpus.report import write_report
from corpus.store import Store

ALL_RENDERED = (
    "(() => { const c = [...document.querySelectorAll('.chart')];"
    " return c.length && c.every(e => e.dataset.rendered) ? c.length : 0; })()"
)
CHART_STATE = (
    "[...document.querySelectorAll('.chart')].map(e => ({id: e.id, state: e.dataset.rendered,"
    " svg: e.querySelectorAll('svg').length, marks: e.querySelectorAll('svg path').length,"
    " text: e.querySelector('svg') ? e.querySelector('svg').textContent : ''}))"
)


@pytest.fixture(scope="module")
def report(demo_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--db", str(demo_corpus / "corpus.db"), "--out", str(out)]) == 0
    return out / "index.html"


def test_report_is_self_contained(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    # nothing fetched from anywhere: no src/href to a script, stylesheet or CDN
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+stylesheet", page)
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
    assert "vegaEmbed" in page and "BSD-3-Clause" in page
    ids = re.findall(r'<div class="chart" id="chart-([a-z0-9-]+)"', page)
    for wanted in ("per-month-province", "per-month-outlet", "recipients", "cluster-sizes",
                   "reposting-outlets", "repost-delays", "who-reposts-whom", "dropped", "damage",
                   "text-length",
                   "figure-1", "quality"):  # fmt: skip
        assert wanted in ids
    # the figure's history names both values, and the run stats' per-site quality is used
    assert "山西选派援疆医生" in page and ">67<" in page and ">105<" in page
    assert "from run stats in" in page and "demo-shanxi" in page


def test_report_renders_in_chromium(report: Path, tmp_path: Path) -> None:
    exe = find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    with Browser(exe, tmp_path / "profile") as browser:
        session = browser.open_page(report.as_uri())
        count = browser.wait_for(session, ALL_RENDERED, timeout=60)
        charts = browser.evaluate(session, CHART_STATE)
        shot = browser.screenshot(session, tmp_path / "report.png")
        print(f"screenshot: {shot}")
        problems = browser.problems()
        requests = browser.requests()
    assert count >= 10 and len(charts) == count
    for chart in charts:
        assert chart["state"] == "ok", chart["id"]
        assert chart["svg"] >= 1 and chart["marks"] >= 3, chart["id"]
    by_id = {c["id"]: c["text"] for c in charts}
    assert "山西" in by_id["chart-per-month-province"]  # data drawn, not an empty frame
    assert "中华网山西" in by_id["chart-figure-1"]
    assert problems == []
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_corpus_gives_a_page_without_charts(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "c.db"
    Store.open(db, create=True).close()
    with Store.open(db) as store:
        result = write_report(store, tmp_path / "out")
    page = result.path.read_text(encoding="utf-8")
    assert result.charts == 0 and "no dated documents" in page and "<h1>" in page


def test_report_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path)]) == 2
    assert "no corpus database" in capsys.readouterr().err


def test_many_outlets_fold_into_others_and_lengths_are_binned(demo_corpus: Path) -> None:
    from corpus.report import data

    with Store.open(demo_corpus / "corpus.db") as store:
        full = data.month_outlet(store)
        folded = data.month_outlet(store, top=2)
        bins = data.text_lengths(store)
        total = store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        lengths = [r[0] for r in store.conn.execute("SELECT length(text) FROM documents")]
    assert len({r["outlet"] for r in folded}) == 3 and "(others)" in {r["outlet"] for r in folded}
    assert sum(r["documents"] for r in folded) == sum(r["documents"] for r in full) == total
    assert sum(r["documents"] for r in bins) == total
    for length in lengths:  # every document falls in exactly one bin
        assert len({r["start"] for r in bins if r["start"] <= length < r["stop"]}) == 1


def test_chart_layout_fixes_seen_in_the_screenshot() -> None:
    """The screenshot showed the cluster sizes' 1/2/3 turned on their side and the figure
    history's first and last points half outside the frame."""
    from corpus.report import charts

    sizes = charts.cluster_sizes([{"copies": 1, "clusters": 5}, {"copies": 2, "clusters": 12}])
    assert sizes is not None and sizes["encoding"]["x"]["axis"]["labelAngle"] == 0
    history = charts.figure_history(
        [{"date": "2023-04-13", "amount": 67, "series": "a", "outlet": "x", "changed": False,
          "phrase": "p", "value": "67", "unit": "名", "title": "t", "url": "u"}], "p"
    )  # fmt: skip
    assert history is not None and history["layer"][0]["encoding"]["x"]["scale"]["padding"] > 0


def test_report_finds_the_run_stats_where_the_run_config_put_them(
    demo_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A config with db = "corpus.db" has `aidcorpus run` write stats to data/runs (the
    runs_dir default), not beside the database: the report looked only beside it."""
    import shutil

    shutil.copy(demo_corpus / "corpus.db", tmp_path / "corpus.db")
    shutil.copytree(demo_corpus / "runs", tmp_path / "data" / "runs")
    (tmp_path / "aidcorpus.toml").write_text('[corpus]\ndb = "corpus.db"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AIDCORPUS_CONFIG", raising=False)
    assert main(["report", "--db", "corpus.db", "--out", "rep"]) == 0
    page = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    assert "from run stats in data/runs" in page and "demo-shanxi" in page
