"""The four models side by side on one temporal split, with the same metrics and subsets.

Train on snapshots before T (T-24m, T-36m; T-12m validates), test on the snapshot at T labelled by
(T, T+12m]. Models: own-records GBM, graph-features GBM, personalised PageRank from punished seeds,
the GNN alone, and the final blend (GNN + graph GBM). Subsets: all subjects, those with no punitive
record of their own before T (where related-party risk matters most), firms, persons.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from gnn.config import RiskConfig
from gnn.pipeline import fit_risk_model
from gnn.riskmodel import RiskModel
from gnn.snapshots import Snapshot, make_snapshot
from graph.tables import GraphTables

MODELS = ("own_gbm", "graph_gbm", "ppr", "gnn", "gnn_stack")


def precision_at(y: np.ndarray, s: np.ndarray, frac: float) -> float:
    """Share of positives among the top `frac` of subjects by score (at least one subject)."""
    k = max(1, int(round(len(y) * frac)))
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean())


def metrics(y: np.ndarray, s: np.ndarray) -> dict[str, float | None]:
    ok = 0 < y.sum() < len(y)
    return {
        "roc_auc": float(roc_auc_score(y, s)) if ok else None,
        "pr_auc": float(average_precision_score(y, s)) if ok else None,
        "p_at_1pct": precision_at(y, s, 0.01),
        "p_at_5pct": precision_at(y, s, 0.05),
        "n": int(len(y)),
        "positives": int(y.sum()),
    }


def model_scores(model: RiskModel, snap: Snapshot) -> dict[str, np.ndarray]:
    """Each model's score for every subject of the snapshot (higher = riskier)."""
    frame = snap.features.frame
    out: dict[str, np.ndarray] = {"ppr": frame["ppr_punished"].to_numpy(dtype=float)}
    if model.own_gbm is not None:
        out["own_gbm"] = model.own_gbm.predict(frame)
    if model.graph_gbm is not None:
        out["graph_gbm"] = model.graph_gbm.predict(frame)
    if model.gnn is not None:
        out["gnn"] = model.gnn.predict_logit(snap)
    out["gnn_stack"] = model.score(snap)
    return out


@dataclass
class EvalReport:
    as_of: str
    table: pd.DataFrame  # rows: model x subset; columns: the metrics
    scores: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    labels: np.ndarray | None = field(repr=False, default=None)
    subsets: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    model: RiskModel | None = field(repr=False, default=None)

    def get(self, model: str, subset: str, metric: str) -> float | None:
        row = self.table[(self.table["model"] == model) & (self.table["subset"] == subset)]
        return None if row.empty else row.iloc[0][metric]

    def to_markdown(self) -> str:
        cols = ["model", "subset", "roc_auc", "pr_auc", "p_at_1pct", "p_at_5pct", "n", "positives"]
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for _, r in self.table[cols].iterrows():
            cells = [f"{v:.3f}" if isinstance(v, float) else ("–" if v is None else str(v)) for v in r]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def plot_precision_at_k(self, path: Path, subset: str = "all", max_frac: float = 0.2) -> Path:
        """Precision among the top k subjects, k up to max_frac of the subset, one curve per model."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        mask = self.subsets[subset]
        assert self.labels is not None
        y = self.labels[mask]
        fig, ax = plt.subplots(figsize=(7, 4.5))
        kmax = max(10, int(len(y) * max_frac))
        ks = np.unique(np.linspace(1, kmax, 200).astype(int))
        for name, s in self.scores.items():
            order = np.argsort(-s[mask], kind="stable")[:kmax]
            prec = np.cumsum(y[order]) / np.arange(1, len(order) + 1)
            ax.plot(ks, prec[ks - 1], label=name)
        ax.axhline(y.mean(), color="grey", ls=":", label="base rate")
        ax.set_xlabel("k (subjects inspected, highest score first)")
        ax.set_ylabel("precision at k")
        ax.set_title(f"Precision at k, as of {self.as_of}, subset: {subset}")
        ax.legend()
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


def report_for(model: RiskModel, test: Snapshot) -> EvalReport:
    """Metrics of every model on a labelled test snapshot."""
    scores = model_scores(model, test)
    y = test.y
    is_firm = (test.features.frame["subject_label"] == "Firm").to_numpy()
    subsets = {
        "all": np.ones(len(y), bool),
        "no_own_record": test.no_own_record,
        "firms": is_firm,
        "persons": ~is_firm,
    }
    rows = [
        {"model": m, "subset": sub, **metrics(y[mask], scores[m][mask])}
        for m in MODELS
        if m in scores
        for sub, mask in subsets.items()
        if mask.any()
    ]
    return EvalReport(
        as_of=str(test.as_of.date()), table=pd.DataFrame(rows), scores=scores, labels=y, subsets=subsets
    )


def evaluate_models(tables: GraphTables, as_of: date, config: RiskConfig) -> EvalReport:
    """Train every model on snapshots before `as_of` and compare them on (as_of, as_of + horizon]."""
    t0 = time.perf_counter()
    model, val_metrics, used = fit_risk_model(tables, as_of, config)
    t_train = time.perf_counter() - t0
    test = make_snapshot(tables, as_of, model.categories, config.horizon_months)
    rep = report_for(model, test)
    rep.model = model
    rep.info = {
        "train_seconds": round(t_train, 1),
        "validation": val_metrics,
        "model_kind": model.kind,
        "snapshots": [str(s.as_of.date()) for s in used],
        "gnn_history": model.meta.get("gnn_history"),
        "blend": list(model.blend),
    }
    return rep
