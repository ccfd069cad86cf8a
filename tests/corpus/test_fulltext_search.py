"""`aidcorpus search`: FTS5 trigram index kept in step with ingest, filters, short words."""

from __future__ import annotations

import json
import sqlite3
from contextlib import nullcontext
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.fts import FTS_TABLE, TRIGGERS, backfill, has_fts, pending
from corpus.search import Filters, make_snippet, search
from corpus.store import Store


def _search(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    capsys.readouterr()
    assert main(["search", *argv, "--format", "jsonl"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_finds_the_shanxi_doctor_reports(
    demo_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_corpus / "corpus.db")
    hits = _search(capsys, "--db", db, "援疆医生", "--province", "山西", "--limit", "50")
    texts = {h["url"]: h for h in hits}
    assert len(hits) >= 4 and all("山西" in h["provinces"] for h in hits)
    # the 67 -> 105 reports, from every outlet that carried them, with the hit marked
    snippets = " ".join(h["snippet"] for h in hits)
    assert "[援疆医生]67名" in snippets and "[援疆医生]105名" in snippets
    outlets = {h["outlet"] for h in texts.values()}
    assert {"中华网山西", "山西日报", "聚才人力资讯网"} <= outlets
    # without the filter the Hebei doctor (and its Traditional copy: 援疆醫生) come too
    everything = _search(capsys, "--db", db, "援疆医生", "--limit", "50")
    assert len(everything) > len(hits)
    assert any("援疆醫生" in h["snippet"] for h in everything)


def test_short_words_and_filters(demo_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_corpus / "corpus.db")
    # two characters: below the trigram's reach, matched by LIKE (Traditional too)
    short = _search(capsys, "--db", db, "醫生", "--limit", "50")
    assert short and all("医生" in h["snippet"] or "醫生" in h["snippet"] for h in short)
    sept = _search(capsys, "--db", db, "援疆", "--since", "2023-09", "--until", "2023-09-30",
                   "--limit", "100")  # fmt: skip
    assert sept and all(h["published"][:7] == "2023-09" for h in sept)
    farm = _search(capsys, "--db", db, "山东 援疆", "--outlet", "聚才", "--limit", "100")
    assert farm and all(h["outlet"] == "聚才人力资讯网" for h in farm)
    assert _search(capsys, "--db", db, "没有这个词的报道") == []


def test_formats_and_errors(demo_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_corpus / "corpus.db")
    capsys.readouterr()
    assert main(["search", "--db", db, "援疆医生", "--format", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["published", "outlet", "title", "snippet", "url"]
    assert all(len(line.split("\t")) == 5 for line in lines[1:]) and len(lines) > 2
    assert main(["search", "--db", db, "援疆医生", "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "援疆医生" in table and "http://" in table
    assert main(["search", "--db", db, "援疆", "--since", "last week"]) == 2
    assert "--since must be YYYY" in capsys.readouterr().err


def test_index_follows_ingest_and_old_databases_are_migrated(
    seeds_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    assert main(["ingest", "--db", str(db), str(seeds_dir / "000_7b12b3089f7594d5.txt")]) == 0
    with Store.open(db) as store:
        assert [_name(h.url) for h in search(store, "援疆医生")] == ["000"]
    # a database made before the index existed: drop it, as an older aidcorpus had none
    _drop_index(db)
    assert main(["ingest", "--db", str(db), str(seeds_dir / "001_62f332757297812e.txt")]) == 0
    with Store.open(db) as store:
        assert has_fts(store.conn)
        hits = search(store, "援疆医生")
        # both: the first backfilled by the migration, the second kept in step by triggers
        assert sorted(_name(h.url) for h in hits) == ["000", "001"]
        assert all("[援疆医生]" in h.snippet for h in hits)
        assert _indexed(store) == store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        store.conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
        # an edited text is re-indexed (the update trigger)
        store.conn.execute("UPDATE documents SET text = text || '鸿雁传书测试段落'"
                           " WHERE url LIKE '%/000!_%' ESCAPE '!'")  # fmt: skip
        assert [_name(h.url) for h in search(store, "鸿雁传书")] == ["000"]
        assert search(store, "鸿雁传书", Filters(province="河北")) == []


def _drop_index(db: Path) -> None:
    """Make `db` a database from before the index existed: an older aidcorpus had none."""
    conn = sqlite3.connect(db)
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute(f"DROP TABLE {FTS_TABLE}")
    conn.commit()
    conn.close()


def _indexed(store: Store) -> int:
    """Rows the index holds (a count of the FTS table itself would read `documents`)."""
    return store.conn.execute(f"SELECT count(*) FROM {FTS_TABLE}_docsize").fetchone()[0]


def test_backfill_resumes_and_leaves_pending_rows_to_it(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert main(["ingest", "--db", str(db), str(seeds_dir)]) == 0
    _drop_index(db)
    with Store.open(db) as store:  # opening is cheap: the rows are only marked
        ids = [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
        assert pending(store.conn) == (0, ids[-1]) and _indexed(store) == 0
        # as if a backfill was killed after its first chunk of two
        store.conn.execute(f"INSERT INTO {FTS_TABLE}(rowid, title, text) SELECT id, title,"
                           f" text FROM documents WHERE id < {ids[2]}")  # fmt: skip
        store.conn.execute("UPDATE meta SET value = ? WHERE key = 'fts_backfill_next'",
                           (str(ids[2]),))  # fmt: skip
        # an edit of a row the index does not hold yet must not touch the index
        store.conn.execute("UPDATE documents SET text = '鸿雁传书测试段落' || text WHERE id = ?",
                           (ids[3],))  # fmt: skip
        messages: list[str] = []
        assert backfill(store.conn, messages.append, chunk=2) == len(ids) - 2
        assert pending(store.conn) is None and messages[0].startswith("building the full-text")
        assert _indexed(store) == len(ids)
        store.conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
        assert len(search(store, "鸿雁传书")) == 1 and len(search(store, "援疆医生")) >= 2
        assert backfill(store.conn) == 0  # done once


def _name(url: str) -> str:
    return Path(url).name[:3]


def test_snippet_marks_the_first_needle() -> None:
    text = "甲" * 50 + "援疆医生67名" + "乙" * 50
    snip = make_snippet(text, ["援疆医生"], width=5)
    assert snip == "…甲甲甲甲甲[援疆医生]67名乙乙…"


def test_query_syntax_users_type_is_read_not_passed_to_fts(
    demo_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Quotes, *, :, parentheses and AND mean what users expect (the plain query's hits);
    -WORD and NOT WORD leave documents out; OR and an empty query are one-line errors."""
    db = str(demo_corpus / "corpus.db")
    plain = {h["url"] for h in _search(capsys, "--db", db, "援疆医生", "--limit", "50")}
    assert plain
    for typed in ('"援疆医生"', "援疆医生*", "(援疆医生)", "^援疆医生", "NEAR(援疆医生)"):
        assert {h["url"] for h in _search(capsys, "--db", db, typed, "--limit", "50")} == plain
    both = {h["url"] for h in _search(capsys, "--db", db, "援疆", "医生", "--limit", "50")}
    assert {h["url"] for h in _search(capsys, "--db", db, "援疆 AND 医生", "--limit", "50")} == both
    assert {h["url"] for h in _search(capsys, "--db", db, "援疆:医生", "--limit", "50")} == both
    # exclusion, as -WORD (after the query, no -- needed for a Chinese word) or NOT WORD
    hebei = [h for h in _search(capsys, "--db", db, "援疆医生", "--limit", "50")
             if "河北" in h["title"] + h["snippet"]]  # fmt: skip
    assert hebei
    head = ["search", "--db", db, "--limit", "50", "--format", "jsonl"]
    for argv in (["援疆医生", "-河北"], ["援疆医生 NOT 河北"], ["--", "援疆医生", "-河北"]):
        capsys.readouterr()
        assert main(head + argv) == 0, argv
        kept = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert kept and {h["url"] for h in kept} < plain
        with Store.open(demo_corpus / "corpus.db") as store:
            for h in kept:
                text = store.conn.execute(
                    "SELECT title || text FROM documents WHERE url = ?", (h["url"],)
                ).fetchone()[0]
                assert "河北" not in text and "援疆医生" in text
    for *bad, said in (('""', "no word to find"), ("AND", "no word to find"), ("*", "no word"),
                       ("--", "-河北", "only words to leave out"), ("援疆 OR 医生", "OR is not"),
                       ("援疆医生", "-x", "unrecognized arguments: -x")):  # fmt: skip
        capsys.readouterr()
        with pytest.raises(SystemExit) if said.startswith("unrec") else nullcontext():
            assert main(["search", "--db", db, *bad]) == 2, bad
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err, (bad, err)
