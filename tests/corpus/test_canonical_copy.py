"""The canonical copy is re-chosen when a better copy arrives: undamaged beats mojibake."""

from __future__ import annotations

from pathlib import Path

import opencc

from corpus import queries
from corpus.ingest import ingest_paths
from corpus.store import Store

DAMAGE = ("驗?zāi)J剑?021年", "驗模式，2021年")
DAMAGE2 = ("當?shù)厝罕?。", "當地群眾。")
DAMAGE3 = ("當?shù)禺a(chǎn)業(yè)", "當地產業")
DAMAGE4 = ("當?shù)亟?jīng)濟", "當地經濟")


def test_undamaged_copy_becomes_canonical(seeds_dir: Path, tmp_path: Path) -> None:
    damaged = (seeds_dir / "002_238017e20009b5ff.txt").read_text(encoding="utf-8")
    clean = damaged
    for bad, good in (DAMAGE, DAMAGE2, DAMAGE3, DAMAGE4):
        assert bad in clean
        clean = clean.replace(bad, good)
    clean = opencc.OpenCC("t2s").convert(clean).replace("中新网(wǎng)", "中新网")
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "damaged.txt").write_text(damaged, encoding="utf-8")
    (second / "clean.txt").write_text(clean, encoding="utf-8")
    with Store.open(tmp_path / "c.db", create=True) as store:
        ingest_paths(store, [first])
        (before,) = list(queries.clusters(store))
        assert before["canonical"].endswith("damaged.txt")
        ingest_paths(store, [second])
        (after,) = list(queries.clusters(store))  # the clean copy joined the cluster...
        assert len(after["copies"]) == 2
        assert after["canonical"].endswith("clean.txt")  # ...and replaced the canonical
        damage = dict(store.conn.execute("SELECT url, damage FROM documents").fetchall())
    assert damage[before["canonical"]] > damage[after["canonical"]]
