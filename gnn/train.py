"""Training the heterogeneous GNN: sampled mini-batches, pos_weight, early stopping on a later snapshot.

CPU only (torch.set_num_threads from config). Each epoch takes every positive subject of the
training snapshots and a seeded sample of negatives (`neg_ratio` per positive), samples their
2-hop neighbourhoods (gnn.sampler) and minimises BCE with pos_weight = negatives / positives.
Validation is full-batch on the validation snapshot (ROC-AUC); the best state is kept.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from gnn.config import RiskConfig, cpu_threads
from gnn.data import Projection, Standardiser, edge_types, gnn_feature_cols, to_hetero
from gnn.model import HeteroRiskGNN
from gnn.sampler import HeteroNeighborSampler
from gnn.snapshots import Snapshot

# torch's own default is a thread per CPU, which collapses beside busy neighbours (cpu_threads);
# scoring with a loaded model never passes through train_gnn, so the default is set here
torch.set_num_threads(cpu_threads(0))

NEG_RATIO = 8
log = logging.getLogger(__name__)


@dataclass
class GnnModel:
    model: HeteroRiskGNN
    scaler: Standardiser
    cols: list[str]
    hparams: dict[str, Any]

    def project(self, snap: Snapshot) -> Projection:
        return to_hetero(snap, self.cols, self.scaler)

    @torch.no_grad()
    def predict_logit(self, snap: Snapshot, proj: Projection | None = None) -> np.ndarray:
        """Full-batch logits for every subject of the snapshot (firms then persons, as in its frame)."""
        proj = proj or self.project(snap)
        self.model.eval()
        out = self.model(proj.data.x_dict, proj.data.edge_index_dict)
        return np.r_[out["firm"].numpy(), out["person"].numpy()].astype(float)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        torch.save(self.model.state_dict(), path / "state.pt")
        meta = {
            "cols": self.cols,
            "hparams": self.hparams,
            "mean": self.scaler.mean.tolist(),
            "std": self.scaler.std.tolist(),
        }
        (path / "gnn.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, path: Path) -> GnnModel:
        meta = json.loads((path / "gnn.json").read_text())
        hp = meta["hparams"]
        model = HeteroRiskGNN(
            in_dims=hp["in_dims"],
            edge_types=[tuple(e) for e in hp["edge_types"]],
            hidden=hp["hidden"],
            layers=hp["layers"],
            dropout=hp["dropout"],
        )
        model.load_state_dict(torch.load(path / "state.pt", weights_only=True))
        scaler = Standardiser(mean=np.asarray(meta["mean"]), std=np.asarray(meta["std"]))
        return cls(model=model, scaler=scaler, cols=meta["cols"], hparams=hp)


def _epoch_seeds(proj: Projection, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """All positives and the same share of negatives of every node type: one sampling rate for all
    types keeps their base rates apart (persons are punished far less often than firms)."""
    ys = {nt: proj.data[nt].y.numpy() for nt in ("firm", "person")}
    n_pos = sum(int((y > 0).sum()) for y in ys.values())
    n_neg = sum(int((y == 0).sum()) for y in ys.values())
    rate = min(1.0, max(NEG_RATIO * n_pos, 512) / max(n_neg, 1))
    seeds = {}
    for nt, y in ys.items():
        pos, neg = np.flatnonzero(y > 0), np.flatnonzero(y == 0)
        k = int(round(rate * len(neg)))
        seeds[nt] = rng.permutation(np.r_[pos, rng.choice(neg, size=k, replace=False)])
    return seeds


def _batches(seeds: dict[str, np.ndarray], batch_size: int) -> list[dict[str, np.ndarray]]:
    """Split seeds of both types into batches of about batch_size, types kept in proportion."""
    total = sum(len(v) for v in seeds.values())
    n_batches = max(1, int(np.ceil(total / batch_size)))
    return [
        {nt: part for nt, v in seeds.items() if len(part := np.array_split(v, n_batches)[b])}
        for b in range(n_batches)
    ]


def train_gnn(train: list[Snapshot], val: Snapshot, config: RiskConfig) -> tuple[GnnModel, list[dict]]:
    """Fit the GNN on the training snapshots, early-stopped on validation ROC-AUC."""
    torch.set_num_threads(cpu_threads(config.threads))
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    cols = gnn_feature_cols(train[0])
    scaler = Standardiser.fit(train[0].features.frame.reindex(columns=cols).to_numpy(dtype=float))
    projs = [to_hetero(s, cols, scaler) for s in train]
    val_proj = to_hetero(val, cols, scaler)
    ets = edge_types()
    in_dims = {nt: int(projs[0].data[nt].x.shape[1]) for nt in projs[0].data.node_types}
    hp = {
        "in_dims": in_dims,
        "edge_types": [list(e) for e in ets],
        "hidden": config.hidden,
        "layers": config.layers,
        "dropout": config.dropout,
    }
    model = HeteroRiskGNN(in_dims, ets, hidden=config.hidden, layers=config.layers, dropout=config.dropout)
    gm = GnnModel(model=model, scaler=scaler, cols=cols, hparams=hp)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=1e-4)
    samplers = [
        HeteroNeighborSampler(p.data, config.num_neighbors, seed=config.seed + i) for i, p in enumerate(projs)
    ]
    pos_weight = torch.tensor(float(NEG_RATIO))
    y_val = val.y
    best, best_state, bad, history = -1.0, None, 0, []
    started = time.perf_counter()
    for epoch in range(config.epochs):
        if time.perf_counter() - started > config.gnn_time_budget_s:
            break
        t0 = time.perf_counter()
        model.train()
        losses = []
        for proj, sampler in zip(projs, samplers, strict=True):
            for seeds in _batches(_epoch_seeds(proj, rng), config.batch_size):
                batch = sampler.sample(seeds)
                opt.zero_grad()
                out = model(batch.x_dict, batch.edge_index_dict)
                loss: torch.Tensor = (
                    sum(  # type: ignore[assignment]
                        torch.nn.functional.binary_cross_entropy_with_logits(
                            out[nt][: batch[nt].batch_size],
                            batch[nt].y[: batch[nt].batch_size],
                            pos_weight=pos_weight,
                            reduction="sum",
                        )
                        for nt in seeds
                    )
                    / sum(len(v) for v in seeds.values())
                )
                loss.backward()
                opt.step()
                losses.append(loss.item())
        auc = (
            float(roc_auc_score(y_val, gm.predict_logit(val, val_proj)))
            if 0 < y_val.sum() < len(y_val)
            else 0.0
        )
        history.append(
            {
                "epoch": epoch,
                "loss": float(np.mean(losses)),
                "val_auc": auc,
                "seconds": round(time.perf_counter() - t0, 2),
            }
        )
        log.info(
            "GNN epoch %d: loss %.4f, val AUC %.4f, %.1fs",
            epoch,
            history[-1]["loss"],
            auc,
            history[-1]["seconds"],
        )
        if auc > best + 1e-4:
            best, bad = auc, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if bad >= config.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return gm, history
