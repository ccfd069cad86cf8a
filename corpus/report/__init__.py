"""`aidcorpus report`: a static, self-contained HTML report of a corpus, with charts.

write_report(store, out_dir) writes out_dir/index.html atomically (temporary name, then
rename). Charts are Vega-Lite specs made with altair and drawn by the inlined Vega bundle.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corpus import quality
from corpus.report import charts, data
from corpus.report.page import Section, render, table
from corpus.store import Store

DEFAULT_FIGURE = "援疆医生"


@dataclass(frozen=True, slots=True)
class ReportResult:
    path: Path
    charts: int
    sections: int

    def summary(self) -> str:
        return f"wrote {self.path} ({self.charts} charts in {self.sections} sections)"


def build_sections(
    store: Store, *, figures: tuple[str, ...] = (), runs_dir: Path | None = None
) -> list[Section]:
    delays = data.repost_delays(store)
    later = [r for r in delays if r["role"] == "repost"]
    sections = [
        Section(
            "per-month-province",
            "Reports per month, by sending province",
            "One report per cluster (its canonical copy); a report naming two provinces"
            " counts for both.",
            charts.per_month(data.month_province(store), "province", "reports",
                             "reports per month by province"),
            "no dated documents",
        ),
        Section(
            "per-month-outlet",
            "Documents per month, by outlet",
            "Every copy, reposts included: what each outlet carried.",
            charts.per_month(data.month_outlet(store), "outlet", "documents",
                             "documents per month by outlet"),
            "no dated documents",
        ),
        Section(
            "recipients",
            "Recipients (受援地)",
            "Reports naming each recipient place, coloured by the first sending province named.",
            charts.recipients(data.recipients(store)),
            "no recipient places named",
        ),
        Section(
            "cluster-sizes",
            "Repost clusters and their sizes",
            "A cluster is one report and all its copies.",
            charts.cluster_sizes(data.cluster_sizes(store)),
            "no documents",
            table(data.top_clusters(store), ["copies", "title", "outlets", "published", "url"]),
        ),
        Section(
            "reposting-outlets",
            "Reposting outlets",
            "In clusters with more than one copy: which outlet published first, which later.",
            charts.reposting_outlets(delays),
            "no reposted reports",
        ),
        Section(
            "repost-delays",
            "Repost delays",
            f"Days between a report's first copy and each later one ({len(later)} later copies).",
            charts.repost_delays(delays),
            "no dated reposts",
        ),
        Section(
            "who-reposts-whom",
            "Who reposts whom",
            "For each reposted report: the outlet of its first copy and each outlet that"
            " carried it later.",
            charts.who_reposts_whom(data.who_reposts_whom(delays)),
            "no reposted reports",
        ),
        Section(
            "dropped",
            "Dropped pages by reason",
            "Pages that gave no document; the site is that of the input file they came in.",
            charts.dropped(data.dropped(store)),
            "no pages dropped",
        ),
        Section(
            "damage",
            "Damaged and mojibake share",
            f"Copies whose mojibake damage score is above {quality.DAMAGED}.",
            charts.damage(data.damage(store)),
            "no documents",
        ),
        Section(
            "text-length",
            "Text length distribution",
            "Characters of stored text, canonical copies and other copies.",
            charts.text_lengths(data.text_lengths(store)),
            "no documents",
        ),
    ]
    phrases = list(figures)
    if not phrases:
        default = data.figure_history(store, DEFAULT_FIGURE)
        phrases = [DEFAULT_FIGURE] if default else data.figure_phrases(store, 1)
    for i, phrase in enumerate(phrases):
        rows = data.figure_history(store, phrase)
        sections.append(
            Section(
                f"figure-{i + 1}",
                f"A figure's history: {phrase}",
                "Who repeated it and when it changed (highlighted rows: the value differs"
                " from the previous report of the same phrase).",
                charts.figure_history(rows, phrase),
                f"no figure whose phrase contains {phrase}",
                table(rows, ["date", "phrase", "value", "unit", "outlet", "url"], mark="changed"),
            )
        )
    sections.append(quality_section(store, runs_dir))
    return sections


def quality_section(store: Store, runs_dir: Path | None) -> Section:
    per_run = quality.from_runs(runs_dir) if runs_dir else []
    source = f"run stats in {runs_dir}"
    if not per_run:
        per_run, source = quality.from_store(store), "the store (no per-site run stats found)"
    latest: dict[str, quality.Quality] = {}
    for q in per_run:
        latest[q.site] = q  # runs are read oldest first
    columns = [
        "site", "run", "pages", "articles", "discovered", "stored", "empty_rate",
        "damaged_rate", "off_topic_rate", "repost_rate", "dropped",
    ]
    warnings = quality.latest_warnings(runs_dir) if runs_dir else []
    said = "".join(f"<p class=chart-error>{html.escape(w)}</p>" for w in warnings)
    return Section(
        "quality",
        "Per-source quality",
        f"Per site and run, from {source}. Rates: empty text of pages read, damaged and"
        " reposts of documents stored, off-topic of articles found.",
        charts.quality([q.row() for q in latest.values()]),
        "no sources",
        said + table([q.row() for q in reversed(per_run)], columns),
    )


def write_report(
    store: Store,
    out_dir: Path,
    *,
    figures: tuple[str, ...] = (),
    runs_dir: Path | None = None,
) -> ReportResult:
    sections = build_sections(store, figures=figures, runs_dir=runs_dir)
    o = data.overview(store)
    numbers = {
        "documents": o["documents"],
        "reports (clusters)": o["reports"],
        "reposted reports": o["reposted"],
        "outlets": o["outlets"],
        "dropped pages": o["dropped"],
    }
    span = " to ".join(str(s)[:10] for s in o["span"] if s) or "no dates"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    intro = f"{store.path.name}: published {span}; {o['undated']} undated; made {stamp}."
    page = render("aidcorpus report", intro, numbers, sections)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = out_dir / f".index.html.{os.getpid()}.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    count = sum(s.spec is not None for s in sections)
    return ReportResult(path, count, len(sections))
