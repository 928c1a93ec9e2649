"""Registry versions stay loadable; retrain promotes better, refuses worse, and is idempotent."""

import numpy as np
import pytest

from gnn.config import RiskConfig
from gnn.pipeline import train_risk
from gnn.registry import ModelRegistry
from gnn.retrain import data_fingerprint, retrain_risk
from gnn.riskmodel import RiskModel
from ingest.errors import NotFoundError

GOOD = RiskConfig(use_gnn=False, fast=True)
# a deliberately weak model: the graph model only sees own features, and with few rounds
WEAK = RiskConfig(use_gnn=False, fast=True, feature_set="own", gbm_rounds=20, gbm_leaves=2, gbm_min_child=200)


def test_registry_versions_promote_and_rollback(world, tmp_path):
    reg = ModelRegistry(tmp_path)
    assert reg.latest() is None
    r1 = train_risk(world, "2024-01-01", GOOD, tmp_path)
    r2 = train_risk(world, "2024-01-01", WEAK, tmp_path)
    assert (r1.version, r2.version) == ("v0001", "v0002")
    assert reg.current() == "v0001" and reg.latest() == "v0001"  # the first one was promoted, not the second
    reg.promote("v0002", "test")
    assert reg.latest() == "v0002"
    old = RiskModel.load(reg.path("v0001"))  # previous version still loadable
    assert old.meta["cutoff"] == "2024-01-01" and old.meta["code_version"]
    assert reg.meta("v0001")["config"]["feature_set"] == "all"
    with pytest.raises(NotFoundError):
        reg.path("v0999")
    assert [e["action"] for e in reg.history()] == ["promote", "promote"]


def test_retrain_promotes_better_refuses_worse_and_is_idempotent(world, tmp_path, monkeypatch):
    # other work commits while this runs: pin the code version that is part of the idempotence key
    monkeypatch.setattr("gnn.registry.code_version", lambda: "pinned")
    reg = ModelRegistry(tmp_path)
    first = retrain_risk(world, WEAK, reg)
    assert first.action == "promoted" and reg.current() == first.candidate_version
    better = retrain_risk(world, GOOD, reg)
    assert better.action == "promoted", better.reason
    assert better.candidate_metrics["roc_auc"] >= better.current_metrics["roc_auc"]
    assert reg.current() == better.candidate_version
    worse = retrain_risk(world, WEAK.__class__(**{**WEAK.__dict__, "seed": 1}), reg)
    assert worse.action == "refused", worse.reason
    assert reg.current() == better.candidate_version  # unchanged
    again = retrain_risk(world, GOOD, reg)
    assert again.action == "unchanged" and reg.current() == better.candidate_version
    assert len(reg.versions()) == 3
    logged = [e["action"] for e in reg.history()]
    assert logged == ["promote", "promote", "refuse", "unchanged"]


def test_fingerprint_changes_with_data(world):
    from graph.model import NodeLabel

    fp = data_fingerprint(world)
    assert fp == data_fingerprint(world)
    nodes = dict(world.nodes)
    nodes[NodeLabel.CREDIT_RECORD] = nodes[NodeLabel.CREDIT_RECORD].iloc[1:]
    assert data_fingerprint(type(world)(nodes=nodes, edges=world.edges)) != fp
    assert np.isfinite(len(fp))


def test_promotion_serves_the_latest_data_and_compares_on_a_window_neither_saw(world, tmp_path, monkeypatch):
    import pandas as pd

    from graph.features_cut import default_as_of

    monkeypatch.setattr("gnn.registry.code_version", lambda: "pinned")
    latest = pd.Timestamp(default_as_of(world))
    held = latest - pd.DateOffset(months=GOOD.horizon_months)
    reg = ModelRegistry(tmp_path)
    old = train_risk(world, (held - pd.DateOffset(months=6)).date(), WEAK, tmp_path)  # cutoff before H
    out = retrain_risk(world, GOOD, reg)
    assert out.current_version == old.version
    assert out.current_metrics["scored_as"] == "saved"  # its cutoff precedes the window: scored as saved
    assert out.action == "promoted", out.reason
    served = reg.meta(reg.current())
    assert pd.Timestamp(served["cutoff"]) == latest  # served model trained up to the latest data
    assert pd.Timestamp(served["evaluated_cutoff"]) == held
    # the incumbent is now trained up to L: it has seen (H, L], so its recipe is refitted for H
    again = retrain_risk(world, WEAK.__class__(**{**GOOD.__dict__, "seed": 3}), reg)
    assert again.current_metrics["scored_as"].startswith("recipe refitted")
