"""score_risk end to end: every subject scored with reasons; nothing after the cutoff changes a score."""

from datetime import date
from pathlib import Path

import pandas as pd

from gnn.config import RiskConfig
from gnn.explain import loads
from gnn.pipeline import score_risk
from gnn.snapshots import plan_snapshots
from graph.features_tables import tables_from_dataset
from graph.model import NodeLabel, RelType
from ingest.dataset import read_dataset

CFG = RiskConfig(use_gnn=False, fast=True)
T = date(2024, 1, 1)
EXAMPLE = Path(__file__).resolve().parents[1] / "ingest" / "example"


def _without_future(tables):
    """The same world with every record, event, firm and affiliation dated after T removed."""
    t = pd.Timestamp(T)
    nodes, edges = dict(tables.nodes), dict(tables.edges)
    recs = nodes[NodeLabel.CREDIT_RECORD]
    nodes[NodeLabel.CREDIT_RECORD] = recs[recs["decided_on"] <= t]
    evs = nodes[NodeLabel.EVENT]
    nodes[NodeLabel.EVENT] = evs[evs["occurred_at"] <= t]
    edges[RelType.MENTIONS] = edges[RelType.MENTIONS][
        edges[RelType.MENTIONS]["src"].isin(nodes[NodeLabel.EVENT]["key"])
    ]
    return type(tables)(nodes=nodes, edges=edges)


def test_score_risk_scores_everyone_with_reasons(world, tmp_path):
    scores = score_risk(world, T, CFG, tmp_path / "models")
    n = len(world.nodes[NodeLabel.FIRM]) + len(world.nodes[NodeLabel.PERSON])
    founded_later = (world.nodes[NodeLabel.FIRM]["founded_on"] > pd.Timestamp(T)).sum()
    assert len(scores) == n - founded_later
    assert all(0.0 <= s.score <= 1.0 and s.model_version == "v0001" for s in scores)
    assert sum(1 for s in scores if loads(s.top_reasons)) > len(scores) // 10
    # the registry now holds a model: a second call loads it instead of training again
    again = score_risk(world, T, CFG, tmp_path / "models")
    assert [s.score for s in again] == [s.score for s in scores]


def test_no_look_ahead_future_records_do_not_change_scores(world):
    with_future = {(s.subject_type, s.subject_id): s.score for s in score_risk(world, T, CFG)}
    cut = {(s.subject_type, s.subject_id): s.score for s in score_risk(_without_future(world), T, CFG)}
    assert with_future == cut


def test_training_snapshots_end_before_the_cutoff(world):
    train, val = plan_snapshots(world, T, CFG)
    horizon = pd.DateOffset(months=CFG.horizon_months)
    assert val + horizon <= pd.Timestamp(T)
    assert all(d + horizon <= val for d in train)


def test_contract_example_scores_end_to_end():
    if not EXAMPLE.exists():
        import pytest

        pytest.skip("contract example not in the repo")
    tables = tables_from_dataset(read_dataset(EXAMPLE))
    scores = score_risk(tables, date(2024, 12, 31), CFG)
    by_id = {s.subject_id: s for s in scores}
    assert len(by_id) == len(tables.nodes[NodeLabel.FIRM]) + len(tables.nodes[NodeLabel.PERSON]) == 12
    penalised = by_id["91330803MA2D00037J"]  # admin penalty 2024-03, still in force
    assert penalised.score > by_id["92330803MA2D00010P"].score
    reasons = loads(penalised.top_reasons)
    assert any(r["type"] == "record" and r["record_id"] == "C3" and r["grounded"] for r in reasons)


def test_a_model_trained_after_the_cutoff_is_not_used_for_the_past(world, tmp_path):
    later = score_risk(world, date(2025, 1, 1), CFG, tmp_path)
    assert later[0].model_version == "v0001"
    past = score_risk(world, T, CFG, tmp_path)
    assert past[0].model_version == "v0002"  # trained for T, not the 2025 model
    again = score_risk(world, T, CFG, tmp_path)
    assert again[0].model_version == "v0002"  # found again, not retrained


def test_a_fallback_model_is_not_reused_for_data_with_history(world, tmp_path):
    """The contract example (no labelled history) leaves a fixed-weight fallback in the registry; a
    later world with history scored from the same model folder must train a real model."""
    if not EXAMPLE.exists():
        import pytest

        pytest.skip("contract example not in the repo")
    tiny = score_risk(tables_from_dataset(read_dataset(EXAMPLE)), date(2023, 12, 1), CFG, tmp_path)
    assert tiny[0].model_version == "v0001"
    from gnn.registry import ModelRegistry

    assert ModelRegistry(tmp_path).meta("v0001").get("kind") == "fallback"
    scores = score_risk(world, T, CFG, tmp_path)
    assert scores[0].model_version == "v0002"
    assert ModelRegistry(tmp_path).meta("v0002").get("kind") != "fallback"
