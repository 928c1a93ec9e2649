"""Projection of a snapshot to a PyG HeteroData, keeping the id <-> index maps.

Node types firm, person, address, phone. Firms and persons carry their own (non-relational)
features, log-scaled and standardised with statistics saved with the model; addresses and phones
carry their log degree. Every relation appears in both directions (`rev_` prefix), and every edge
type exists in every snapshot (possibly empty), so one trained model reads any snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from torch_geometric.data import HeteroData

from gnn.snapshots import Snapshot
from graph.features_graph import SubjectGraph
from graph.model import AFFILIATION_RELS

SUBJECT_TYPES = ("firm", "person")
NODE_TYPES = ("firm", "person", "address", "phone")


def gnn_feature_cols(snap: Snapshot) -> list[str]:
    """Own features plus local degrees: what a node knows about itself before message passing."""
    fs = snap.features
    return fs.own_cols + [c for c in fs.related_cols if c.startswith("deg_")]


def edge_types() -> list[tuple[str, str, str]]:
    """The fixed list of edge types (both directions), in a stable order."""
    out = []
    for rel in sorted(AFFILIATION_RELS):
        for src in SUBJECT_TYPES:
            out += [(src, str(rel), "firm"), ("firm", f"rev_{rel}", src)]
    for contact, dst in (("REGISTERED_AT", "address"), ("HAS_PHONE", "phone")):
        for src in SUBJECT_TYPES:
            out += [(src, contact, dst), (dst, f"rev_{contact}", src)]
    return out


@dataclass
class Standardiser:
    """log1p of non-negative counts, then z-score; NaN -> 0 after scaling."""

    mean: np.ndarray
    std: np.ndarray

    @staticmethod
    def _log(x: np.ndarray) -> np.ndarray:
        return np.sign(x) * np.log1p(np.abs(x))

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardiser:
        lx = cls._log(x)
        std = np.nanstd(lx, axis=0)
        return cls(mean=np.nan_to_num(np.nanmean(lx, axis=0)), std=np.where(std > 1e-9, std, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return np.nan_to_num((self._log(x) - self.mean) / self.std).astype(np.float32)


@dataclass
class Projection:
    data: HeteroData
    firm_keys: np.ndarray  # firm index -> uscc
    person_keys: np.ndarray  # person index -> person_id
    n_firms: int

    def subject_rows(self, node_type: str) -> slice:
        """Rows of the snapshot's feature frame that node_type's indices map to."""
        return slice(0, self.n_firms) if node_type == "firm" else slice(self.n_firms, None)


def _split(m: sp.csr_matrix, nf: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Holder->firm matrix over subjects into {holder type: (src index, firm index)}."""
    coo = m.tocoo()
    firm_holder = coo.row < nf
    return {
        "firm": (coo.row[firm_holder], coo.col[firm_holder]),
        "person": (coo.row[~firm_holder] - nf, coo.col[~firm_holder]),
    }


def _ei(src: np.ndarray, dst: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.vstack([src, dst]).astype(np.int64))


def to_hetero(snap: Snapshot, cols: list[str], scaler: Standardiser) -> Projection:
    """HeteroData of one snapshot: x per node type, y on firms/persons when labelled, validated."""
    g: SubjectGraph = snap.features.graph
    nf, n = g.n_firms, g.n
    x = scaler.transform(snap.features.frame.reindex(columns=cols).to_numpy(dtype=float))
    data = HeteroData()
    data["firm"].x = torch.from_numpy(x[:nf])
    data["person"].x = torch.from_numpy(x[nf:])
    for name, inc in (("address", g.addr), ("phone", g.phone)):
        deg = np.asarray(inc.sum(axis=0)).ravel()
        data[name].x = torch.from_numpy(np.log1p(deg).astype(np.float32)[:, None])
    if snap.labels is not None:
        y = torch.from_numpy(snap.labels.astype(np.float32))
        data["firm"].y, data["person"].y = y[:nf], y[nf:]
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    for rel in sorted(AFFILIATION_RELS):
        parts = _split(g.roles[rel], nf)
        for src in SUBJECT_TYPES:
            s, d = parts.get(src, empty)
            data[src, str(rel), "firm"].edge_index = _ei(s, d)
            data["firm", f"rev_{rel}", src].edge_index = _ei(d, s)
    for contact, dst, inc in (("REGISTERED_AT", "address", g.addr), ("HAS_PHONE", "phone", g.phone)):
        coo = inc.tocoo()
        for src, mask, off in (("firm", coo.row < nf, 0), ("person", coo.row >= nf, nf)):
            s, d = coo.row[mask] - off, coo.col[mask]
            data[src, contact, dst].edge_index = _ei(s, d)
            data[dst, f"rev_{contact}", src].edge_index = _ei(d, s)
    data.validate(raise_on_error=True)
    assert n == data["firm"].num_nodes + data["person"].num_nodes
    return Projection(data=data, firm_keys=g.keys[:nf], person_keys=g.keys[nf:], n_firms=nf)
