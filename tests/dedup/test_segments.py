"""The memory-mapped index: same candidates as datasketch, persistence, merges, conversion."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH

from dedup import index as index_mod
from dedup.index import DedupIndex, IndexFormatError
from dedup.minhash import to_datasketch
from dedup.params import DedupParams, ParamsMismatch
from dedup.postings import MAX_POSTING
from dedup.segment import FENCE

ROOT = Path(__file__).resolve().parents[2]


def planted(n: int, seed: int, bucket: int = 0) -> np.ndarray:
    """Random signatures where every third one repeats 1-3 bands of an earlier one, and
    every fourth (of the first `bucket` * 4) shares band 5 with all the others so chosen:
    a bucket bigger than a band lookup's window (dedup.segment.FENCE)."""
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2**32, (n, 128), dtype=np.uint32)
    for i in range(3, n, 3):
        j = int(rng.integers(0, i))
        for band in rng.choice(32, int(rng.integers(1, 4)), replace=False):
            sigs[i, band * 4 : band * 4 + 4] = sigs[j, band * 4 : band * 4 + 4]
    sigs[: 4 * bucket : 4, 20:24] = sigs[0, 20:24]
    return sigs


def reference(keys: list[str], sigs: np.ndarray) -> MinHashLSH:
    p = DedupParams()
    lsh = MinHashLSH(num_perm=p.num_perm, params=(p.bands, p.rows))
    for key, sig in zip(keys, sigs, strict=True):
        lsh.insert(key, to_datasketch(sig, p.seed))
    return lsh


def same_candidates(index: DedupIndex, lsh: MinHashLSH, queries: np.ndarray) -> int:
    """Assert equal candidate sets for every query; returns how many candidates there were."""
    total = 0
    for q in queries:
        ours = index.query(q)
        theirs = lsh.query(to_datasketch(q, 1))
        assert sorted(ours) == sorted(theirs)
        total += len(ours)
    return total


def test_candidates_equal_datasketch_across_segments_merges_and_delta(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_mod, "SPILL_DOCS", 37)  # many segments, spilled and merged
    sigs = planted(900, 1, bucket=200)
    assert 200 > 2 * FENCE
    keys = [f"doc{i}" for i in range(len(sigs))]
    index = DedupIndex(tmp_path, DedupParams())
    segment_counts = set()
    for i, (key, sig) in enumerate(zip(keys, sigs, strict=True)):
        index.add(key, sig, f"{i:032x}", ())
        if i % 50 == 49:
            index.save()
            segment_counts.add(len(index._segments))
    assert max(segment_counts) > 1  # the test really crossed segments
    queries = np.vstack([sigs[::7], planted(60, 2)])  # indexed ones and strangers
    lsh = reference(keys, sigs)
    assert same_candidates(index, lsh, queries) > len(queries)  # not all trivially {self}
    reopened = DedupIndex(tmp_path, DedupParams())  # 900 saved: 18 saves of 50
    assert len(reopened) == 900 and reopened.keys == set(keys)
    same_candidates(reopened, lsh, queries)
    assert {p.name for p in tmp_path.glob("seg-*")} == {s.name for s in reopened._segments}


def test_clause_postings_and_exact_copies_survive_merges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_mod, "SPILL_DOCS", 10)
    index = DedupIndex(tmp_path, DedupParams())
    sigs = planted(200, 3)
    for i, sig in enumerate(sigs):
        # digest 7 in every document; digest 1000+i//4 in four consecutive documents;
        # exact digests repeat every 50 documents (the first holder must stay the answer)
        index.add(f"d{i}", sig, f"{i % 50:032x}", [7, 1000 + i // 4])
        if i % 30 == 29:
            index.save()
    index.save()
    again = DedupIndex(tmp_path, DedupParams())
    stats = again.clause_stats([7, 1010, 5])
    assert stats[7] == (200, [f"d{i}" for i in range(MAX_POSTING)])  # oldest kept, df all
    assert stats[1010] == (4, ["d40", "d41", "d42", "d43"])
    assert 5 not in stats
    assert again.exact_of(f"{13:032x}") == "d13"  # not d63, d113 or d163


def test_index_persists_across_processes(tmp_path: Path) -> None:
    sigs = planted(300, 4)
    np.save(tmp_path / "sigs.npy", sigs)
    writer = textwrap.dedent(
        """
        import sys, numpy as np
        from pathlib import Path
        from dedup.index import DedupIndex
        from dedup.params import DedupParams
        sigs = np.load(sys.argv[1])
        index = DedupIndex(Path(sys.argv[2]), DedupParams())
        lo, hi = int(sys.argv[3]), int(sys.argv[4])
        for i in range(lo, hi):
            index.add(f"k{i}", sigs[i], f"{i:032x}", [i])
        index.save(mark=str(hi))
        """
    )
    idx = tmp_path / "index"
    for lo, hi in ((0, 120), (120, 300)):  # two processes, one after the other
        subprocess.run(
            [sys.executable, "-c", writer, str(tmp_path / "sigs.npy"), str(idx), str(lo), str(hi)],
            check=True,
            cwd=ROOT,
        )
    index = DedupIndex(idx, DedupParams())
    assert index.mark == "300" and len(index) == 300
    same_candidates(index, reference([f"k{i}" for i in range(300)], sigs), sigs[::11])
    assert index.clause_stats([150]) == {150: (1, ["k150"])}


def test_previous_state_npz_is_converted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = DedupParams()
    sigs = planted(120, 5)
    keys = [f"old{i}" for i in range(120)]
    # The arrays the previous DedupIndex.save() wrote (clause 9 held by documents 0..119).
    np.savez(
        tmp_path / "state.npz",
        keys=np.array(keys, dtype=str),
        sigs=sigs,
        exact=np.array([f"{i:032x}" for i in range(120)], dtype="S32"),
        clause_digests=np.array([9], np.uint64),
        clause_df=np.array([120], np.uint32),
        clause_offsets=np.array([0, MAX_POSTING], np.int64),
        clause_ids=np.arange(MAX_POSTING, dtype=np.uint32),
    )
    (tmp_path / "meta.json").write_text(json.dumps(p.stamp()))

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # as if killed while writing the new segment

    monkeypatch.setattr("dedup.migrate.write_segment", killed)
    with pytest.raises(KeyboardInterrupt):
        DedupIndex(tmp_path, p)
    assert (tmp_path / "state.npz").exists()  # nothing lost
    monkeypatch.undo()
    index = DedupIndex(tmp_path, p)
    assert not (tmp_path / "state.npz").exists()
    assert index.keys == set(keys)
    assert index.exact_of(f"{5:032x}") == "old5"
    assert index.clause_stats([9])[9] == (120, keys[:MAX_POSTING])
    same_candidates(index, reference(keys, sigs), sigs[::5])


def test_refuses_other_parameters_and_unknown_formats(tmp_path: Path) -> None:
    index = DedupIndex(tmp_path, DedupParams())
    index.add("a", planted(1, 6)[0], "0" * 32, ())
    index.save()
    with pytest.raises(ParamsMismatch, match=r"rows: index has 4, requested 8.*reindex"):
        DedupIndex(tmp_path, DedupParams(bands=16, rows=8))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["format"] = "aidcorpus-index/99"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="aidcorpus-index/99"):
        DedupIndex(tmp_path, DedupParams())
