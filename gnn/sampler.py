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


def unique_pairs(a: np.ndarray, b: np.ndarray, b_bound: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (a, b) pairs in lexicographic order, as np.unique(..., axis=0) gives them, for
    non-negative integers with b < b_bound: one int64 key per pair (a * b_bound + b) and a 1-D
    unique, several times quicker than unique over rows (it sorts the rows as raw bytes)."""
    a64, b64 = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    bound = max(int(b_bound), 1)
    keys = np.unique(a64 * bound + b64)
    return keys // bound, keys % bound


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
        which, pos = unique_pairs(np.r_[rep, rep_b], np.r_[pos_small, pos_big], len(c.src))
        return c.src[pos], dst[which]

    def sample(self, seeds: dict[str, np.ndarray]) -> HeteroData:
        """Subgraph around `seeds` ({node type: global ids}); `batch_size` per type is stored on it.

        Local ids follow first appearance: the seeds, then each hop's new sources in the order the
        edge types and their sampled edges meet them (a lookup array per node type, not a dict)."""
        types = self.data.node_types
        local = {nt: np.full(self.data[nt].num_nodes, -1, dtype=np.int64) for nt in types}
        parts_of: dict[str, list[np.ndarray]] = {}
        count: dict[str, int] = {}
        for nt in types:
            ids = np.asarray(seeds.get(nt, []), dtype=np.int64)
            local[nt][ids] = np.arange(len(ids))
            parts_of[nt], count[nt] = [ids], len(ids)
        frontier = {nt: parts_of[nt][0] for nt in types}
        edges: dict[tuple[str, str, str], list[np.ndarray]] = {et: [] for et in self.data.edge_types}
        for k in self.num_neighbors:
            nxt: dict[str, list[np.ndarray]] = {nt: [] for nt in types}
            for et in self.data.edge_types:
                dst_nodes = frontier[et[2]]
                if len(dst_nodes) == 0:
                    continue
                src, dst = self._neighbours(et, dst_nodes, k)
                edges[et].append(np.vstack([src, dst]))
                fresh = src[local[et[0]][src] < 0]
                if len(fresh):
                    uniq, first = np.unique(fresh, return_index=True)
                    new = uniq[np.argsort(first, kind="stable")]  # in order of first appearance
                    local[et[0]][new] = count[et[0]] + np.arange(len(new))
                    count[et[0]] += len(new)
                    parts_of[et[0]].append(new)
                    nxt[et[0]].append(new)
            frontier = {
                nt: np.concatenate(v) if v else np.zeros(0, dtype=np.int64) for nt, v in nxt.items()
            }
        nodes = {nt: np.concatenate(parts_of[nt]) for nt in types}
        out = HeteroData()
        for nt in self.data.node_types:
            ids = nodes[nt]
            store = self.data[nt]
            out[nt].x = store.x[torch.from_numpy(ids)]
            out[nt].n_id = torch.from_numpy(ids)
            out[nt].batch_size = len(seeds.get(nt, []))
            if "y" in store:
                out[nt].y = store.y[torch.from_numpy(ids)]
        for et, parts in edges.items():
            if parts:
                both = np.hstack(parts)
                g_src, g_dst = unique_pairs(both[0], both[1], self.data[et[2]].num_nodes)
                pair = np.vstack([local[et[0]][g_src], local[et[2]][g_dst]])
            else:
                pair = np.zeros((2, 0), dtype=np.int64)
            out[et].edge_index = torch.from_numpy(np.ascontiguousarray(pair, dtype=np.int64).reshape(2, -1))
        return out
