"""CSV files for `neo4j-admin database import full`, written from the same rows the stores load.

The offline importer is the ceiling a Bolt load is measured against (bench/load_neo4j.py), and a
way to build a first, very large database. Node files carry `key:ID(<Label>)` (one ID space per
label) plus every property; relationship files carry `:START_ID(<Label>)`, `:END_ID(<Label>)`,
`rid` and properties, typed from the values (dates as `date`, event times as `localdatetime`,
lists as `string[]` split on '|'). Rows whose ends are unknown are left to the importer's
`--skip-bad-relationships`, as the stores skip them.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graph.model import NODE_KEY, NodeLabel, RelType
from graph.rows import TEMPORAL, EdgeGroup, GraphRows, Row

ARRAY_DELIMITER = "|"


@dataclass
class ImportFiles:
    """The files written, per label and per relationship type."""

    nodes: dict[NodeLabel, Path] = field(default_factory=dict)
    relationships: dict[RelType, list[Path]] = field(default_factory=dict)

    def arguments(self) -> list[str]:
        """`--nodes=...` / `--relationships=...` arguments for the import command."""
        args = [f"--nodes={label}={path}" for label, path in self.nodes.items()]
        for rel, paths in self.relationships.items():
            args += [f"--relationships={rel}={p}" for p in paths]
        return args


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list | tuple):
        return "string[]"
    return "string"


def _columns(rows: Sequence[Row], kind: NodeLabel | RelType) -> list[tuple[str, str]]:
    """(property, import type) for every property any row has, in first-seen order."""
    seen: dict[str, str] = {}
    for row in rows:
        for name, value in row["props"].items():
            if name not in seen:
                seen[name] = _type_of(value)
    for name, typ in TEMPORAL.get(kind, {}).items():
        seen[name] = "localdatetime" if typ is datetime else "date"
    return list(seen.items())


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ARRAY_DELIMITER.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _value(row: Row, name: str) -> Any:
    return row["props"].get(name, row.get(name))


def write_node_file(path: Path, label: NodeLabel, rows: Sequence[Row]) -> None:
    cols = _columns(rows, label)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f"{NODE_KEY[label]}:ID({label})", *(f"{c}:{t}" for c, t in cols), ":LABEL"])
        for row in rows:
            out.writerow([row["key"], *(_cell(_value(row, c)) for c, _ in cols), str(label)])


def write_edge_file(path: Path, group: EdgeGroup, rows: Sequence[Row]) -> None:
    src, rel, dst = group
    cols = _columns(rows, rel)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f":START_ID({src})", f":END_ID({dst})", "rid:string", *(f"{c}:{t}" for c, t in cols)])
        for row in rows:
            out.writerow([row["src"], row["dst"], row["rid"], *(_cell(_value(row, c)) for c, _ in cols)])


def write_import_csv(rows: GraphRows, out_dir: Path) -> ImportFiles:
    """Write one node file per label and one relationship file per edge group into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = ImportFiles()
    for label, node_rows in rows.nodes.items():
        path = out_dir / f"nodes_{label}.csv"
        write_node_file(path, label, node_rows)
        files.nodes[label] = path
    for group, edge_rows in rows.edges.items():
        src, rel, dst = group
        path = out_dir / f"rels_{src}_{rel}_{dst}.csv"
        write_edge_file(path, group, edge_rows)
        files.relationships.setdefault(rel, []).append(path)
    return files


def import_command_args(
    files: ImportFiles, database: str = "neo4j", threads: int | None = None, max_off_heap: str = "2g"
) -> list[str]:
    """Arguments after `neo4j-admin` for a full import of `files` into a fresh `database`."""
    # the database name goes first: the file options take several values and would swallow it
    args = [
        "database",
        "import",
        "full",
        database,
        "--overwrite-destination=true",
        "--skip-bad-relationships=true",
        "--bad-tolerance=100000000",
        "--skip-bad-entries-logging=true",
        "--multiline-fields=true",
        f"--array-delimiter={ARRAY_DELIMITER}",
        f"--max-off-heap-memory={max_off_heap}",  # the default, 90% of RAM, is not ours to take
        *files.arguments(),
    ]
    if threads:
        args.append(f"--threads={threads}")
    return args
