"""Exact batched occlusion vs PyG's GNNExplainer on the same subjects: time and faithfulness.

    python -m bench.risk_explain_compare   # after `python -m bench.risk` (reads its run folder)

For the 20 riskiest firms of the last bench.risk run: milliseconds per subject of gnn_party_effects and of
GNNExplainer (100 epochs, object node mask), and how much removing each method's top node from the full
graph lowers the GNN logit (a faithful explanation names a node that matters).
"""

import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch_geometric.explain import Explainer, GNNExplainer

from gnn.explain_gnn import ALL, gnn_party_effects, logit_without
from gnn.registry import ModelRegistry
from gnn.riskmodel import RiskModel
from gnn.sampler import HeteroNeighborSampler
from gnn.snapshots import make_snapshot


class Wrap(torch.nn.Module):
    def __init__(self, m, nt):
        super().__init__()
        self.m, self.nt = m, nt

    def forward(self, x_dict, edge_index_dict):
        return self.m(x_dict, edge_index_dict)[self.nt]


def main() -> None:
    torch.set_num_threads(1)  # as the product's occlusion runs; both methods measured alike
    run = Path(__file__).resolve().parent / ".work" / "run_f20000_s9091"
    _, tables = pd.read_pickle(run / "tables.pkl")
    reg = ModelRegistry(run / "models")
    model = RiskModel.load(reg.path(reg.latest()))
    snap = make_snapshot(tables, date(2024, 12, 31), model.categories)
    gnn = model.gnn
    proj = gnn.project(snap)
    full = gnn.predict_logit(snap, proj)
    subjects = np.argsort(-full[: proj.n_firms])[:20]
    t0 = time.perf_counter()
    occ, done = gnn_party_effects(gnn, snap, subjects, 1.0, proj, top_k=1)
    print("occ done", done, flush=True)
    t_occ = (time.perf_counter() - t0) / len(subjects)

    sampler = HeteroNeighborSampler(proj.data, (ALL,) * gnn.hparams["layers"])
    exp = Explainer(
        Wrap(gnn.model.eval(), "firm"),
        algorithm=GNNExplainer(epochs=100),
        explanation_type="model",
        node_mask_type="object",
        edge_mask_type=None,
        model_config=dict(mode="binary_classification", task_level="node", return_type="raw"),
    )
    t_gx, drop_occ, drop_gx = 0.0, [], []
    for s in subjects[:10].tolist():
        sub = sampler.sample({"firm": np.array([s])})
        t1 = time.perf_counter()
        eid = {k: v for k, v in sub.edge_index_dict.items() if v.numel()}
        e = exp(sub.x_dict, eid, index=0)
        t_gx += time.perf_counter() - t1
        best = max(
            (
                (t, int(i), float(v))
                for t in sub.node_types
                for i, v in enumerate(e[t].node_mask.view(-1))
                if not (t == "firm" and i == 0)
            ),
            key=lambda r: r[2],
        )
        t, i, _ = best
        gid = int(sub[t].n_id[i])
        d_gx = full[s] - logit_without(gnn, proj, s, t, gid)
        parts = occ.get(s, [])
        d_occ = parts[0][2] if parts else 0.0
        drop_occ.append(d_occ)
        drop_gx.append(d_gx)
    print(f"occlusion: {t_occ * 1000:.1f} ms/subject (batched, exact)")
    print(f"GNNExplainer (100 epochs): {t_gx / 10 * 1000:.1f} ms/subject")
    print("logit drop when the top-named node is removed (full graph), mean over 10:")
    print(f"occlusion {np.mean(drop_occ):.4f}, GNNExplainer {np.mean(drop_gx):.4f}")
    print("per subject occ:", np.round(drop_occ, 4))
    print("per subject gx:", np.round(drop_gx, 4))


if __name__ == "__main__":
    main()
