"""Safe retraining of the risk model: compare candidate and incumbent on a window neither saw, promote
only if not worse, serve a model trained up to the latest data, log why. Idempotent: the same data,
config and code never train twice.

Let L be the latest date in the data (graph.features_cut.default_as_of) and H = L - horizon. The
candidate's recipe (this config) is fitted for cutoff H, so it has seen nothing after H, and scored on
the snapshot at H labelled by (H, L]. The incumbent is scored on the same snapshot: as it is when its
own cutoff is on or before H; otherwise the saved artefact has seen the window, so its recipe (the
config saved with it) is refitted for cutoff H and that replica is scored instead. Both figures then
come from a window neither model saw. When the candidate is promoted, the version saved and served is
the candidate's recipe fitted up to L (the latest data), with the held-out figures in its metadata;
a refused candidate is saved as evaluated (cutoff H) for the record.
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


def _incumbent_at(model: RiskModel, tables: GraphTables, held: pd.Timestamp) -> RiskModel:
    """The incumbent as it can be scored on (held, L]: the saved model when its cutoff is on or before
    `held`, else its recipe (saved config) refitted for cutoff `held`."""
    cutoff = model.meta.get("cutoff")
    if cutoff is not None and pd.Timestamp(cutoff) <= held:
        return model
    replica, _, _ = fit_risk_model(tables, held, model.config)
    replica.meta["scored_as"] = f"recipe refitted for {held.date()} (saved cutoff {cutoff})"
    return replica


def retrain_risk(
    tables: GraphTables, config: RiskConfig, registry: ModelRegistry, tolerance: float = 0.0
) -> RetrainOutcome:
    """Compare a candidate with the incumbent on a window neither saw; promote (a model trained up to the
    latest data) only if its held-out ROC-AUC >= the incumbent's - tolerance."""
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
        cur_model = _incumbent_at(RiskModel.load(registry.path(current)), tables, held)
        cur_test = (
            test
            if cur_model.categories == model.categories
            else make_snapshot(tables, held, cur_model.categories, config.horizon_months)
        )
        cur_metrics = {
            **_held_out(cur_model, cur_test),
            "scored_as": cur_model.meta.get("scored_as", "saved"),
        }
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
    if action == "promoted" and latest > held:
        # serve the recipe trained up to the latest data; the held-out figures stay in its metadata
        model, _, _ = fit_risk_model(tables, latest, config)
    version, path = registry.new_version()
    model.meta.update(
        {
            "version": version,
            "retrain_key": key,
            "data_fingerprint": fp,
            "held_out": cand,
            "held_out_window": [str(held.date()), str(latest.date())],
            "evaluated_cutoff": str(held.date()),
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
