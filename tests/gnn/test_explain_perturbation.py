"""Reasons are checkable: removing a subject's top reason lowers its score more than removing a random one."""

import json

import numpy as np
import pandas as pd

from gnn.config import RiskConfig
from gnn.explain import loads
from gnn.pipeline import fit_risk_model, score_snapshot
from gnn.snapshots import make_snapshot
from graph.model import NodeLabel, RelType

T = pd.Timestamp("2024-01-01")


def _drop_records_of(tables, label, key):
    so = tables.edges[RelType.SUBJECT_OF]
    rids = set(so[(so["src_label"] == label) & (so["src"] == key)]["dst"])
    return _drop_records(tables, rids)


def _drop_records(tables, rids):
    nodes = dict(tables.nodes)
    recs = nodes[NodeLabel.CREDIT_RECORD]
    nodes[NodeLabel.CREDIT_RECORD] = recs[~recs["key"].isin(rids)]
    return type(tables)(nodes=nodes, edges=tables.edges)


def _remove(tables, item):
    if item["type"] == "record":
        return _drop_records(tables, {item["record_id"]})
    label, key = item["party"].split(":", 1)
    return _drop_records_of(tables, label, key)


def _candidates(snap, i):
    """Everything a reason could name for subject i: its records and every punished party within reach."""
    g, seeds = snap.features.graph, snap.features.seeds
    so = snap.cut.edges[RelType.SUBJECT_OF]
    own = so[(so["src_label"] == g.labels[i]) & (so["src"] == g.keys[i])]["dst"]
    items = [{"type": "record", "record_id": r} for r in own]
    reach = set(g.W[i].indices) | set((g.W @ g.W)[i].indices) | set((g.addr @ g.addr.T)[i].indices)
    items += [
        {"type": "related", "party": f"{g.labels[j]}:{g.keys[j]}"} for j in reach if j != i and seeds[j] > 0
    ]
    return items


def _key(item):
    return item.get("record_id") or item.get("party")


def test_removing_the_top_reason_lowers_the_score_more_than_a_random_one(world):
    cfg = RiskConfig(use_gnn=False, fast=True)
    model, _, _ = fit_risk_model(world, T, cfg)
    snap = make_snapshot(world, T, model.categories)
    base = score_snapshot(model, snap, 5)
    rng = np.random.default_rng(0)
    top_drops, random_drops = [], []
    order = np.argsort(-base["score"].to_numpy())
    for i in order:
        reasons = [r for r in loads(base["top_reasons"].iat[i]) if r["type"] in ("record", "related")]
        cands = _candidates(snap, i)
        if not reasons or len(cands) < 2:
            continue
        top = reasons[0]
        others = [c for c in cands if _key(c) != _key(top)]
        rand = others[rng.integers(len(others))]
        s0 = base["score"].iat[i]
        for item, sink in ((top, top_drops), (rand, random_drops)):
            t2 = _remove(world, item)
            s = model.score(make_snapshot(t2, T, model.categories))[i]
            sink.append(s0 - s)
        if len(top_drops) >= 12:
            break
    assert len(top_drops) >= 8
    assert np.mean(top_drops) > np.mean(random_drops)
    assert np.mean(np.array(top_drops) >= np.array(random_drops)) >= 0.6


def test_reasons_are_short_parseable_json_with_grounding(world):
    cfg = RiskConfig(use_gnn=False, fast=True, max_reasons=3)
    model, _, _ = fit_risk_model(world, T, cfg)
    df = score_snapshot(model, make_snapshot(world, T, model.categories), 3)
    parsed = [json.loads(s) for s in df["top_reasons"]]
    assert all(len(p) <= 3 for p in parsed)
    records = [r for p in parsed for r in p if r["type"] == "record"]
    assert records and all(r["grounded"] == bool(r["document_no"]) for r in records)
    assert {r["type"] for p in parsed for r in p} >= {"record", "related"}
    assert ((df["score"] >= 0) & (df["score"] <= 1)).all()
    assert np.allclose(df["own_score"] + df["related_score"], np.maximum(df["score"], df["own_score"]))
