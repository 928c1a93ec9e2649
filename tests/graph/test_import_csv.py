"""CSV files for neo4j-admin import, written from the rows the stores load."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from graph.import_csv import import_command_args, write_import_csv
from graph.memory_store import MemoryStore
from graph.model import NodeLabel, RelType
from graph.rows import dataset_rows
from ingest.records import Dataset

ROOT = Path(__file__).resolve().parents[2]


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_files_carry_typed_headers_and_the_same_values(example: Dataset, tmp_path: Path) -> None:
    files = write_import_csv(dataset_rows(example), tmp_path)
    assert set(files.nodes) == set(NodeLabel)
    header, *rows = read(files.nodes[NodeLabel.FIRM])
    assert header[0] == "uscc:ID(Firm)" and header[-1] == ":LABEL"
    assert {
        "other_names:string[]",
        "founded_on:date",
        "registered_capital_wan:double",
        "prov_row:long",
    } <= set(header)
    shop = dict(zip(header, next(r for r in rows if r[0] == "92330803MA2D00010P"), strict=True))
    assert shop["other_names:string[]"] == "杜泽老街小吃店|老街小吃"
    assert shop["founded_on:date"] == "2015-04-01" and shop["registered_capital_wan:double"] == ""
    assert "occurred_at:localdatetime" in read(files.nodes[NodeLabel.EVENT])[0]
    (shares,) = [p for p in files.relationships[RelType.SHAREHOLDER] if "Person" in p.name]
    assert read(shares)[0][:4] == [":START_ID(Person)", ":END_ID(Firm)", "rid:string", "share_pct:double"]
    args = import_command_args(files, database="graphdb")
    assert args[:4] == ["database", "import", "full", "graphdb"]  # before the multi-valued options
    assert sum(a.startswith("--relationships=") for a in args) == sum(map(len, files.relationships.values()))


@pytest.mark.neo4j
@pytest.mark.slow
def test_imported_database_equals_the_loaded_one(example: Dataset, tmp_path: Path) -> None:
    """neo4j-admin import of the files, then the Neo4j store reads back what the networkx store holds."""
    import neo4j

    from graph.neo4j_store import Neo4jStore

    files = write_import_csv(dataset_rows(example), tmp_path / "csv")
    with socket.socket() as probe:  # a free port: other servers may be up on the usual ones
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    env = {**os.environ, "NEO4J_RUN_DIR": str(tmp_path / "home"), "NEO4J_BOLT_PORT": port}
    script = ["bash", str(ROOT / "scripts" / "neo4j.sh")]
    subprocess.run([*script, "admin", *import_command_args(files)], env=env, check=True, capture_output=True)
    subprocess.run([*script, "start"], env=env, check=True, capture_output=True)
    try:
        auth = ("neo4j", env.get("NEO4J_PASSWORD", "credgraph-dev"))
        with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=auth) as driver:
            imported = Neo4jStore(driver).export_tables()
    finally:
        subprocess.run([*script, "stop"], env=env, check=True, capture_output=True)
    ref = MemoryStore()
    ref.load_dataset(example)
    expected = ref.export_tables()
    for label in NodeLabel:
        pd.testing.assert_frame_equal(imported.nodes[label], expected.nodes[label])
    for rel in RelType:
        pd.testing.assert_frame_equal(imported.edges[rel], expected.edges[rel])
