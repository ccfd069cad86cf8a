"""The report's charts as Vega-Lite specs, built with altair from the rows of data.py.

Each builder returns a spec (a dict) or None when there is nothing to draw; data is
inlined in the spec, so the page needs no server and no file beside it.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from corpus.report.data import Rows

WIDTH = 640
Spec = dict[str, Any]
# counts are whole numbers: no 0.5-document ticks on small corpora
COUNT = alt.Axis(tickMinStep=1, format="d")


def _spec(chart: alt.TopLevelMixin) -> Spec:
    return chart.configure_view(stroke=None).to_dict()  # validated against the schema here


def _data(rows: Rows) -> alt.Data:
    return alt.Data(values=rows)


def per_month(rows: Rows, group: str, count: str, title: str) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title=title, width=WIDTH, height=260)
        .mark_bar()
        .encode(
            # a time axis: months without documents keep their place
            x=alt.X("yearmonth(month):T", title="month"),
            y=alt.Y(f"sum({count}):Q", title=count, axis=COUNT),
            color=alt.Color(f"{group}:N", title=group, legend=alt.Legend(columns=2)),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="month"),
                f"{group}:N",
                alt.Tooltip(f"sum({count}):Q", title=count),
            ],
        )
    )
    return _spec(chart)


def recipients(rows: Rows) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title="reports per recipient place (受援地)", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("recipient:N", sort="-x", title=None),
            x=alt.X("sum(reports):Q", title="reports", axis=COUNT),
            color=alt.Color("province:N", title="sending province"),
            tooltip=["recipient:N", "province:N", alt.Tooltip("sum(reports):Q", title="reports")],
        )
    )
    return _spec(chart)


def cluster_sizes(rows: Rows) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title="repost clusters by number of copies", width=WIDTH / 2)
        .mark_bar()
        .encode(
            x=alt.X("copies:O", title="copies in the cluster", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("clusters:Q", title="clusters", axis=COUNT),
            tooltip=["copies:O", "clusters:Q"],
        )
    )
    return _spec(chart)


def reposting_outlets(rows: Rows) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title="copies in reposted clusters: first or later", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("outlet:N", sort="-x", title=None),
            x=alt.X("count():Q", title="copies", axis=COUNT),
            color=alt.Color(
                "role:N",
                title="copy",
                scale=alt.Scale(domain=["first", "repost"], range=["#4c78a8", "#f58518"]),
            ),
            tooltip=["outlet:N", "role:N", alt.Tooltip("count():Q", title="copies")],
        )
    )
    return _spec(chart)


def repost_delays(rows: Rows) -> Spec | None:
    later = [r for r in rows if r["role"] == "repost"]
    if not later:
        return None
    chart = (
        alt.Chart(_data(later), title="repost delay after the first copy", width=WIDTH)
        .mark_circle(size=80, opacity=0.7)
        .encode(
            x=alt.X("delay_days:Q", title="days after the first copy"),
            y=alt.Y("outlet:N", title=None),
            tooltip=["outlet:N", "delay_days:Q", "title:N", "published:N", "url:N"],
        )
    )
    return _spec(chart)


def who_reposts_whom(rows: Rows) -> Spec | None:
    if not rows:
        return None
    base = alt.Chart(_data(rows), title="who reposts whom: reports by first and later outlet")
    cells = base.mark_rect().encode(
        x=alt.X("later:N", title="later copy in"),
        y=alt.Y("first:N", title="first published by"),
        color=alt.Color("reports:Q", title="reports", scale=alt.Scale(scheme="blues")),
        tooltip=["first:N", "later:N", "reports:Q"],
    )
    text = base.mark_text(baseline="middle").encode(x="later:N", y="first:N", text="reports:Q")
    return _spec(alt.layer(cells, text))


def dropped(rows: Rows) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title="dropped pages by reason", width=WIDTH / 2)
        .mark_bar()
        .encode(
            y=alt.Y("reason:N", sort="-x", title=None),
            x=alt.X("sum(pages):Q", title="pages", axis=COUNT),
            color=alt.Color("site:N", title="site"),
            tooltip=["reason:N", "site:N", alt.Tooltip("sum(pages):Q", title="pages")],
        )
    )
    return _spec(chart)


def damage(rows: Rows) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title="damaged (mojibake) share per outlet", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("outlet:N", title=None),
            x=alt.X(
                "sum(documents):Q",
                stack="normalize",
                title="share of copies",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "state:N",
                scale=alt.Scale(domain=["clean", "damaged"], range=["#54a24b", "#e45756"]),
            ),
            tooltip=["outlet:N", "state:N", alt.Tooltip("sum(documents):Q", title="copies")],
        )
    )
    return _spec(chart)


def text_lengths(rows: Rows) -> Spec | None:
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), title="text length (characters)", width=WIDTH)
        .mark_bar()
        .encode(
            x=alt.X("start:Q", bin="binned", title="characters"),
            x2="stop:Q",
            y=alt.Y("sum(documents):Q", title="documents", axis=COUNT),
            color=alt.Color("copy:N", title=None),
            tooltip=[
                "start:Q",
                "stop:Q",
                "copy:N",
                alt.Tooltip("sum(documents):Q", title="documents"),
            ],
        )
    )
    return _spec(chart)


def figure_history(rows: Rows, match: str) -> Spec | None:
    if not rows:
        return None
    base = alt.Chart(_data(rows), title=f"figure history: {match}", width=WIDTH, height=240)
    # Padding keeps the first and last reports' points inside the frame (they sat on
    # its edges, half cut off).
    line = base.mark_line(color="#bbbbbb").encode(
        x=alt.X("date:T", title="published", scale=alt.Scale(padding=16)),
        y=alt.Y("amount:Q", title="value"),
        detail="series:N",
    )
    points = base.mark_point(size=90, filled=True).encode(
        x="date:T",
        y="amount:Q",
        color=alt.Color("outlet:N", title="outlet"),
        shape=alt.Shape("changed:N", title="value changed"),
        tooltip=["phrase:N", "value:N", "unit:N", "outlet:N", "date:T", "title:N", "url:N"],
    )
    return _spec(alt.layer(line, points))


def quality(rows: Rows) -> Spec | None:
    """Rates per site (latest run of each): empty text, damaged, off-topic, reposts."""
    if not rows:
        return None
    long = [
        {"site": r["site"], "rate": name.removesuffix("_rate").replace("_", "-"), "value": r[name]}
        for r in rows
        for name in ("empty_rate", "damaged_rate", "off_topic_rate", "repost_rate")
    ]
    chart = (
        alt.Chart(_data(long), title="per-source quality (latest run of each site)", width=140)
        .mark_bar()
        .encode(
            x=alt.X(
                "value:Q", title=None, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            y=alt.Y("site:N", title=None),
            color=alt.Color("rate:N", legend=None),
            column=alt.Column("rate:N", title=None),
            tooltip=["site:N", "rate:N", alt.Tooltip("value:Q", format=".1%")],
        )
    )
    return _spec(chart)
