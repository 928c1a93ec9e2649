"""Reasons a supervisor can check: grounded records first, nothing empty above the base rate, expired
records never presented as grounds, every reason with its dimension and grounded flag."""

import numpy as np
import pandas as pd
import pytest

from gnn.config import RiskConfig
from gnn.dimensions import DIMENSIONS
from gnn.explain import loads
from gnn.pipeline import base_rate, fit_risk_model, score_snapshot
from gnn.snapshots import make_snapshot
from graph.features_cut import PUNITIVE, cut_tables, subject_records
from graph.model import NodeLabel

T = pd.Timestamp("2024-01-01")
CFG = RiskConfig(use_gnn=False, fast=True)


def _with_expired(world, share: float = 0.3, seed: int = 1):
    """The same world with a share of its records expired (credit repair) before T."""
    rng = np.random.default_rng(seed)
    nodes = dict(world.nodes)
    recs = nodes[NodeLabel.CREDIT_RECORD].copy()
    hit = (rng.random(len(recs)) < share) & (recs["decided_on"] < T - pd.DateOffset(months=2))
    recs.loc[hit, "expires_on"] = recs.loc[hit, "decided_on"] + pd.DateOffset(months=1)
    nodes[NodeLabel.CREDIT_RECORD] = recs
    return type(world)(nodes=nodes, edges=world.edges), set(recs.loc[hit, "key"])


@pytest.fixture(scope="module")
def scored(world):
    tables, expired = _with_expired(world)
    model, _, _ = fit_risk_model(tables, T, CFG)
    snap = make_snapshot(tables, T, model.categories)
    # a small attributed share, so that both the attributed and the plain path are exercised
    df = score_snapshot(model, snap, 5, explain_fraction=0.05, explain_min=10)
    df["reasons"] = [loads(s) for s in df["top_reasons"]]
    return tables, expired, model, df


def _active_grounded(tables) -> dict[tuple[str, str], set[str]]:
    recs = subject_records(cut_tables(tables, T))
    recs = recs[recs["kind"].isin(PUNITIVE) & recs["active"].astype(bool)]
    recs = recs[recs["document_no"].fillna("").astype(str).str.strip() != ""]
    out: dict[tuple[str, str], set[str]] = {}
    for lab, key, rid in zip(recs["subject_label"], recs["subject"], recs["key"], strict=True):
        out.setdefault(("firm" if lab == "Firm" else "person", key), set()).add(rid)
    return out


def test_every_active_grounded_record_holder_shows_it_in_its_top_three(scored):
    tables, _, _, df = scored
    by_id = {(t, i): r for t, i, r in zip(df["subject_type"], df["subject_id"], df["reasons"], strict=True)}
    holders = _active_grounded(tables)
    assert len(holders) >= 20
    for subject, rids in holders.items():
        top3 = by_id[subject][:3]
        assert any(r["type"] == "record" and r["record_id"] in rids and r["grounded"] for r in top3), subject


def test_no_subject_above_the_base_rate_has_an_empty_list(scored):
    _, _, model, df = scored
    rate = base_rate(model, df["score"].to_numpy())
    above = df[df["score"] > rate]
    assert 0 < len(above) < len(df)
    assert all(len(r) > 0 for r in above["reasons"])


def test_an_expired_record_is_never_presented_as_grounds(scored):
    _, expired, _, df = scored
    reasons = [r for rs in df["reasons"] for r in rs]
    assert expired
    assert not [r for r in reasons if r["type"] == "record" and r["record_id"] in expired]
    history = [r for r in reasons if r["type"] == "history"]
    assert history and all(r["record_id"] in expired and r["grounded"] is False for r in history)


def test_every_reason_has_a_dimension_a_grounded_flag_and_no_bare_feature(scored):
    _, _, _, df = scored
    reasons = [r for rs in df["reasons"] for r in rs]
    assert reasons
    assert all(r["dimension"] in DIMENSIONS and isinstance(r["grounded"], bool) for r in reasons)
    assert not [r for r in reasons if r["type"] in ("feature", "gnn_neighbourhood")]
    related = [r for r in reasons if r["type"] == "related"]
    assert related and all(r["dimension"] == "related_parties" and r.get("path") for r in related)
    # a related party is grounded exactly when one of its listed records carries a document number
    assert all(r["grounded"] == any(p["document_no"] for p in r["party_records"]) for r in related)


def test_an_occlusion_that_names_nobody_leaves_the_reasons_as_they_were(world):
    """Whether the GNN's occlusion reached a subject depends on a wall-clock budget; a subject it
    reached without naming a party must keep the reasons it has without occlusion (a rerun under
    load once gave [] instead of its registry facts), and one it names a party for drops them."""
    from gnn.explain import Explainer, explain_subjects

    model, _, _ = fit_risk_model(world, T, CFG)
    snap = make_snapshot(world, T, model.categories)
    rows = np.arange(len(snap.features.frame))
    contrib, cols, _ = model.contributions(snap, rows)
    ex = Explainer(snap)
    plain = explain_subjects(snap, contrib, cols, 5, rows, None, ex)
    with_profile = [k for k, r in enumerate(plain) if any(x.get("signal") == "profile" for x in r)]
    assert with_profile, "the world should have subjects explained by registry facts alone"
    k = with_profile[0]
    frame = snap.features.frame
    firms = np.flatnonzero(frame["subject_label"].to_numpy() == str(NodeLabel.FIRM))
    other = int(next(j for j in firms if j != k))
    key = str(frame["subject"].iloc[other])
    faint = explain_subjects(snap, contrib, cols, 5, rows, {k: [("firm", key, 1e-6)]}, ex)[k]
    assert faint == plain[k]
    strong = explain_subjects(snap, contrib, cols, 5, rows, {k: [("firm", key, 2.0)]}, ex)[k]
    assert any("gnn_contribution" in r for r in strong)
    assert not any(r.get("signal") == "profile" for r in strong)
