"""Heterogeneous neighbour sampling in numpy, because PyG's NeighborLoader needs pyg-lib or
torch-sparse and neither installs here (no wheels for this torch). Same semantics as PyG's
NeighborSampler with `num_neighbors=[k1, k2]` per edge type (sampled with replacement then deduplicated,
directed, seeds first in each node type so the loss is read off the first rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch_geometric.data import HeteroData


@dataclass
class _Csc:
    indptr: np.ndarray
    src: np.ndarray


class HeteroNeighborSampler:
    """Samples the computation subgraph of a batch of seed nodes from an in-memory HeteroData."""

    def __init__(self, data: HeteroData, num_neighbors: tuple[int, ...], seed: int = 0) -> None:
        self.data = data
        self.num_neighbors = tuple(num_neighbors)
        self.rng = np.random.default_rng(seed)
        self.csc: dict[tuple[str, str, str], _Csc] = {}
        for et in data.edge_types:
            ei = data[et].edge_index.numpy()
            n_dst = data[et[2]].num_nodes
            order = np.argsort(ei[1], kind="stable")
            counts = np.bincount(ei[1], minlength=n_dst)
            self.csc[et] = _Csc(indptr=np.r_[0, np.cumsum(counts)], src=ei[0][order])

    def _neighbours(self, et: tuple[str, str, str], dst: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        c = self.csc[et]
        lo, deg = c.indptr[dst], c.indptr[dst + 1] - c.indptr[dst]
        small = deg <= k
        # all neighbours of low-degree nodes
        rep = np.repeat(np.flatnonzero(small), deg[small])
        starts = np.repeat(lo[small] - np.r_[0, np.cumsum(deg[small])[:-1]], deg[small])
        pos_small = starts + np.arange(len(rep))
        # k draws for high-degree nodes
        big = np.flatnonzero(~small)
        rep_b = np.repeat(big, k)
        pos_big = lo[rep_b] + (self.rng.random(len(rep_b)) * deg[rep_b]).astype(np.int64)
        pairs = np.unique(np.c_[np.r_[rep, rep_b], np.r_[pos_small, pos_big]], axis=0)
        return c.src[pairs[:, 1]], dst[pairs[:, 0]]

    def sample(self, seeds: dict[str, np.ndarray]) -> HeteroData:
        """Subgraph around `seeds` ({node type: global ids}); `batch_size` per type is stored on it."""
        nodes = {nt: list(np.asarray(seeds.get(nt, []), dtype=np.int64)) for nt in self.data.node_types}
        seen = {nt: {int(v): i for i, v in enumerate(ids)} for nt, ids in nodes.items()}
        frontier = {nt: np.asarray(ids, dtype=np.int64) for nt, ids in nodes.items()}
        edges: dict[tuple[str, str, str], list[np.ndarray]] = {et: [] for et in self.data.edge_types}
        for k in self.num_neighbors:
            nxt: dict[str, list[int]] = {nt: [] for nt in self.data.node_types}
            for et in self.data.edge_types:
                dst_nodes = frontier[et[2]]
                if len(dst_nodes) == 0:
                    continue
                src, dst = self._neighbours(et, dst_nodes, k)
                edges[et].append(np.vstack([src, dst]))
                for v in src.tolist():
                    if v not in seen[et[0]]:
                        seen[et[0]][v] = len(nodes[et[0]])
                        nodes[et[0]].append(v)
                        nxt[et[0]].append(v)
            frontier = {nt: np.asarray(v, dtype=np.int64) for nt, v in nxt.items()}
        out = HeteroData()
        for nt in self.data.node_types:
            ids = np.asarray(nodes[nt], dtype=np.int64)
            store = self.data[nt]
            out[nt].x = store.x[torch.from_numpy(ids)]
            out[nt].n_id = torch.from_numpy(ids)
            out[nt].batch_size = len(seeds.get(nt, []))
            if "y" in store:
                out[nt].y = store.y[torch.from_numpy(ids)]
        for et, parts in edges.items():
            if parts:
                ei = np.unique(np.hstack(parts), axis=1)
                m_src, m_dst = seen[et[0]], seen[et[2]]
                local = np.vstack([[m_src[int(v)] for v in ei[0]], [m_dst[int(v)] for v in ei[1]]])
            else:
                local = np.zeros((2, 0), dtype=np.int64)
            out[et].edge_index = torch.from_numpy(np.asarray(local, dtype=np.int64).reshape(2, -1))
        return out
