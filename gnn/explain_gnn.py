"""Why the GNN scored one subject as it did: occlusion of the nodes in its computation graph.

The GNN with L layers sees exactly the L-hop neighbourhood of a subject. We extract that subgraph
(all neighbours, no sampling), then remove one node at a time (all its edges) and record how much
the subject's logit drops. Positive drops name the parties (firms, persons, addresses, phones) the
GNN's risk came through. Exact for the trained model in eval mode; one small forward per node, so
it is meant for one subject at a time (the API's detail view), not for every subject in bulk.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from gnn.data import Projection
from gnn.sampler import HeteroNeighborSampler
from gnn.snapshots import Snapshot
from gnn.train import GnnModel

ALL = 10**9  # "every neighbour" for the sampler


def _key(proj: Projection, snap: Snapshot, nt: str, idx: int) -> str:
    g = snap.features.graph
    if nt == "firm":
        return f"Firm:{proj.firm_keys[idx]}"
    if nt == "person":
        return f"Person:{proj.person_keys[idx]}"
    keys = g.addr_keys if nt == "address" else g.phone_keys
    return f"{nt.capitalize()}:{keys[idx]}"


@torch.no_grad()
def gnn_occlusion(
    gnn: GnnModel,
    snap: Snapshot,
    subject: int,
    top_k: int = 5,
    max_nodes: int = 300,
    proj: Projection | None = None,
) -> list[dict[str, Any]]:
    """The top_k nodes whose removal lowers subject's GNN logit most: [{party, hops, delta_logit}]."""
    proj = proj or gnn.project(snap)
    nt = "firm" if subject < proj.n_firms else "person"
    local = subject if nt == "firm" else subject - proj.n_firms
    sampler = HeteroNeighborSampler(proj.data, (ALL,) * gnn.hparams["layers"])
    sub = sampler.sample({nt: np.array([local])})
    model = gnn.model.eval()
    base = float(model(sub.x_dict, sub.edge_index_dict)[nt][0])
    out: list[tuple[float, str]] = []
    candidates = [(t, i) for t in sub.node_types for i in range(sub[t].num_nodes) if not (t == nt and i == 0)]
    for t, i in candidates[:max_nodes]:
        edges = {}
        for et, ei in sub.edge_index_dict.items():
            keep = torch.ones(ei.shape[1], dtype=torch.bool)
            if et[0] == t:
                keep &= ei[0] != i
            if et[2] == t:
                keep &= ei[1] != i
            edges[et] = ei[:, keep]
        delta = base - float(model(sub.x_dict, edges)[nt][0])
        out.append((delta, _key(proj, snap, t, int(sub[t].n_id[i]))))
    out.sort(key=lambda r: -r[0])
    return [{"party": party, "delta_logit": round(d, 4)} for d, party in out[:top_k] if d > 0]


@torch.no_grad()
def logit_without(gnn: GnnModel, proj: Projection, subject: int, party_type: str, party_index: int) -> float:
    """Full-graph GNN logit of `subject` with every edge of one node removed (for checking occlusion)."""
    nt = "firm" if subject < proj.n_firms else "person"
    local = subject if nt == "firm" else subject - proj.n_firms
    edges = {}
    for et, ei in proj.data.edge_index_dict.items():
        keep = torch.ones(ei.shape[1], dtype=torch.bool)
        if et[0] == party_type:
            keep &= ei[0] != party_index
        if et[2] == party_type:
            keep &= ei[1] != party_index
        edges[et] = ei[:, keep]
    return float(gnn.model.eval()(proj.data.x_dict, edges)[nt][local])
