"""`credgraph run --first-load import`: neo4j-admin's importer builds the same graph a Bolt load
builds, on a Neo4j server of the test's own; it refuses a database that holds data and a server
it does not run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from private_neo4j import PrivateNeo4j

from api.pipeline import run_pipeline
from api.settings import Settings
from graph.bulk_load import ManagedServer, import_rows
from graph.model import NodeLabel, RelType
from graph.rows import dataset_rows
from graph.store import open_store
from ingest.errors import ConfigError
from ingest.records import Dataset
from resolution.pipeline import resolve_dataset

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "contract-example"
AS_OF = date(2024, 12, 31)


def test_import_rows_are_the_dataset_rows_plus_every_link(example: Dataset) -> None:
    links = resolve_dataset(example)
    rows, base = import_rows(example, links), dataset_rows(example)
    assert rows.nodes == base.nodes
    added = sum(len(r) for r in rows.edges.values()) - sum(len(r) for r in base.edges.values())
    assert added == len(links) > 0
    mentions = rows.edges[(NodeLabel.EVENT, RelType.MENTIONS, NodeLabel.FIRM)]
    assert {m["props"]["decision"] for m in mentions} >= {"auto_link"}


def test_the_managed_server_is_the_loopback_one_on_its_port() -> None:
    server = ManagedServer(env={"NEO4J_BOLT_PORT": "7699"})
    assert server.serves("bolt://127.0.0.1:7699") and server.serves("neo4j://localhost:7699")
    assert not server.serves("bolt://127.0.0.1:7687")
    assert not server.serves("bolt://10.0.0.5:7699")


def test_import_into_a_server_this_machine_does_not_run_is_refused_before_any_work(tmp_path: Path) -> None:
    settings = Settings(graph_uri="bolt://10.0.0.5:7687", neo4j_password="not-used", first_load="import")
    with pytest.raises(ConfigError, match="scripts/neo4j.sh runs on this machine"):
        run_pipeline(EXAMPLE, tmp_path / "out", settings, AS_OF, progress=False)
    assert not (tmp_path / "out").exists()


def _tables(uri: str, password: str) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    store = open_store(uri, user="neo4j", password=password)
    try:
        t = store.export_tables()
        frames = {f"node {k}": v for k, v in t.nodes.items()} | {f"rel {k}": v for k, v in t.edges.items()}
        return frames, store.counts()
    finally:
        store.close()


@pytest.mark.neo4j
@pytest.mark.slow
def test_import_and_bolt_build_the_same_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    srv = PrivateNeo4j(tmp_path / "neo4j")
    for k, v in srv.env.items():
        if k.startswith("NEO4J_"):
            monkeypatch.setenv(k, v)
    settings = Settings(
        graph_uri=srv.uri, neo4j_password=srv.password, review_db_url=f"sqlite:///{tmp_path / 'review.db'}",
        model_dir=tmp_path / "models", first_load="import",
    )
    srv.start()
    try:
        summary = run_pipeline(EXAMPLE, tmp_path / "imported", settings, AS_OF, progress=False)
        assert summary.load["by"] == "neo4j-admin import"
        assert not (tmp_path / "imported" / "neo4j-import").exists()  # the files went into the database
        imported, counts = _tables(srv.uri, srv.password)
        assert counts["MENTIONS"] > 0 and counts["Firm"] > 0

        # a second import would replace what is there now: refused, the graph untouched
        with pytest.raises(ConfigError, match="holds data"):
            run_pipeline(EXAMPLE, tmp_path / "again", settings, AS_OF, progress=False)
        assert _tables(srv.uri, srv.password)[1] == counts

        store = open_store(srv.uri, user="neo4j", password=srv.password)
        try:
            store.clear()
        finally:
            store.close()
        bolt = settings.model_copy(update={"first_load": "bolt", "model_dir": tmp_path / "models2"})
        run_pipeline(EXAMPLE, tmp_path / "bolt", bolt, AS_OF, progress=False)
        loaded, bolt_counts = _tables(srv.uri, srv.password)
    finally:
        srv.stop()
    assert bolt_counts == counts
    assert imported.keys() == loaded.keys()
    for name in loaded:
        pd.testing.assert_frame_equal(imported[name], loaded[name], obj=name)
    for out in ("resolutions.csv", "risk_scores.csv"):
        assert (tmp_path / "imported" / out).read_bytes() == (tmp_path / "bolt" / out).read_bytes()
