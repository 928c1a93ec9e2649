"""The heterogeneous GNN: per-type input projection, HeteroConv over SAGEConv, a logit per subject.

Follows PyG's contract: hyperparameters in the constructor, `reset_parameters()`, `forward` over
tensors only (x_dict, edge_index_dict), so the same module runs full-batch, on sampled subgraphs,
and under torch_geometric.explain.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import HeteroConv, SAGEConv
from torch_geometric.nn.inits import reset


class HeteroRiskGNN(nn.Module):
    """Risk logits for firms and persons after `layers` rounds of typed message passing."""

    def __init__(
        self,
        in_dims: dict[str, int],
        edge_types: list[tuple[str, str, str]],
        hidden: int = 32,
        layers: int = 2,
        dropout: float = 0.2,
        out_types: tuple[str, ...] = ("firm", "person"),
    ) -> None:
        super().__init__()
        self.in_dims = dict(in_dims)
        self.edge_types = [tuple(et) for et in edge_types]
        self.hidden, self.layers, self.dropout, self.out_types = hidden, layers, dropout, tuple(out_types)
        self.lin_in = nn.ModuleDict({nt: nn.Linear(d, hidden) for nt, d in self.in_dims.items()})
        self.convs = nn.ModuleList(
            [
                HeteroConv(
                    {et: SAGEConv((hidden, hidden), hidden, aggr="mean") for et in self.edge_types},
                    aggr="sum",
                )
                for _ in range(layers)
            ]
        )
        self.norms = nn.ModuleList(
            [nn.ModuleDict({nt: nn.LayerNorm(hidden) for nt in self.in_dims}) for _ in range(layers)]
        )
        self.head: nn.ModuleDict = nn.ModuleDict(
            {
                nt: nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))
                for nt in self.out_types
            }
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for part in (self.lin_in, self.convs, self.norms, self.head):
            reset(part)

    def forward(
        self, x_dict: dict[str, Tensor], edge_index_dict: dict[tuple[str, str, str], Tensor]
    ) -> dict[str, Tensor]:
        h0 = {nt: torch.relu(self.lin_in[nt](x)) for nt, x in x_dict.items()}
        h = h0
        for conv, norms in zip(self.convs, self.norms, strict=True):
            msg = conv(h, edge_index_dict)
            h = {nt: norms[nt](h[nt] + torch.relu(msg[nt])) if nt in msg else h[nt] for nt in h}  # type: ignore[index]
            h = {nt: nn.functional.dropout(v, p=self.dropout, training=self.training) for nt, v in h.items()}
        return {
            nt: self.head[nt](torch.cat([h0[nt], h[nt]], dim=-1)).squeeze(-1)
            for nt in self.out_types
            if nt in h
        }
