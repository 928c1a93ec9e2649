"""The small frozen config of the risk stage (built from Settings at the edge, saved with each model)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RiskConfig:
    """Hyperparameters of snapshots, boosting, the GNN and reasons. `fast` trims everything for small data."""

    horizon_months: int = 12  # label window (T, T + horizon]
    snapshot_step_months: int = 12
    n_train_snapshots: int = 2  # training snapshots T-24m, T-36m, ...; T-12m validates
    min_positives: int = 5  # a snapshot with fewer positives cannot train or validate
    feature_set: str = "all"  # "all" | "own": ablation knob (own = the graph model sees own features only)
    # gradient boosting
    gbm_rounds: int = 200
    gbm_leaves: int = 31
    gbm_lr: float = 0.1
    gbm_min_child: int = 20
    gbm_early_stop: int = 30
    gbm_neg_per_pos: float = 25.0  # negatives kept per positive when training (weighted back)
    # GNN
    use_gnn: bool = True
    hidden: int = 32
    layers: int = 2
    dropout: float = 0.3
    lr: float = 0.005
    epochs: int = 40
    patience: int = 4
    batch_size: int = 2048
    num_neighbors: tuple[int, ...] = (12, 6)
    gnn_time_budget_s: float = 420.0  # stop training epochs past this (keeps 200k-firm training < 15 min)
    # reasons and runtime
    max_reasons: int = 5
    explain_fraction: float = 0.1  # riskiest share with attributed reasons (at least 20k subjects)
    gnn_explain_max: int = 5000  # riskiest subjects whose GNN share is attributed by exact occlusion
    gnn_explain_budget_s: float = 15.0  # wall-clock cap on that occlusion (riskiest first)
    fast: bool = False
    fast_below_firms: int = 5000  # worlds smaller than this train in fast mode automatically
    threads: int = 2
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["num_neighbors"] = list(self.num_neighbors)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RiskConfig:
        d = dict(d)
        if "num_neighbors" in d:
            d["num_neighbors"] = tuple(d["num_neighbors"])
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})
