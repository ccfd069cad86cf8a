"""Read-only views of the corpus for the CLI and exports: clusters, links, figures, stats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from corpus.store import Store


def clusters(store: Store) -> Iterator[dict[str, Any]]:
    """Every cluster, singletons included: {"cluster", "id" (its exported id), "version",
    "canonical", "copies": [URL, ...]}."""
    rows = store.conn.execute(
        "SELECT c.id, c.uid, c.version, c.canonical, d.url, d.key FROM clusters c"
        " JOIN documents d ON d.cluster_id = c.id ORDER BY c.id, d.id"
    )
    current: dict[str, Any] | None = None
    canonical_key = None
    for cid, uid, version, canonical, url, key in rows:
        if current is None or current["cluster"] != cid:
            if current is not None:
                yield current
            current = {
                "cluster": cid,
                "id": uid,
                "version": version,
                "canonical": None,
                "copies": [],
            }
            canonical_key = canonical
        current["copies"].append(url)
        if key == canonical_key:
            current["canonical"] = url
    if current is not None:
        yield current


def links(store: Store, kind: str | None = None) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT da.url, db.url, l.kind, l.passages, l.figures FROM links l"
        " JOIN documents da ON da.key = l.a JOIN documents db ON db.key = l.b"
    )
    args: tuple[str, ...] = ()
    if kind:
        sql += " WHERE l.kind = ?"
        args = (kind,)
    for a, b, k, passages, figures in store.conn.execute(sql + " ORDER BY da.id, db.id", args):
        yield {
            "a": a,
            "b": b,
            "kind": k,
            "passages": json.loads(passages),
            "figures": json.loads(figures),
        }


def figures(store: Store, match: str | None = None) -> Iterator[dict[str, Any]]:
    """Figures with the document, outlet and date that carried them."""
    sql = (
        "SELECT f.phrase, f.value, f.amount, f.unit, f.text, d.url, d.outlet, d.published,"
        " d.cluster_id AS cluster FROM figures f JOIN documents d ON d.key = f.doc"
    )
    args: tuple[str, ...] = ()
    if match:
        # Literal text: % and _ in a figure ("95%") are not wildcards.
        sql += (
            " WHERE f.phrase LIKE ? ESCAPE '\\' OR f.text LIKE ? ESCAPE '\\'"
            " OR f.unit LIKE ? ESCAPE '\\'"
        )
        literal = match.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args = (f"%{literal}%",) * 3
    sql += " ORDER BY f.phrase, d.published, d.id"
    for row in store.conn.execute(sql, args):
        yield dict(row)


def document(store: Store, url: str) -> dict[str, Any] | None:
    """One document with its cluster's copies and its links."""
    row = store.conn.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()
    if row is None:
        return None
    doc = dict(row)
    for col in ("authors", "provinces", "recipients", "topic_terms"):
        doc[col] = json.loads(doc[col])
    cluster = store.conn.execute(
        "SELECT canonical FROM clusters WHERE id = ?", (doc["cluster_id"],)
    ).fetchone()
    doc["cluster"] = {
        "id": doc["cluster_id"],
        "canonical": _url_of(store, cluster["canonical"]) if cluster else None,
        "copies": [
            {"url": c.url, "outlet": c.outlet, "published": c.published, "fetched": c.fetched}
            for c in store.copies(doc["cluster_id"])
        ],
    }
    doc["links"] = [link for link in links(store) if url in (link["a"], link["b"])]
    return doc


def _url_of(store: Store, key: str | None) -> str | None:
    row = store.conn.execute("SELECT url FROM documents WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def stats(store: Store) -> dict[str, Any]:
    one = store.conn.execute
    docs = one("SELECT count(*) FROM documents").fetchone()[0]
    n_clusters = one("SELECT count(*) FROM clusters WHERE size > 0").fetchone()[0]
    multi = one("SELECT count(*), coalesce(sum(size), 0) FROM clusters WHERE size > 1").fetchone()
    link_counts = dict(one("SELECT kind, count(*) FROM links GROUP BY kind").fetchall())
    dropped = dict(one("SELECT reason, count(*) FROM dropped GROUP BY reason").fetchall())
    outlets = one(
        "SELECT coalesce(outlet, '?'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
    ).fetchall()
    span = one("SELECT min(published), max(published) FROM documents").fetchone()
    return {
        "documents": docs,
        "clusters": n_clusters,
        "clusters_with_copies": multi[0],
        "documents_in_multi_copy_clusters": multi[1],
        "links": link_counts,
        "figures": one("SELECT count(*) FROM figures").fetchone()[0],
        "damaged_documents": one("SELECT count(*) FROM documents WHERE damage > 0.01").fetchone()[
            0
        ],
        "dropped": dropped,
        "sources": one("SELECT count(*) FROM sources").fetchone()[0],
        "published_from": span[0],
        "published_to": span[1],
        "top_outlets": dict(outlets),
        "exported": dict(one("SELECT format, count(*) FROM exports GROUP BY format").fetchall()),
    }


def multi_copy_clusters(store: Store) -> Iterator[dict[str, Any]]:
    """Clusters with more than one copy: canonical title and the outlets that carried it."""
    rows = store.conn.execute(
        "SELECT c.id, c.size, d.title FROM clusters c JOIN documents d ON d.key = c.canonical"
        " WHERE c.size > 1 ORDER BY c.size DESC, c.id"
    ).fetchall()
    for cid, size, title in rows:
        outlets = [
            r[0] or "?"
            for r in store.conn.execute(
                "SELECT outlet FROM documents WHERE cluster_id = ? ORDER BY id", (cid,)
            )
        ]
        yield {"cluster": cid, "size": size, "title": title, "outlets": outlets}
