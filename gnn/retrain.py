"""Safe retraining of the risk model: train on the latest window, compare on the held-out window,
promote only if not worse, log why. Idempotent: the same data, config and code never train twice.

Let L be the latest date in the data and H = L - horizon. The candidate is trained for cutoff H
(its snapshots end before H) and both candidate and current version are scored on the snapshot at
H labelled by (H, L] — a window the candidate never saw. The current version may have seen it (if
it was trained later than H); its figure is then optimistic and the comparison is conservative.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gnn.config import RiskConfig
from gnn.evaluate import report_for
from gnn.pipeline import fit_risk_model
from gnn.registry import ModelRegistry
from gnn.riskmodel import RiskModel
from gnn.snapshots import default_as_of, make_snapshot
from graph.tables import GraphTables

log = logging.getLogger(__name__)


@dataclass
class RetrainOutcome:
    action: str  # promoted | refused | unchanged
    reason: str
    candidate_version: str | None
    current_version: str | None
    candidate_metrics: dict[str, Any] = field(default_factory=dict)
    current_metrics: dict[str, Any] = field(default_factory=dict)


def data_fingerprint(tables: GraphTables) -> str:
    """Content hash of every node and edge key (order-independent): same data -> same fingerprint."""
    h = hashlib.sha256()
    for name, df in sorted(
        [(str(k), v) for k, v in tables.nodes.items()] + [(str(k), v) for k, v in tables.edges.items()]
    ):
        cols = [
            c
            for c in ("key", "src", "dst", "decided_on", "expires_on", "start_date", "end_date", "decision")
            if c in df.columns
        ]
        vals = pd.util.hash_pandas_object(df[cols].astype(str), index=False).to_numpy() if len(df) else []
        h.update(f"{name}:{len(df)}:{int(sum(int(v) % 1_000_003 for v in vals))}".encode())
    return h.hexdigest()[:16]


def _config_key(config: RiskConfig, fingerprint: str, code: str) -> str:
    return hashlib.sha256(f"{sorted(config.to_dict().items())}|{fingerprint}|{code}".encode()).hexdigest()[
        :16
    ]


def _held_out(model: RiskModel, snap) -> dict[str, Any]:
    rep = report_for(model, snap)
    return {
        "roc_auc": rep.get("gnn_stack", "all", "roc_auc"),
        "roc_auc_no_own_record": rep.get("gnn_stack", "no_own_record", "roc_auc"),
        "pr_auc": rep.get("gnn_stack", "all", "pr_auc"),
    }


def retrain_risk(
    tables: GraphTables, config: RiskConfig, registry: ModelRegistry, tolerance: float = 0.0
) -> RetrainOutcome:
    """Train a candidate on the latest window; promote it only if held-out ROC-AUC >= current - tolerance."""
    from gnn.registry import code_version

    latest = default_as_of(tables)
    held = latest - pd.DateOffset(months=config.horizon_months)
    fp = data_fingerprint(tables)
    key = _config_key(config, fp, code_version())
    current = registry.current()
    for v in registry.versions():  # idempotence: this exact retrain already ran
        meta = registry.meta(v)
        if meta.get("retrain_key") == key:
            action = "unchanged"
            state = "it is current" if v == current else f"it was not promoted: {meta.get('decision')}"
            reason = f"version {v} already trained from this data/config/code; {state}"
            registry.log({"action": action, "version": v, "reason": reason})
            return RetrainOutcome(
                action, reason, v, current, meta.get("held_out", {}), meta.get("current_held_out", {})
            )
    model, _, _ = fit_risk_model(tables, held, config)
    test = make_snapshot(tables, held, model.categories, config.horizon_months)
    cand = _held_out(model, test)
    cur_metrics: dict[str, Any] = {}
    if current is not None:
        cur_model = RiskModel.load(registry.path(current))
        cur_test = (
            test
            if cur_model.categories == model.categories
            else make_snapshot(tables, held, cur_model.categories, config.horizon_months)
        )
        cur_metrics = _held_out(cur_model, cur_test)
    c_auc, p_auc = cand.get("roc_auc"), cur_metrics.get("roc_auc")
    if current is None:
        action, reason = "promoted", "no current version"
    elif c_auc is None:
        action, reason = "refused", "held-out window has no positives: cannot show the candidate is not worse"
    elif p_auc is None or c_auc >= p_auc - tolerance:
        action, reason = (
            "promoted",
            f"held-out ROC-AUC {c_auc:.4f} >= current {p_auc if p_auc is None else round(p_auc, 4)}",
        )
    else:
        action, reason = "refused", f"held-out ROC-AUC {c_auc:.4f} < current {p_auc:.4f} - {tolerance}"
    version, path = registry.new_version()
    model.meta.update(
        {
            "version": version,
            "retrain_key": key,
            "data_fingerprint": fp,
            "held_out": cand,
            "held_out_window": [str(held.date()), str(latest.date())],
            "current_held_out": cur_metrics,
            "decision": f"{action}: {reason}",
        }
    )
    model.save(path)
    if action == "promoted":
        registry.promote(version, reason)
    else:
        registry.log({"action": "refuse", "version": version, "current": current, "reason": reason})
    log.info("retrain %s %s: %s", action, version, reason)
    return RetrainOutcome(action, reason, version, current, cand, cur_metrics)
