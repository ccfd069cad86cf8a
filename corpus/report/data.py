"""The numbers behind the report: plain rows (lists of dicts) read from the store.

Counts of reports use each cluster's canonical copy (a report reposted five times is one
report); counts by outlet use every copy (each outlet carried it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from corpus.quality import DAMAGED
from corpus.store import Store

Rows = list[dict[str, Any]]
CHINA = timezone(timedelta(hours=8))  # a date without a time or zone is a Beijing date
NONE = "(none)"
OTHERS = "(others)"
TOP_OUTLETS = 15  # more colours than this cannot be told apart
MAX_POINTS = 2000  # a scatter of more points says nothing more and bloats the page


def _rows(store: Store, sql: str, args: tuple[Any, ...] = ()) -> Rows:
    return [dict(r) for r in store.conn.execute(sql, args)]


CANONICAL = "SELECT d.* FROM documents d JOIN clusters c ON c.canonical = d.key"


def overview(store: Store) -> dict[str, Any]:
    one = store.conn.execute
    return {
        "documents": one("SELECT count(*) FROM documents").fetchone()[0],
        "reports": one("SELECT count(*) FROM clusters WHERE size > 0").fetchone()[0],
        "reposted": one("SELECT count(*) FROM clusters WHERE size > 1").fetchone()[0],
        "outlets": one("SELECT count(DISTINCT coalesce(outlet, site)) FROM documents").fetchone()[
            0
        ],
        "dropped": one("SELECT count(*) FROM dropped").fetchone()[0],
        "undated": one("SELECT count(*) FROM documents WHERE published IS NULL").fetchone()[0],
        "span": list(one("SELECT min(published), max(published) FROM documents").fetchone()),
    }


def month_province(store: Store) -> Rows:
    """Reports per month and sending province (a report naming two provinces counts twice)."""
    return _rows(
        store,
        f"SELECT substr(d.published, 1, 7) AS month, coalesce(p.value, ?) AS province,"
        f" count(*) AS reports FROM ({CANONICAL}) d LEFT JOIN json_each(d.provinces) p"
        f" WHERE d.published IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        (NONE,),
    )


def month_outlet(store: Store, top: int = TOP_OUTLETS) -> Rows:
    """Copies per month and outlet, reposts included; outlets past `top` as one group."""
    rows = _rows(
        store,
        "SELECT substr(published, 1, 7) AS month, coalesce(outlet, site, ?) AS outlet,"
        " count(*) AS documents FROM documents WHERE published IS NOT NULL"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        (NONE,),
    )
    return _fold(rows, "outlet", "documents", top)


def _fold(rows: Rows, key: str, count: str, top: int) -> Rows:
    """Keep the `top` values of `key` with the largest totals; sum the rest as OTHERS."""
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r[key]] += r[count]
    if len(totals) <= top:
        return rows
    keep = set(sorted(totals, key=lambda k: (-totals[k], k))[:top])
    folded: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        row = dict(r, **{key: r[key] if r[key] in keep else OTHERS})
        ident = tuple(v for k, v in row.items() if k != count)
        if ident in folded:
            folded[ident][count] += row[count]
        else:
            folded[ident] = row
    return list(folded.values())


def recipients(store: Store, top: int = 25) -> Rows:
    """Reports per recipient place (受援地), with the sending province most often named."""
    rows = _rows(
        store,
        f"SELECT r.value AS recipient, coalesce(json_extract(d.provinces, '$[0]'), ?)"
        f" AS province, count(*) AS reports FROM ({CANONICAL}) d, json_each(d.recipients) r"
        f" GROUP BY 1, 2",
        (NONE,),
    )
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r["recipient"]] += r["reports"]
    keep = set(sorted(totals, key=lambda k: (-totals[k], k))[:top])
    return [r for r in rows if r["recipient"] in keep]


def cluster_sizes(store: Store) -> Rows:
    return _rows(
        store,
        "SELECT size AS copies, count(*) AS clusters FROM clusters WHERE size > 0"
        " GROUP BY size ORDER BY size",
    )


def top_clusters(store: Store, top: int = 15) -> Rows:
    rows = _rows(
        store,
        "SELECT c.id AS cluster, c.size AS copies, d.title, d.url, d.published,"
        " (SELECT group_concat(coalesce(x.outlet, x.site, '?'), '、') FROM documents x"
        "  WHERE x.cluster_id = c.id) AS outlets"
        " FROM clusters c JOIN documents d ON d.key = c.canonical WHERE c.size > 1"
        " ORDER BY c.size DESC, d.published, c.id LIMIT ?",
        (top,),
    )
    return rows


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=CHINA)


def repost_delays(store: Store, limit: int = MAX_POINTS) -> Rows:
    """Dated copies in multi-copy clusters (the latest `limit` clusters): days after the
    cluster's first copy, role "first" or "repost"."""
    rows = _rows(
        store,
        "SELECT d.cluster_id AS cluster, coalesce(d.outlet, d.site, ?) AS outlet,"
        " d.published, d.url, d.title FROM documents d JOIN clusters c ON c.id = d.cluster_id"
        " WHERE c.id IN (SELECT id FROM clusters WHERE size > 1 ORDER BY id DESC LIMIT ?)"
        " ORDER BY d.cluster_id, d.id",
        (NONE, max(1, limit // 2)),
    )
    first: dict[int, datetime] = {}
    for r in rows:
        when = parse_date(r["published"])
        if when and (r["cluster"] not in first or when < first[r["cluster"]]):
            first[r["cluster"]] = when
    out = []
    for r in rows:
        when = parse_date(r["published"])
        if when is None or r["cluster"] not in first:
            continue
        days = (when - first[r["cluster"]]).total_seconds() / 86400
        out.append(
            {**r, "delay_days": round(days, 2), "role": "first" if days <= 0 else "repost"}
        )
    return out


def who_reposts_whom(delays: Rows) -> Rows:
    """Pairs (first outlet, later outlet) with how many reports went that way."""
    first: dict[int, str] = {}
    for r in delays:
        if r["role"] == "first":
            first.setdefault(r["cluster"], r["outlet"])
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for r in delays:
        if r["role"] == "repost" and r["cluster"] in first:
            pairs[(first[r["cluster"]], r["outlet"])] += 1
    return [{"first": a, "later": b, "reports": n} for (a, b), n in sorted(pairs.items())]


def dropped(store: Store) -> Rows:
    """Dropped pages by reason and by the site of the input file they came in."""
    return _rows(
        store,
        "SELECT reason, coalesce((SELECT d.site FROM documents d WHERE d.source = x.source"
        " LIMIT 1), ?) AS site, count(*) AS pages FROM dropped x GROUP BY 1, 2 ORDER BY 3 DESC",
        (NONE,),
    )


def damage(store: Store, top: int = TOP_OUTLETS) -> Rows:
    """Per outlet: clean and damaged (mojibake) copies."""
    rows = _rows(
        store,
        "SELECT coalesce(outlet, site, ?) AS outlet, sum(damage > ?) AS damaged,"
        " sum(damage <= ?) AS clean FROM documents GROUP BY 1 ORDER BY 1",
        (NONE, DAMAGED, DAMAGED),
    )
    out = []
    for r in rows:
        for state in ("clean", "damaged"):
            out.append({"outlet": r["outlet"], "state": state, "documents": r[state] or 0})
    return _fold(out, "outlet", "documents", top)


def text_lengths(store: Store, bins: int = 30) -> Rows:
    """Histogram of stored text lengths (characters), canonical copies and other copies.

    Binned here, not in the browser, so a corpus of a million documents makes a page of
    a few dozen rows.
    """
    longest = store.conn.execute("SELECT max(length(text)) FROM documents").fetchone()[0]
    if not longest:
        return []
    width = _nice_width(longest / bins)
    return _rows(
        store,
        "SELECT (length(d.text) / ?) * ? AS start, (length(d.text) / ?) * ? + ? AS stop,"
        " CASE WHEN c.canonical = d.key THEN 'canonical' ELSE 'other copy' END AS copy,"
        " count(*) AS documents FROM documents d JOIN clusters c ON c.id = d.cluster_id"
        " GROUP BY 1, 3 ORDER BY 1, 3",
        (width, width, width, width, width),
    )


def _nice_width(raw: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 ... at least `raw`: bin edges people can read."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= raw:
                return step * m
        step *= 10


def figure_phrases(store: Store, top: int = 3) -> list[str]:
    """Phrases worth a history: most documents, and more than one value over time."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT phrase FROM figures WHERE length(phrase) >= 2 GROUP BY phrase"
            " HAVING count(DISTINCT value) > 1 ORDER BY count(*) DESC, phrase LIMIT ?",
            (top,),
        )
    ]


def figure_history(store: Store, match: str) -> Rows:
    """Every figure whose phrase contains `match`, with outlet and date, in date order."""
    rows = _rows(
        store,
        "SELECT f.phrase, f.value, f.amount, f.unit, f.text AS clause, d.outlet, d.site,"
        " d.published, d.url, d.title FROM figures f JOIN documents d ON d.key = f.doc"
        " WHERE f.phrase LIKE ? ORDER BY d.published, d.id",
        (f"%{match}%",),
    )
    out = []
    previous: dict[str, str] = {}
    for r in rows:
        when = parse_date(r["published"])
        r["date"] = when.date().isoformat() if when else None
        r["outlet"] = r["outlet"] or r.pop("site") or NONE
        r.pop("site", None)
        label = f"{r['phrase']}（{r['unit']}）"
        r["series"] = label
        r["changed"] = label in previous and previous[label] != r["value"]
        previous[label] = r["value"]
        out.append(r)
    return [r for r in out if r["date"]]


def json_dump(rows: Any) -> str:
    return json.dumps(rows, ensure_ascii=False)
