"""`credgraph run` end to end on the contract example, on both stores: the contract's outputs.

The example's ground truth must be found completely (every truth link auto-linked, no false
auto_link), every registered subject gets a risk row, and the two stores give identical files.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.pipeline import RESOLUTION_COLUMNS, RISK_COLUMNS

EXAMPLE = Path(__file__).resolve().parents[1] / "ingest" / "example"
STORES = [
    pytest.param("memory", id="memory"),
    pytest.param(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"), id="neo4j", marks=pytest.mark.neo4j),
]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def run_cli(graph: str, out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> None:
    monkeypatch.setenv("CREDGRAPH_REVIEW_DB_URL", f"sqlite:///{tmp_path / 'review.db'}")
    monkeypatch.setenv("CREDGRAPH_MODEL_DIR", str(out / "models"))  # each run trains its own
    result = CliRunner().invoke(
        app, ["run", str(EXAMPLE), "--out", str(out), "--graph", graph, "--quiet", *extra]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)


@pytest.fixture()
def clean_graph(request: pytest.FixtureRequest) -> None:
    """Empty the Neo4j database before a bolt run, so counts are this run's alone."""
    if "neo4j" in request.node.keywords:
        driver = request.getfixturevalue("neo4j_driver")
        driver.execute_query("MATCH (n) DETACH DELETE n")


@pytest.mark.parametrize("graph", STORES)
def test_run_writes_contract_outputs(
    graph: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_graph: None
) -> None:
    out = tmp_path / "out"
    run_cli(graph, out, tmp_path, monkeypatch)

    with (out / "resolutions.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == RESOLUTION_COLUMNS
    links = read_rows(out / "resolutions.csv")
    auto = {(r["record_id"], r["entity_type"], r["entity_id"]) for r in links if r["decision"] == "auto_link"}
    truth = {
        (r["event_id"], r["entity_type"], r["entity_id"]) for r in read_rows(EXAMPLE / "events_truth.csv")
    }
    truth |= {
        (r["record_id"], r["subject_type"], r["subject_id"])
        for r in read_rows(EXAMPLE / "credit_records_truth.csv")
    }
    assert auto == truth
    assert all(0.0 <= float(r["score"]) <= 1.0 and r["evidence"] for r in links)
    assert {r["source"] for r in links} == {"events", "credit_records"}

    with (out / "risk_scores.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == RISK_COLUMNS
    risk = read_rows(out / "risk_scores.csv")
    subjects = {("firm", r["uscc"]) for r in read_rows(EXAMPLE / "firms.csv")}
    subjects |= {("person", r["person_id"]) for r in read_rows(EXAMPLE / "persons.csv")}
    assert {(r["subject_type"], r["subject_id"]) for r in risk} == subjects
    assert all(0.0 <= float(r["score"]) <= 1.0 and r["model_version"] for r in risk)
    by_id = {r["subject_id"]: r for r in risk}
    # the firm penalised under 衢环罚〔2024〕15号 names that document among its reasons
    assert "衢环罚〔2024〕15号" in by_id["91330803MA2D00037J"]["top_reasons"]


@pytest.mark.neo4j
def test_both_stores_give_identical_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, neo4j_driver: object
) -> None:
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")  # type: ignore[attr-defined]
    run_cli("memory", tmp_path / "mem", tmp_path, monkeypatch)
    run_cli(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"), tmp_path / "bolt", tmp_path, monkeypatch)
    for name in ("resolutions.csv", "risk_scores.csv"):
        assert read_rows(tmp_path / "mem" / name) == read_rows(tmp_path / "bolt" / name), name


def test_bad_row_is_quarantined_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for f in EXAMPLE.iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    with (data / "firms.csv").open("a", encoding="utf-8") as fh:
        fh.write("91330803MA2D00099X,坏码公司,,enterprise,,,,330803,,,active,2020-01-01,\n")
    out = tmp_path / "out"
    monkeypatch.setenv("CREDGRAPH_REVIEW_DB_URL", f"sqlite:///{tmp_path / 'review.db'}")
    monkeypatch.setenv("CREDGRAPH_MODEL_DIR", str(tmp_path / "models"))
    result = CliRunner().invoke(app, ["run", str(data), "--out", str(out), "--quiet", "--strict"])
    assert result.exit_code == 3
    report = read_rows(out / "quarantine.csv")
    assert len(report) == 1 and report[0]["file"] == "firms.csv" and report[0]["field"] == "uscc"
    assert "1 rows quarantined" in result.output


def test_pipeline_leaves_a_passed_store_open_and_filled(tmp_path: Path) -> None:
    """`credgraph serve --data` serves the store the pipeline filled: it must stay open, with risk."""
    from api.pipeline import run_pipeline
    from api.settings import Settings
    from graph.model import NodeLabel
    from graph.store import open_store

    settings = Settings(review_db_url=f"sqlite:///{tmp_path / 'review.db'}", model_dir=tmp_path / "models")
    store = open_store("memory")
    run_pipeline(EXAMPLE, tmp_path / "out", settings, progress=False, store=store)
    risk = store.risk(NodeLabel.FIRM, "91330803MA2D00037J")
    assert risk is not None and 0.0 <= risk.score <= 1.0
    assert store.counts()["Firm"] == len(read_rows(EXAMPLE / "firms.csv"))


def test_run_keeps_its_models_beside_its_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CREDGRAPH_MODEL_DIR a run trains into OUT/models, so a model left in the working
    directory by an earlier run on other data is never picked up."""
    monkeypatch.delenv("CREDGRAPH_MODEL_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDGRAPH_REVIEW_DB_URL", f"sqlite:///{tmp_path / 'review.db'}")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(EXAMPLE), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (out / "models" / "CURRENT").is_file()
    assert not (tmp_path / "models").exists()
