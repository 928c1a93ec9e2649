"""House style, enforced: imports point one way, drivers and torch stay in their packages.

ingest ← resolution ← graph ← gnn ← api: a package may import only packages to its left.
The neo4j driver is imported only in graph/, torch and torch_geometric only in gnn/, pyspark only in
resolution/ (its Spark engine).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["ingest", "resolution", "graph", "gnn", "api"]
ONLY_IN = {"neo4j": {"graph"}, "torch": {"gnn"}, "torch_geometric": {"gnn"}, "pyspark": {"resolution"}}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def package_files() -> list[tuple[str, Path]]:
    return [(pkg, p) for pkg in ORDER for p in sorted((ROOT / pkg).rglob("*.py"))]


@pytest.mark.parametrize(("package", "path"), package_files(), ids=lambda v: str(v))
def test_imports_point_one_way(package: str, path: Path) -> None:
    allowed = set(ORDER[: ORDER.index(package) + 1])
    if package not in ("ingest", "resolution"):
        allowed.add("cypher")  # Cypher is read by graph/ (and may be listed by later stages)
    ours = imported_roots(path) & (set(ORDER) | {"cypher"})
    assert ours <= allowed, f"{path.relative_to(ROOT)} imports {sorted(ours - allowed)}"
    for lib, homes in ONLY_IN.items():
        if lib in imported_roots(path):
            assert package in homes, f"{path.relative_to(ROOT)} imports {lib}, allowed only in {homes}"


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from graph.store import open_store\nimport torch\n", encoding="utf-8")
    assert {"graph", "torch"} <= imported_roots(bad)
