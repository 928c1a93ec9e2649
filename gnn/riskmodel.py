"""The trained risk model as one object: boosted models, the optional GNN, the blend, and how to save it.

Final score = sigmoid(b0 + b1 * graph-GBM logit + b2 * GNN logit), the blend fitted on the
validation snapshot where both inputs are out of sample. Without enough labelled history a
transparent fallback (fixed weights on own records and punished neighbours) scores instead, and
says so in its version metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gnn.config import RiskConfig
from gnn.gbm import GbmModel
from gnn.snapshots import Snapshot
from ingest.atomic import write_text_atomic

# Fallback weights (logit units per unit of feature, capped): own punitive records dominate,
# punished parties reached through people and shared contacts add less the further they are.
FALLBACK_WEIGHTS: dict[str, float] = {
    "own_punitive_grounded": 1.5,
    "own_punitive_soft": 0.8,
    "ev_recent": 0.3,
    "pun_1hop_w": 0.8,
    "pun_2hop_distinct": 0.5,
    "pun_shared_addr": 0.3,
    "pun_shared_phone": 0.3,
}
FALLBACK_BIAS = -4.0


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass
class RiskModel:
    config: RiskConfig
    categories: list[str]
    own_gbm: GbmModel | None = None
    graph_gbm: GbmModel | None = None
    gnn: Any = None  # gnn.train.GnnModel, imported lazily so boosting works without torch
    blend: tuple[float, float, float] = (0.0, 1.0, 0.0)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "fallback" if self.graph_gbm is None else ("stack" if self.gnn is not None else "gbm")

    def gnn_term(self, snap: Snapshot, proj: Any = None) -> np.ndarray:
        """b2 * (GNN logit - its validation mean) per subject (zeros without a GNN); `proj` reuses a
        projection of the snapshot already built."""
        n = len(snap.features.frame)
        if self.gnn is None or self.blend[2] == 0.0:
            return np.zeros(n)
        mean = float(self.meta.get("gnn_logit_mean", 0.0))
        return self.blend[2] * (self.gnn.predict_logit(snap, proj) - mean)

    def _bias0(self) -> float:
        b0, _, b2 = self.blend
        return b0 + b2 * float(self.meta.get("gnn_logit_mean", 0.0)) if self.gnn is not None else b0

    def logit(self, snap: Snapshot, gnn_term: np.ndarray | None = None) -> np.ndarray:
        """Final logit for every subject, without attribution (fast: plain tree prediction)."""
        frame = snap.features.frame
        if self.graph_gbm is None:
            contrib, _, bias = self.contributions(snap, None)
            return bias + contrib.sum(axis=1)
        g = self.gnn_term(snap) if gnn_term is None else gnn_term
        return self.blend[0] + self.blend[1] * self.graph_gbm.logit(frame) + g

    def contributions(
        self, snap: Snapshot, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[str], np.ndarray | float]:
        """(feature contributions in final-logit units for `rows` (all when None), columns, bias).

        bias + contributions.sum(axis=1) + gnn_term == logit, row by row.
        """
        frame = snap.features.frame if rows is None else snap.features.frame.iloc[rows]
        if self.graph_gbm is None:
            cols = list(FALLBACK_WEIGHTS)
            x = frame.reindex(columns=cols).fillna(0).to_numpy(dtype=float).clip(0, 3)
            return x * np.array([FALLBACK_WEIGHTS[c] for c in cols]), cols, FALLBACK_BIAS
        _, b1, _ = self.blend
        shap = self.graph_gbm.contributions(frame)
        bias = self.blend[0] + b1 * shap[:, -1]
        return shap[:, :-1] * b1, self.graph_gbm.cols, bias

    def own_score(self, snap: Snapshot, rows: np.ndarray | None = None) -> np.ndarray:
        """Risk from the subject's own records, events and attributes alone (the own-records model),
        for `rows` (all when None): each row's is its own, so a scope needs only its rows'."""
        if self.own_gbm is not None:
            frame = snap.features.frame if rows is None else snap.features.frame.iloc[rows]
            return self.own_gbm.predict(frame)
        contrib, cols, bias = self.contributions(snap, rows)
        own = np.array([c.startswith(("own_", "ev_")) for c in cols])
        return sigmoid(bias + contrib[:, own].sum(axis=1))

    def score(self, snap: Snapshot) -> np.ndarray:
        return sigmoid(self.logit(snap))

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.own_gbm is not None:
            self.own_gbm.save(path / "own_gbm")
        if self.graph_gbm is not None:
            self.graph_gbm.save(path / "graph_gbm")
        if self.gnn is not None:
            self.gnn.save(path / "gnn")
        meta = {
            **self.meta,
            "kind": self.kind,
            "config": self.config.to_dict(),
            "categories": self.categories,
            "blend": list(self.blend),
        }
        write_text_atomic(path / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1, default=str))

    @classmethod
    def load(cls, path: Path) -> RiskModel:
        meta = json.loads((path / "meta.json").read_text())
        own = GbmModel.load(path / "own_gbm") if (path / "own_gbm").exists() else None
        graph = GbmModel.load(path / "graph_gbm") if (path / "graph_gbm").exists() else None
        gnn = None
        if (path / "gnn").exists():
            from gnn.train import GnnModel

            gnn = GnnModel.load(path / "gnn")
        return cls(
            config=RiskConfig.from_dict(meta["config"]),
            categories=list(meta["categories"]),
            own_gbm=own,
            graph_gbm=graph,
            gnn=gnn,
            blend=tuple(meta["blend"]),
            meta=meta,
        )
