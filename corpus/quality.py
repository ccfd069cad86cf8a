"""Per-source quality: for each site profile and run, how much came in and how good it was.

Read from the run stats files (`runs/run-*.json`, whose `ingest.sites` holds the per-site
counters that corpus/ingest_run.py keeps) and, for corpora without them, from the store.
`regressions` compares a run with the site's recent runs: the warning in a run summary.
"""

from __future__ import annotations

import json
import logging
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.store import Store

log = logging.getLogger(__name__)

DAMAGED = 0.01  # documents.damage above this counts as damaged (mojibake), as in `stats`
FILES = "(files)"  # inputs ingested without a site profile (saved pages, text files)
EXTRACTION_REASONS = ("empty", "not-html", "too-large", "binary", "timeout")
MIN_PAGES = 5  # fewer pages of a site in a run: its rates are not judged


@dataclass(frozen=True, slots=True)
class Quality:
    """One site in one run (or, read from the store, over all runs: run = "all")."""

    site: str
    run: str
    pages: int  # article responses read (2xx and not)
    articles: int  # pages that gave an article, on topic or not
    stored: int  # new documents
    empty_rate: float  # of 2xx pages, extraction found no text
    damaged_rate: float  # of new documents, mojibake-damaged
    off_topic_rate: float  # of articles, dropped by the topic gate
    repost_rate: float  # of new documents, a repost or exact copy of one already stored
    dropped: dict[str, int] = field(default_factory=dict)
    # links that looked like articles on the site's lists, feeds and sitemaps, refetched
    # or not (the crawl's drift report): discovery, whatever an incremental run skipped
    discovered: int | None = None
    # every list page of the run was fetched whole (no 304 Not Modified): only then do its
    # counts compare with other such runs; None when the run stats do not say
    full: bool | None = None

    def row(self) -> dict[str, object]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def from_counts(
    site: str,
    run: str,
    c: Mapping[str, int],
    discovered: int | None = None,
    full: bool | None = None,
) -> Quality:
    """A Quality from the counters of corpus.ingest.IngestStats.sites."""
    dropped = {k.split("/", 1)[1]: v for k, v in c.items() if k.startswith("dropped/") and v}
    ok_pages = c.get("pages", 0)
    failed = sum(dropped.get(r, 0) for r in EXTRACTION_REASONS)
    articles = ok_pages - failed
    stored = c.get("stored", 0)
    return Quality(
        site=site,
        run=run,
        pages=ok_pages + c.get("not_ok", 0),
        articles=articles,
        stored=stored,
        empty_rate=_rate(dropped.get("empty", 0), ok_pages),
        damaged_rate=_rate(c.get("damaged", 0), stored),
        off_topic_rate=_rate(dropped.get("off-topic", 0), articles),
        repost_rate=_rate(c.get("reposts", 0), stored),
        dropped=dropped,
        discovered=discovered,
        full=full,
    )


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def from_record(record: Mapping[str, Any], run: str) -> list[Quality]:
    """Per site, from one run stats record (corpus/runner.py): the ingest's per-site
    counters, the crawl's per-site discovery, and every site crawled even if nothing came."""
    ingest = record.get("ingest") or {}
    crawl = record.get("crawl") or {}
    if "sites" not in ingest:
        return []  # a run from before per-site counters: nothing to compare
    sites: dict[str, Mapping[str, int]] = dict(ingest["sites"] or {})
    discovered: dict[str, int] = {}
    for d in crawl.get("drift") or ():
        if isinstance(d, Mapping) and "site" in d and "article_links" in d:
            discovered[str(d["site"])] = int(d["article_links"])
    for site in crawl.get("sites") or ():
        sites.setdefault(str(site), {})  # crawled, and not one page of it ingested
    counters = crawl.get("counters")
    full = None if not isinstance(counters, Mapping) else not counters.get("crawl/not-modified")
    return [from_counts(s, run, c, discovered.get(s), full) for s, c in sorted(sites.items())]


