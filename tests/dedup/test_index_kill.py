"""SIGKILL a process while it saves or merges the index: what is left opens, consistent."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from dedup.index import DedupIndex
from dedup.params import DedupParams
from tests.dedup.test_segments import planted, reference, same_candidates

ROOT = Path(__file__).resolve().parents[2]
N = 700

# Adds k<i> in order, saving every 20 with mark = how many; KILL=writer:N kills the process
# at the N-th segment file closed (inside a spill or a merge), KILL=merge:N at the N-th
# file closed inside a merge, KILL=replace:N at the N-th manifest rename, before it happens.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import numpy as np
    from dedup import index as index_mod, manifest, merge, segment
    from dedup.index import DedupIndex
    from dedup.params import DedupParams

    index_mod.SPILL_DOCS = 25
    sigs = np.load(sys.argv[1])
    kind, _, at = os.environ.get("KILL", "none:0").partition(":")
    calls = 0
    merging = False

    def counted(real):
        def wrapper(*args, **kwargs):
            global calls
            calls += kind != "merge" or merging
            if calls == int(at):
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return wrapper

    def flagged(real):
        def wrapper(*args, **kwargs):
            global merging
            merging = True
            try:
                return real(*args, **kwargs)
            finally:
                merging = False
        return wrapper

    if kind in ("writer", "merge"):
        segment.ArrayWriter.close = counted(segment.ArrayWriter.close)
        index_mod.merge_segments = flagged(merge.merge_segments)
    elif kind == "replace":
        manifest.os.replace = counted(os.replace)
    index = DedupIndex(Path(sys.argv[2]), DedupParams())
    for i in range(len(index), len(sigs)):
        index.add(f"k{i}", sigs[i], f"{i:032x}", [i % 97, 5000 + i])
        if (i + 1) % 20 == 0:
            index.save(mark=str(i + 1))
    index.save(mark=str(len(sigs)))
    print("done")
    """
)


def _check(idx: Path, sigs: np.ndarray) -> int:
    """The index opens, its mark matches its content, its content is a prefix of the adds."""
    index = DedupIndex(idx, DedupParams())
    n = len(index)
    assert (index.mark is None and n == 0) or int(index.mark) == n
    keys = [f"k{i}" for i in range(n)]
    assert index.keys == set(keys)
    if n:
        same_candidates(index, reference(keys, sigs[:n]), sigs[: n : max(n // 15, 1)])
        assert index.clause_stats([5000 + n - 1]) == {5000 + n - 1: (1, [f"k{n - 1}"])}
    return n


def test_sigkill_during_save_and_merge_leaves_a_consistent_index(tmp_path: Path) -> None:
    sigs = planted(N, 7)
    np.save(tmp_path / "sigs.npy", sigs)
    idx = tmp_path / "index"
    rng = random.Random(11)
    progress = []
    kills = ["writer:3", "merge:4", "replace:2", "writer:61", "merge:17", "replace:5", "merge:9"]
    for kill in [*kills, "random", "random", "random"]:
        env = {**os.environ, "KILL": kill if kill != "random" else "none:0"}
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "sigs.npy"), str(idx)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if kill == "random":
            time.sleep(rng.uniform(0.6, 1.5))  # after the interpreter start: mid-run
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
        if kill != "random":
            assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
        progress.append(_check(idx, sigs))
    assert progress[-1] < N or progress == sorted(progress)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "sigs.npy"), str(idx)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "done", done.stderr[-2000:]
    assert _check(idx, sigs) == N
    # Leftovers of the killed writers are gone: only what the manifest names remains.
    named = {s.name for s in DedupIndex(idx, DedupParams())._segments}
    assert {p.name for p in idx.iterdir() if p.name.startswith("seg-")} == named
    assert not list(idx.glob("*.tmp"))
