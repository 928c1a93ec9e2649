"""The small frozen config of the risk stage (built from Settings at the edge, saved with each model)."""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
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
    threads: int = 0  # 0: half the CPUs this process may use, at least one (cpu_threads)
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


def usable_cpus(cgroup_cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """CPUs this process may run on: its affinity mask, capped by a cgroup (container) CPU quota."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        n = os.cpu_count() or 1
    try:
        quota, period = cgroup_cpu_max.read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


def cpu_threads(requested: int, cpus: int | None = None) -> int:
    """Threads for LightGBM and torch: `requested` when set (> 0), else half the usable CPUs.

    Why half: LightGBM's and torch's OpenMP threads wait for each other at every step, so one of
    them descheduled by a neighbour stalls all. With as many threads as CPUs, the risk stage of a
    20,000-firm world ran 4.1x slower beside one multi-threaded process and 2.9x beside two busy
    ones; with half (one, on 2 CPUs) 1.4x, at a 16 % cost alone (bench/results/machine_sharing.md).
    The stage shares its machine with Neo4j, the API and the review database in most deployments.
    A count fixed per machine, not read from the load of the moment, keeps a model's scores
    reproducible: the thread count moves the last digit of a few scores."""
    if requested > 0:
        return requested
    return max(1, (usable_cpus() if cpus is None else cpus) // 2)
