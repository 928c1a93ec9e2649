"""Public entry points of the risk stage: train a model for a cutoff, and score every subject at it.

`train_risk` builds yearly snapshots before the cutoff (train: T-24m, T-36m; validate: T-12m),
fits the own-records and graph-features boosted models, the GNN, and their blend, and saves a
version in the registry. `score_risk` loads the current version from `model_dir` (training one
first when there is none) and returns one `RiskScore` per firm and person with reasons.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from gnn.config import RiskConfig
from gnn.explain import MIN_CONTRIBUTION, Explainer, dumps, explain_subjects, plain_reasons
from gnn.gbm import GbmModel
from gnn.registry import ModelRegistry, code_version
from gnn.riskmodel import RiskModel, sigmoid
from gnn.snapshots import Snapshot, make_snapshot, plan_snapshots
from graph.features import top_categories
from graph.features_cut import cut_tables
from graph.model import NodeLabel, RiskScore
from graph.tables import GraphTables
from ingest.records import SubjectType

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    model: RiskModel
    metrics: dict[str, Any]
    seconds: float
    version: str | None = None
    path: Path | None = None
    snapshots: list[str] = field(default_factory=list)


def effective_config(tables: GraphTables, config: RiskConfig) -> RiskConfig:
    """Fast mode for small worlds: fewer rounds and epochs, same code path."""
    n_firms = len(tables.nodes.get(NodeLabel.FIRM, []))
    if config.fast or n_firms >= config.fast_below_firms:
        return config
    from dataclasses import replace

    return replace(config, fast=True, epochs=min(config.epochs, 15), patience=min(config.patience, 4))


def _auc(y: np.ndarray, s: np.ndarray) -> float | None:
    return float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else None


def _stack(snaps: list[Snapshot]) -> tuple[pd.DataFrame, np.ndarray]:
    return (
        pd.concat([s.features.frame for s in snaps], ignore_index=True),
        np.concatenate([s.y for s in snaps]),
    )


def fit_risk_model(
    tables: GraphTables,
    as_of: date | pd.Timestamp,
    config: RiskConfig,
    snaps: tuple[list[Snapshot], Snapshot | None] | None = None,
) -> tuple[RiskModel, dict[str, Any], list[Snapshot]]:
    """Fit every part of the risk model on snapshots before `as_of` (pure: nothing is saved)."""
    config = effective_config(tables, config)
    t = pd.Timestamp(as_of).normalize()
    cats = top_categories(cut_tables(tables, t))
    if snaps is None:
        train_dates, val_date = plan_snapshots(tables, t, config)
        train = []
        for d in train_dates:
            t1 = time.perf_counter()
            train.append(make_snapshot(tables, d, cats, config.horizon_months))
            log.info(
                "snapshot %s: %d positives, %.1fs", d.date(), train[-1].positives, time.perf_counter() - t1
            )
        val = make_snapshot(tables, val_date, cats, config.horizon_months) if val_date is not None else None
    else:
        train, val = snaps
    train = [s for s in train if s.positives >= config.min_positives]
    if val is not None and val.positives < config.min_positives:
        val = None
    if not train and val is not None:  # short history: train on the one labelled snapshot, hold-out inside
        train, val = [val], None
    meta: dict[str, Any] = {
        "cutoff": str(t.date()),
        "code_version": code_version(),
        "train_snapshots": [str(s.as_of.date()) for s in train],
        "val_snapshot": None if val is None else str(val.as_of.date()),
    }
    model = RiskModel(config=config, categories=cats, meta=meta)
    used = train + ([val] if val is not None else [])
    if not train:
        model.meta["note"] = "no labelled history with enough positives: fixed-weight fallback"
        return model, {}, used
    X, y = _stack(train)
    meta["base_rate"] = float(y.mean())
    Xv, yv = (val.features.frame, val.y) if val is not None else (None, None)
    fs = train[0].features
    t1 = time.perf_counter()
    model.own_gbm = GbmModel.fit(X, y, fs.own_cols, config, Xv, yv)
    cols = fs.own_cols if config.feature_set == "own" else fs.model_cols
    model.graph_gbm = GbmModel.fit(X, y, cols, config, Xv, yv)
    meta["features"] = cols
    log.info("boosted models fitted in %.1fs", time.perf_counter() - t1)
    metrics: dict[str, Any] = {}
    if Xv is not None and yv is not None:
        metrics["val_auc_own"] = _auc(yv, model.own_gbm.predict(Xv))
        metrics["val_auc_graph"] = _auc(yv, model.graph_gbm.predict(Xv))
    if config.use_gnn:
        _add_gnn(model, train, val, config, metrics)
    model.meta["metrics"] = metrics
    return model, metrics, used


def _add_gnn(
    model: RiskModel, train: list[Snapshot], val: Snapshot | None, config: RiskConfig, metrics: dict[str, Any]
) -> None:
    """Train the GNN and blend it with the graph GBM on the validation snapshot (kept only if it helps)."""
    try:
        from gnn.train import train_gnn
    except ImportError as exc:  # torch missing: boosting still works
        log.warning("GNN skipped: %s", exc)
        return
    if val is None:
        return
    gnn, hist = train_gnn(train, val, config)
    model.gnn = gnn
    model.meta["gnn_history"] = hist
    g_val = gnn.predict_logit(val)
    assert model.graph_gbm is not None
    b_val = model.graph_gbm.logit(val.features.frame)
    yv = val.y
    metrics["val_auc_gnn"] = _auc(yv, g_val)
    model.meta["gnn_logit_mean"] = float(g_val.mean())
    lr = LogisticRegression(C=1.0).fit(np.c_[b_val, g_val - g_val.mean()], yv)
    b1, b2 = (float(c) for c in lr.coef_[0])
    b0 = float(lr.intercept_[0])
    blended = b0 + b1 * b_val + b2 * (g_val - g_val.mean())
    metrics["val_auc_stack"] = _auc(yv, blended)
    model.blend = (b0, b1, b2)


def train_risk(tables: GraphTables, as_of: date, config: RiskConfig, model_dir: Path | None) -> TrainResult:
    """Train on snapshots before `as_of`; save a new version in `model_dir` (promoted if none is current)."""
    t0 = time.perf_counter()
    model, metrics, used = fit_risk_model(tables, as_of, config)
    res = TrainResult(
        model=model, metrics=metrics, seconds=0.0, snapshots=[str(s.as_of.date()) for s in used]
    )
    model.meta["train_seconds"] = round(time.perf_counter() - t0, 2)
    if model_dir is not None:
        reg = ModelRegistry(model_dir)
        res.version, res.path = reg.new_version()
        model.meta["version"] = res.version
        model.save(res.path)
        if reg.current() is None:
            reg.promote(res.version, "first model in this registry")
    res.seconds = time.perf_counter() - t0
    return res


def load_or_train(tables: GraphTables, as_of: date, config: RiskConfig, model_dir: Path | None) -> RiskModel:
    """The current model if it was trained with a cutoff on or before as_of; else one trained for as_of.

    A model whose cutoff lies after as_of has learnt from labels after as_of: scoring the past with it
    would leak the future, so an earlier-cutoff version (newest first) or a fresh model is used.
    A fixed-weight fallback (saved when some data had no labelled history) is never reused: data
    with history must get a trained model, and data without gets a fresh fallback anyway.
    """
    t = pd.Timestamp(as_of).normalize()
    if model_dir is not None:
        reg = ModelRegistry(model_dir)
        current = reg.latest()
        candidates = ([current] if current else []) + sorted(set(reg.versions()) - {current}, reverse=True)
        for version in candidates:
            meta = reg.meta(version)
            cutoff = meta.get("cutoff")
            if meta.get("kind") == "fallback":
                continue
            if cutoff is not None and pd.Timestamp(cutoff) <= t:
                return RiskModel.load(reg.path(version))
    return train_risk(tables, as_of, config, model_dir).model


def explained_rows(score: np.ndarray, fraction: float, min_rows: int) -> np.ndarray:
    """Which subjects get attributed reasons: the riskiest `fraction` (at least min_rows, all if fewer)."""
    n = len(score)
    k = n if n <= min_rows else max(min_rows, int(np.ceil(fraction * n)))
    return np.sort(np.argsort(-score, kind="stable")[:k])


def base_rate(model: RiskModel, score: np.ndarray) -> float:
    """The share of subjects punished within the horizon in the training snapshots (mean score if unknown)."""
    rate = model.meta.get("base_rate")
    return float(rate) if rate is not None else float(np.mean(score)) if len(score) else 0.0


def score_snapshot(
    model: RiskModel,
    snap: Snapshot,
    max_reasons: int,
    explain_fraction: float = 1.0,
    explain_min: int = 20_000,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Scores, own/related parts and JSON reasons for every subject of a snapshot.

    The riskiest `explain_fraction` (at least `explain_min`) get attributed reasons: TreeSHAP split
    over items, and the GNN's share by exact occlusion for the riskiest `config.gnn_explain_max`
    whose GNN term matters (within `config.gnn_explain_budget_s`). The others list their own records,
    punished parties and events without a contribution figure; one scored above the base rate with
    none of those lists its registry facts; the rest, with no signal at all, get [].
    """
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    proj = model.gnn.project(snap) if model.gnn is not None else None
    gnn_term = model.gnn_term(snap, proj)
    score = sigmoid(model.logit(snap, gnn_term))
    own_score = model.own_score(snap)
    timings["score_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rate = base_rate(model, score)
    rows = explained_rows(score, explain_fraction, explain_min)
    contrib, cols, _ = model.contributions(snap, rows)
    timings["shap_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    gnn_parts: dict[int, list[tuple[str, str, float]]] = {}
    cfg = model.config
    if proj is not None and cfg.gnn_explain_max > 0:
        from gnn.explain_gnn import gnn_party_effects

        cand = rows[gnn_term[rows] >= MIN_CONTRIBUTION]
        cand = cand[np.argsort(-score[cand], kind="stable")][: cfg.gnn_explain_max]
        gnn_parts, done = gnn_party_effects(
            model.gnn, snap, cand, model.blend[2], proj, time_budget_s=cfg.gnn_explain_budget_s
        )
        timings["gnn_explained"] = float(done)
        timings["gnn_candidates"] = float(len(cand))
    timings["gnn_occlusion_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = Explainer(snap)
    text = [dumps([])] * len(score)
    for i, r in zip(
        rows, explain_subjects(snap, contrib, cols, max_reasons, rows, gnn_parts, ex), strict=True
    ):
        text[i] = dumps(r)
    attributed = np.zeros(len(score), dtype=bool)
    attributed[rows] = True
    above = score > rate
    rest = np.flatnonzero(~attributed & (ex.has_signal() | above))
    for i, r in zip(rest, plain_reasons(snap, max_reasons, rest, ex, above[rest]), strict=True):
        text[i] = dumps(r)
    timings["reasons_s"] = time.perf_counter() - t0
    timings["attributed"] = float(len(rows))
    frame = snap.features.frame
    return pd.DataFrame(
        {
            "subject_type": np.where(frame["subject_label"] == str(NodeLabel.FIRM), "firm", "person"),
            "subject_id": frame["subject"].to_numpy(),
            "score": score,
            "own_score": own_score,
            "related_score": np.clip(score - own_score, 0.0, 1.0),
            "top_reasons": text,
        }
    )


def score_risk(
    tables: GraphTables, as_of: date, config: RiskConfig, model_dir: Path | None = None
) -> list[RiskScore]:
    """Risk of every firm and person at `as_of`, from records and events dated on or before it."""
    model = load_or_train(tables, as_of, config, model_dir)
    snap = make_snapshot(tables, as_of, model.categories)
    df = score_snapshot(model, snap, config.max_reasons, config.explain_fraction)
    version = str(model.meta.get("version", f"unsaved-{model.meta.get('cutoff', '')}"))
    return [
        RiskScore(
            subject_type=SubjectType(st),
            subject_id=str(sid),
            score=round(float(s), 6),
            own_score=round(float(o), 6),
            related_score=round(float(r), 6),
            model_version=version,
            top_reasons=tr,
        )
        for st, sid, s, o, r, tr in zip(
            df["subject_type"],
            df["subject_id"],
            df["score"],
            df["own_score"],
            df["related_score"],
            df["top_reasons"],
            strict=True,
        )
    ]
