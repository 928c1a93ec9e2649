"""GNN occlusion names the nodes its risk came through: checked against the full graph."""

import numpy as np
import pytest

from gnn.config import RiskConfig
from gnn.explain_gnn import gnn_occlusion, logit_without
from gnn.snapshots import make_snapshot
from gnn.train import train_gnn


def _index(proj, snap, party):
    label, key = party.split(":", 1)
    g = snap.features.graph
    if label == "Firm":
        return "firm", int(np.flatnonzero(proj.firm_keys == key)[0])
    if label == "Person":
        return "person", int(np.flatnonzero(proj.person_keys == key)[0])
    keys = g.addr_keys if label == "Address" else g.phone_keys
    return label.lower(), int(np.flatnonzero(keys == key)[0])


@pytest.mark.slow
def test_removing_the_top_occluded_node_lowers_the_full_graph_logit_most(world):
    train = [make_snapshot(world, "2022-01-01", [], 12)]
    val = make_snapshot(world, "2023-01-01", [], 12)
    gm, _ = train_gnn(train, val, RiskConfig(epochs=2, hidden=16, batch_size=512))
    proj = gm.project(val)
    full = gm.predict_logit(val, proj)
    rng = np.random.default_rng(0)
    checked = 0
    for subject in np.argsort(-full[: proj.n_firms])[:4]:
        reasons = gnn_occlusion(gm, val, int(subject), top_k=50, max_nodes=40, proj=proj)
        if len(reasons) < 2:
            continue
        top_t, top_i = _index(proj, val, reasons[0]["party"])
        drop_top = full[subject] - logit_without(gm, proj, int(subject), top_t, top_i)
        assert np.isclose(drop_top, reasons[0]["delta_logit"], atol=1e-3)  # subgraph is exact
        other = reasons[1 + rng.integers(len(reasons) - 1)]
        rt, ri = _index(proj, val, other["party"])
        assert drop_top >= full[subject] - logit_without(gm, proj, int(subject), rt, ri) - 1e-6
        checked += 1
    assert checked >= 2


@pytest.mark.slow
def test_batched_occlusion_equals_one_forward_per_node(world):
    from gnn.explain_gnn import gnn_party_effects

    train = [make_snapshot(world, "2022-01-01", [], 12)]
    val = make_snapshot(world, "2023-01-01", [], 12)
    gm, _ = train_gnn(train, val, RiskConfig(epochs=1, hidden=8, batch_size=512))
    proj = gm.project(val)
    full = gm.predict_logit(val, proj)
    subjects = np.argsort(-full[: proj.n_firms])[:2]
    batched, done = gnn_party_effects(gm, val, subjects, 2.0, proj, top_k=3, max_batch_nodes=300)
    assert done == 2 and batched
    for row, parts in batched.items():
        for node_type, key, drop in parts:
            party = f"{node_type.capitalize()}:{key}"
            t, i = _index(proj, val, party)
            # exact: the batched subgraph drop equals removing the node from the full graph
            assert np.isclose(drop, 2.0 * (full[row] - logit_without(gm, proj, int(row), t, i)), atol=2e-3)
        single = {p["party"]: p["delta_logit"] for p in gnn_occlusion(gm, val, row, top_k=500, proj=proj)}
        top = max(single.values())
        assert parts[0][2] <= 2.0 * top + 2e-3  # no candidate beats the best node of all
