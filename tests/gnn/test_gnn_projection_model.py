"""HeteroData projection keeps the id maps and validates; the GNN trains on a tiny graph."""

import numpy as np
import torch

from gnn.config import RiskConfig
from gnn.data import Standardiser, edge_types, gnn_feature_cols, to_hetero
from gnn.model import HeteroRiskGNN
from gnn.sampler import HeteroNeighborSampler
from gnn.snapshots import make_snapshot
from gnn.train import GnnModel, train_gnn
from graph.features_tables import TablesBuilder


def _tiny():
    b = TablesBuilder()
    b.firm("F1", address="a1").firm("F2", address="a1").firm("F3", phone="13900000001").person("P1").person(
        "P2"
    )
    b.role("Person", "P1", "F1", "legal_rep").role("Person", "P1", "F2", "shareholder", 40)
    b.role("Firm", "F2", "F3", "shareholder", 100).role("Person", "P2", "F3", "supervisor")
    b.record("R1", "Firm", "F1", "admin_penalty", "2023-01-01")
    return b.build()


def _proj(tables):
    snap = make_snapshot(tables, "2024-01-01", [], 12)
    cols = gnn_feature_cols(snap)
    scaler = Standardiser.fit(snap.features.frame[cols].to_numpy(dtype=float))
    return snap, to_hetero(snap, cols, scaler)


def test_projection_keeps_maps_and_both_directions():
    snap, proj = _proj(_tiny())
    data = proj.data
    assert list(proj.firm_keys) == ["F1", "F2", "F3"] and list(proj.person_keys) == ["P1", "P2"]
    assert data["firm"].num_nodes == 3 and data["person"].num_nodes == 2
    ei = data["person", "LEGAL_REP", "firm"].edge_index
    rev = data["firm", "rev_LEGAL_REP", "person"].edge_index
    assert ei.tolist() == [[0], [0]] and rev.tolist() == [[0], [0]]
    ff = data["firm", "SHAREHOLDER", "firm"].edge_index.tolist()
    assert ff == [[1], [2]]  # F2 holds F3
    assert set(data.edge_types) == set(edge_types())
    assert (
        data["address"].num_nodes == 1 and data["firm", "REGISTERED_AT", "address"].edge_index.shape[1] == 2
    )
    assert data.validate()
    # standardised features: finite, and the record shows up on F1 only
    assert torch.isfinite(data["firm"].x).all()


def test_sampler_keeps_seeds_first_and_edges_local():
    _, proj = _proj(_tiny())
    sub = HeteroNeighborSampler(proj.data, (5, 5)).sample({"firm": np.array([2])})
    assert sub["firm"].n_id[0].item() == 2 and sub["firm"].batch_size == 1
    for et in sub.edge_types:
        ei = sub[et].edge_index
        if ei.numel():
            assert ei[0].max() < sub[et[0]].num_nodes and ei[1].max() < sub[et[2]].num_nodes
    assert sub.validate()


def test_model_contract_and_reset():
    _, proj = _proj(_tiny())
    in_dims = {nt: proj.data[nt].x.shape[1] for nt in proj.data.node_types}
    m = HeteroRiskGNN(in_dims, edge_types(), hidden=8, layers=2)
    out = m(proj.data.x_dict, proj.data.edge_index_dict)
    assert out["firm"].shape == (3,) and out["person"].shape == (2,)
    before = [p.clone() for p in m.parameters()]
    m.reset_parameters()
    assert any(not torch.equal(a, b) for a, b in zip(before, m.parameters(), strict=True))


def test_gnn_training_lowers_the_loss(world, tmp_path):
    train = [make_snapshot(world, d, [], 12) for d in ("2022-01-01", "2021-01-01")]
    val = make_snapshot(world, "2023-01-01", [], 12)
    cfg = RiskConfig(epochs=6, patience=10, hidden=16, batch_size=256)
    gm, hist = train_gnn(train, val, cfg)
    assert hist[-1]["loss"] < hist[0]["loss"]
    assert max(h["val_auc"] for h in hist) > 0.6
    gm.save(tmp_path / "g")
    again = GnnModel.load(tmp_path / "g")
    assert np.allclose(again.predict_logit(val), gm.predict_logit(val), atol=1e-5)