def from_runs(runs_dir: Path) -> list[Quality]:
    """Every site of every run stats file that has per-site counters, oldest run first."""
    out: list[Quality] = []
    if not runs_dir.is_dir():
        return out
    for path in sorted(runs_dir.glob("run-*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("skipping unreadable run stats file %s: %s", path, exc)
            continue
        if isinstance(record, dict):
            out.extend(from_record(record, str(record.get("finished") or path.stem[4:])))
    return out


def latest_warnings(runs_dir: Path) -> list[str]:
    """The quality warnings the newest run stats file recorded."""
    files = sorted(runs_dir.glob("run-*.json")) if runs_dir.is_dir() else []
    for path in reversed(files):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        return [str(w) for w in record.get("quality_warnings") or ()]
    return []


def from_store(store: Store) -> list[Quality]:
    """Per site over the whole corpus, for corpora without per-site run stats.

    A dropped page carries no site; it is credited to the site of the documents that came
    from the same input file (our crawler writes one WARC file per site).
    """
    counts: dict[str, dict[str, int]] = {}
    rows = store.conn.execute(
        "SELECT coalesce(site, ?) AS site, count(*) AS stored,"
        " sum(damage > ?) AS damaged, sum(repost_of IS NOT NULL) AS reposts"
        " FROM documents GROUP BY 1",
        (FILES, DAMAGED),
    )
    for r in rows:
        counts[r["site"]] = {
            "pages": r["stored"],
            "stored": r["stored"],
            "damaged": r["damaged"] or 0,
            "reposts": r["reposts"] or 0,
        }
    dropped = store.conn.execute(
        "SELECT coalesce((SELECT d.site FROM documents d WHERE d.source = x.source LIMIT 1),"
        " ?) AS site, reason, count(*) AS n FROM dropped x GROUP BY 1, 2",
        (FILES,),
    )
    for r in dropped:
        c = counts.setdefault(r["site"], {"pages": 0, "stored": 0})
        c["pages"] += r["n"]
        c[f"dropped/{r['reason']}"] = c.get(f"dropped/{r['reason']}", 0) + r["n"]
    return [from_counts(site, "all", c) for site, c in sorted(counts.items())]


def regressions(
    history: Iterable[Quality], current: Iterable[Quality], *, window: int = 5
) -> list[str]:
    """Warnings for sites whose figures in `current` fall well below their recent runs.

    Well below: discovery (article links found; articles found where the crawl did not
    report discovery) under half the median of the site's last `window` runs when that
    median is at least 4; or, on a run with at least MIN_PAGES pages of the site, the
    empty-text, off-topic or damaged rate more than 0.2 above its median. A site with
    fewer than two earlier runs is not judged.

    Counts compare only between full runs: an incremental run whose list pages answered
    304 Not Modified finds fewer links and articles without anything being wrong, so its
    counts are not judged (its rates are).
    """
    past: dict[str, list[Quality]] = {}
    for q in history:
        past.setdefault(q.site, []).append(q)
    warnings = []
    for q in current:
        recent = past.get(q.site, [])[-window:]
        if len(recent) < 2:
            continue
        problems = []
        whole = [r for r in recent if r.full is not False]
        if q.full is not False and len(whole) >= 2:
            if q.discovered is not None and all(r.discovered is not None for r in whole):
                label, now_n = "article links found", q.discovered
                series = [r.discovered or 0 for r in whole]
            else:
                label, now_n, series = "articles found", q.articles, [r.articles for r in whole]
            median_n = statistics.median(series)
            if median_n >= 4 and now_n < median_n / 2:
                problems.append(f"{label} {now_n} (recent median {median_n:g})")
        for name in ("empty_rate", "off_topic_rate", "damaged_rate"):
            if q.pages < MIN_PAGES:
                break  # a rate of a handful of pages is noise
            before = statistics.median(getattr(r, name) for r in recent)
            now = getattr(q, name)
            if now - before > 0.2:
                label = name.removesuffix("_rate").replace("_", "-")
                problems.append(f"{label} rate {now:.0%} (recent median {before:.0%})")
        if problems:
            warnings.append(
                f"{q.site} fell below its last {len(recent)} runs: " + "; ".join(problems)
            )
    return warnings
