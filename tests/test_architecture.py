"""The layout rules of DESIGN.md, checked by scanning imports: data flows one way."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = {"crawler", "extract", "dedup", "corpus", "zhtext", "aidcorpus"}
# zhtext: the Chinese text views (stored view, hash view, glosses, OpenCC, mojibake) that
# extract and dedup share; a leaf, so that sharing them adds no path between the stages.
ALLOWED = {
    "aidcorpus": {"corpus"},  # only `python -m aidcorpus`
    "zhtext": set(),
    "extract": {"zhtext"},
    "dedup": {"zhtext"},
    "crawler": {"extract", "zhtext"},
    "corpus": {"crawler", "extract", "dedup", "zhtext"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_dependencies_point_one_way(package: str) -> None:
    bad = {}
    for path in (REPO / package).rglob("*.py"):
        wrong = (imported_roots(path) & OURS) - ALLOWED[package] - {package}
        if wrong:
            bad[str(path.relative_to(REPO))] = sorted(wrong)
    assert not bad, f"{package} may import only {sorted(ALLOWED[package])}: {bad}"


def test_gpl_peer_stays_in_bench() -> None:
    users = [str(p.relative_to(REPO)) for pkg in OURS for p in (REPO / pkg).rglob("*.py")
             if "gne" in imported_roots(p)]
    assert not users, f"GNE (GPL-3.0) imported by the product: {users}"


def test_test_module_names_are_unique() -> None:
    names = Counter(p.name for p in (REPO / "tests").rglob("test_*.py"))
    assert not [n for n, c in names.items() if c > 1], "pytest cannot import two test_X.py"
