"""A corpus of schema 1 (before issue 8) opens as schema 2: clusters keep the id their
exports carried, and a txt folder filled by the old export is taken over, not re-sent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from corpus.export import export
from corpus.store import Store
from tests.corpus.exportkit import add, key_of

V1_SCHEMA = Path(__file__).with_name("schema_v1.sql")
DOC = (
    "INSERT INTO documents (key, url, cluster_id, exact_hash, title, text, authors, provinces,"
    " recipients, topic_score, topic_terms, encoding, encoding_reason, damage, source,"
    " ingested_at) VALUES (?, ?, ?, 'h', '标题', ?, '[]', '[]', '[]', 1, '[]', 'utf-8', 't',"
    " 0, 't', 'now')"
)


def _v1_corpus(db: Path, out: Path) -> None:
    conn = sqlite3.connect(db)
    conn.executescript(V1_SCHEMA.read_text(encoding="utf-8"))
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    for cid, url in ((1, "http://a.cn/1.html"), (2, "http://a.cn/2.html")):
        conn.execute("INSERT INTO clusters VALUES (?, ?, 1, 'now')", (cid, key_of(url)))
        conn.execute(DOC, (key_of(url), url, cid, f"援疆正文{cid}"))
    out.mkdir()
    name = f"000_{key_of('http://a.cn/1.html')}.txt"
    (out / name).write_text("标题\n\n援疆正文1\n", encoding="utf-8")
    conn.execute(
        "INSERT INTO exports VALUES (?, 'txt', 1, 0, ?, ?, 'now')",
        (str(out.resolve()), key_of("http://a.cn/1.html"), name),
    )
    conn.commit()
    conn.close()


def test_schema_1_is_upgraded_and_its_export_taken_over(tmp_path: Path) -> None:
    db, out = tmp_path / "c.db", tmp_path / "out"
    _v1_corpus(db, out)
    with Store.open(db) as store:
        rows = store.conn.execute("SELECT id, uid, version FROM clusters ORDER BY id").fetchall()
        assert [tuple(r) for r in rows] == [
            (1, key_of("http://a.cn/1.html"), 1),
            (2, key_of("http://a.cn/2.html"), 1),
        ]
        assert store.corpus_id
        result = export(store, "txt", out)  # only the cluster the old export had not sent
        assert result.written == 1 and result.first_number == 1
        add(store, "http://a.cn/1b.html", "援疆正文1转载", cluster=1, published="2024-01-01")
        again = export(store, "txt", out)  # a copy joined: the same id, version 2
        assert again.updated == 1 and again.files == (f"002_{key_of('http://a.cn/1.html')}.txt",)
    with Store.open(db) as store:  # opening again changes nothing
        version = store.conn.execute("SELECT value FROM meta WHERE key='schema_version'")
        assert version.fetchone()[0] == "2"
