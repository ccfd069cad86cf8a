"""Per-source quality: per-site counters from ingest, rates, and the regression warning."""

from __future__ import annotations

import json
from pathlib import Path

from corpus import quality
from corpus.quality import Quality, from_counts, regressions
from corpus.store import Store


def test_demo_run_stats_hold_per_site_counts(demo_corpus: Path) -> None:
    (run_file,) = sorted((demo_corpus / "runs").glob("run-*.json"))
    sites = json.loads(run_file.read_text(encoding="utf-8"))["ingest"]["sites"]
    assert set(sites) == {"demo-chinanews", "demo-farm", "demo-hebei", "demo-shanxi",
                          "demo-sxrb"}  # fmt: skip
    with Store.open(demo_corpus / "corpus.db") as store:
        stored = dict(store.conn.execute("SELECT site, count(*) FROM documents GROUP BY site"))
        off_topic = store.conn.execute(
            "SELECT count(*) FROM dropped WHERE reason = 'off-topic'"
        ).fetchone()[0]
    # the counters agree with what the store holds
    assert {s: c["stored"] for s, c in sites.items()} == stored
    assert sum(c.get("dropped/off-topic", 0) for c in sites.values()) == off_topic
    rows = quality.from_runs(demo_corpus / "runs")
    farm = next(q for q in rows if q.site == "demo-farm")
    # the content farm reposts: most of what it carried was already stored elsewhere
    assert farm.repost_rate > 0.3 and farm.off_topic_rate > 0
    chinanews = next(q for q in rows if q.site == "demo-chinanews")
    assert chinanews.damaged_rate > 0  # the mojibake copy


def test_store_view_matches_the_run_view(demo_corpus: Path) -> None:
    with Store.open(demo_corpus / "corpus.db") as store:
        from_store = {q.site: q for q in quality.from_store(store)}
    from_runs = {q.site: q for q in quality.from_runs(demo_corpus / "runs")}
    assert set(from_store) == set(from_runs)
    for site, q in from_runs.items():
        s = from_store[site]
        assert (s.stored, s.dropped, s.damaged_rate) == (q.stored, q.dropped, q.damaged_rate)


def test_rates_from_counts() -> None:
    counts = {"pages": 10, "not_ok": 2, "stored": 4, "damaged": 1, "reposts": 2,
              "dropped/empty": 2, "dropped/off-topic": 4}  # fmt: skip
    q = from_counts("x", "r1", counts)
    assert (q.pages, q.articles, q.stored) == (12, 8, 4)
    assert (q.empty_rate, q.damaged_rate, q.off_topic_rate, q.repost_rate) == (0.2, 0.25, 0.5, 0.5)


def _q(site: str, run: str, articles: int, empty: float = 0.0) -> Quality:
    return Quality(site, run, articles, articles, articles, empty, 0.0, 0.0, 0.0)


def test_a_site_that_falls_is_named() -> None:
    history = [_q("a", f"r{i}", 20) for i in range(4)] + [_q("b", f"r{i}", 10) for i in range(4)]
    history.append(_q("new", "r3", 30))
    current = [_q("a", "r5", 6), _q("b", "r5", 9, empty=0.5), _q("new", "r5", 1)]
    warnings = regressions(history, current)
    assert len(warnings) == 2
    assert warnings[0].startswith("a fell below its last 4 runs: articles found 6")
    assert "b fell" in warnings[1] and "empty rate 50%" in warnings[1]
    # one earlier run is not a baseline: "new" is not judged
    assert not any("new" in w for w in warnings)
    assert regressions(history, [_q("a", "r5", 19)]) == []


def test_record_names_crawled_sites_and_prefers_discovery() -> None:
    record = {
        "crawl": {"sites": ["a", "b"], "drift": [{"site": "a", "article_links": 40},
                                                 {"site": "b", "article_links": 2}]},
        "ingest": {"sites": {"a": {"pages": 3, "stored": 3}}},
    }  # fmt: skip
    rows = {q.site: q for q in quality.from_record(record, "r9")}
    assert rows["a"].discovered == 40 and rows["a"].articles == 3
    assert rows["b"].articles == 0 and rows["b"].discovered == 2  # crawled, nothing ingested
    assert quality.from_record({"ingest": {"pages": 3}}, "old") == []  # before per-site counts
    # a run that ingested nothing new still judges every site it crawled
    quiet = quality.from_record({"crawl": {"sites": ["a"]}, "ingest": {"sites": {}}}, "r10")
    assert [(q.site, q.articles) for q in quiet] == [("a", 0)]
    history = [
        Quality("a", f"r{i}", 10, 10, 10, 0.0, 0.0, 0.0, 0.0, discovered=40) for i in range(3)
    ] + [Quality("b", f"r{i}", 10, 10, 10, 0.0, 0.0, 0.0, 0.0, discovered=30) for i in range(3)]
    warnings = regressions(history, list(rows.values()))
    # an incremental run that fetched 3 new articles of 40 links is fine; 2 links of 30 is not
    assert len(warnings) == 1 and "b fell below" in warnings[0]
    assert "article links found 2 (recent median 30)" in warnings[0]
    # rates of a handful of pages are not judged
    few = Quality("a", "r9", 2, 2, 0, 1.0, 0.0, 0.0, 0.0, discovered=40)
    assert regressions(history, [few]) == []


def test_run_summary_warns_when_a_site_falls(tmp_path: Path) -> None:
    from corpus.demo.run import run_demo

    runs = tmp_path / "runs"
    runs.mkdir()
    for i, day in enumerate(("20260101T000000", "20260108T000000")):
        past = {"finished": f"2026-01-0{i + 1}", "crawl": {"sites": ["demo-shanxi"]},
                "ingest": {"sites": {"demo-shanxi": {"pages": 40, "stored": 40}}}}  # fmt: skip
        (runs / f"run-{day}.json").write_text(json.dumps(past), encoding="utf-8")
    summary = run_demo(tmp_path)
    (line,) = [x for x in summary.splitlines() if "fell below" in x]
    assert line.startswith("warn:   demo-shanxi fell below its last 2 runs: articles found")
    assert "(recent median 40)" in line
    newest = sorted(runs.glob("run-*.json"))[-1]
    record = json.loads(newest.read_text(encoding="utf-8"))
    assert record["quality_warnings"] == [line.removeprefix("warn:   ")]
    assert {q["site"] for q in record["quality"]} >= {"demo-shanxi", "demo-farm"}
    # the report shows the warning above its quality table
    from corpus.report import write_report

    with Store.open(tmp_path / "corpus.db") as store:
        page = write_report(store, tmp_path / "report", runs_dir=runs).path.read_text("utf-8")
    assert "demo-shanxi fell below its last 2 runs" in page


def test_incremental_runs_are_not_judged_on_counts() -> None:
    def run(n: int, discovered: int, not_modified: int) -> dict:
        return {"crawl": {"sites": ["a"], "drift": [{"site": "a", "article_links": discovered}],
                          "counters": {"crawl/not-modified": not_modified}},
                "ingest": {"sites": {"a": {"pages": n, "stored": n}}}}  # fmt: skip

    history = [q for i in range(3) for q in quality.from_record(run(30, 40, 0), f"r{i}")]
    assert all(q.full for q in history)
    quiet = quality.from_record(run(2, 3, not_modified=12), "r4")  # lists answered 304
    assert quiet[0].full is False and regressions(history, quiet) == []
    broken = quality.from_record(run(0, 1, not_modified=0), "r5")  # a full run that found 1
    (warning,) = regressions(history, broken)
    assert "article links found 1 (recent median 40)" in warning
