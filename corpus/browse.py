"""`aidcorpus browse`: the corpus in datasette (the optional extra `browse`).

datasette gets a generated metadata file: table descriptions, label columns, the full-text
table of corpus/fts.py and canned queries (clusters with their copies, a figure's
history, per-outlet counts, text search). Foreign keys come from the schema itself.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from corpus.errors import UserError
from corpus.fts import FTS_TABLE

QUERIES: dict[str, dict[str, str]] = {
    "cluster_copies": {
        "title": "Clusters with their copies",
        "description": "Each reposted report (cluster) with every copy: outlet, date, URL."
        " min_copies: smallest cluster shown (default 2).",
        "sql": (
            "select c.id as cluster, c.size as copies, canon.title as canonical_title,\n"
            "  d.key = c.canonical as is_canonical, d.outlet, d.published, d.title, d.url\n"
            "from clusters c\n"
            "  join documents d on d.cluster_id = c.id\n"
            "  left join documents canon on canon.key = c.canonical\n"
            "where c.size >= coalesce(cast(nullif(:min_copies, '') as integer), 2)\n"
            "order by c.size desc, c.id, d.published, d.id"
        ),
    },
    "figure_history": {
        "title": "A figure's history",
        "description": "Every figure whose phrase contains the text (e.g. 援疆医生), in date"
        " order: who repeated it and when it changed.",
        "sql": (
            "select d.published, f.phrase, f.value, f.unit, d.outlet, f.text as clause,"
            " d.url\n"
            "from figures f join documents d on d.key = f.doc\n"
            "where f.phrase like '%' || :phrase || '%'\n"
            "order by f.phrase, d.published, d.id"
        ),
    },
    "outlet_counts": {
        "title": "Per-outlet counts",
        "description": "Copies per outlet, how many were reposts of an earlier copy, how many"
        " are damaged, and the span of publication dates.",
        "sql": (
            "select coalesce(outlet, site) as outlet, count(*) as documents,\n"
            "  sum(repost_of is not null) as reposts, sum(damage > 0.01) as damaged,\n"
            "  min(published) as first, max(published) as last\n"
            "from documents group by 1 order by documents desc"
        ),
    },
    "text_search": {
        "title": "Full-text search",
        "description": "Titles and texts containing the phrase (at least three characters;"
        " trigram index).",
        "sql": (
            f"select d.published, d.outlet, d.title,\n"
            f"  snippet({FTS_TABLE}, 1, '[', ']', '…', 24) as snippet, d.url\n"
            f"from {FTS_TABLE} join documents d on d.id = {FTS_TABLE}.rowid\n"
            f"where {FTS_TABLE} match '\"' || replace(:phrase, '\"', '\"\"') || '\"'\n"
            f"order by bm25({FTS_TABLE}) limit 100"
        ),
    },
}


def metadata(db: Path) -> dict[str, Any]:
    """The datasette metadata for one corpus database."""
    return {
        "title": f"aidcorpus: {db.name}",
        "description": "A deduplicated corpus of Chinese news on aid to Xinjiang (援疆).",
        "databases": {
            db.stem: {
                "tables": {
                    "documents": {
                        "description": "One row per copy (URL); copies of one report share"
                        " a cluster.",
                        "label_column": "title",
                        "fts_table": FTS_TABLE,
                        "fts_pk": "id",
                        "sort_desc": "published",
                    },
                    "clusters": {
                        "description": "Reports: a cluster of copies with its canonical"
                        " copy (documents.key).",
                    },
                    "links": {
                        "description": "Distinct reports sharing passages or a template:"
                        " a is the earlier report, b the later.",
                    },
                    "figures": {"description": "Figures (numbers with units) in each document."},
                    "dropped": {"description": "Pages that gave no document, with the reason."},
                    FTS_TABLE: {"hidden": True},
                },
                "queries": QUERIES,
            }
        },
    }


def available() -> bool:
    return importlib.util.find_spec("datasette") is not None


def command(db: Path, metadata_path: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve", str(db),
        "--metadata", str(metadata_path), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "5000",
    ]  # fmt: skip


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run datasette on the corpus until interrupted; returns its exit code."""
    if not available():
        raise UserError(
            "datasette is not installed: pip install 'aidcorpus[browse]' (or pip install"
            " datasette) and run the command again"
        )
    with tempfile.TemporaryDirectory(prefix="aidcorpus-browse-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(db), ensure_ascii=False, indent=1), "utf-8")
        print(f"serving {db} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        proc = subprocess.Popen(command(db, meta, host, port))
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait(timeout=10)
            return 0
