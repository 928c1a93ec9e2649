"""Risk of some subjects only, at the cost of scoring, not of explaining, the whole graph.

An increment rescores a scope of subjects. Their scores must be exactly what a full run gives
on the same graph at the same as-of date with the same model, so the snapshot (graph features,
the GNN's view) is built over the whole graph and every subject is scored (cheap); only the
expensive part, the reasons (TreeSHAP, GNN occlusion, plain reasons), is limited to the scope.
Which subjects get attributed reasons follows the full run's rule (the riskiest share of all
subjects), so a scope subject gets the same kind of reasons it would get in a full run; the GNN's
occlusion reasons get the full run's time per subject (`scope_budget`), not its whole budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np

from gnn.config import RiskConfig
from gnn.explain import MIN_CONTRIBUTION, Explainer, dumps, explain_subjects, plain_reasons
from gnn.explain_items import item_index
from gnn.pipeline import base_rate, explained_rows, load_or_train
from gnn.riskmodel import sigmoid
from gnn.snapshots import make_snapshot
from graph.model import NodeLabel, RiskScore
from graph.tables import GraphTables
from ingest.records import SubjectType

MIN_EXPLAIN_BUDGET_S = 1.0


def scope_budget(cfg: RiskConfig, scope: int, subjects: int) -> float:
    """Wall-clock seconds for the GNN's occlusion reasons of a scope: the full run's budget in
    proportion to the scope's share of all subjects (at least a second), so an increment spends
    per subject what a full run spends, not the full run's whole budget on a day's few thousand.
    Subjects the budget does not reach keep their graph-feature reasons until the next full
    rescore gives them the GNN's too."""
    share = scope / subjects if subjects else 1.0
    return max(MIN_EXPLAIN_BUDGET_S, cfg.gnn_explain_budget_s * min(1.0, share))


def score_scope(
    tables: GraphTables,
    as_of: date,
    config: RiskConfig,
    model_dir: Path | None,
    scope: Iterable[tuple[str, str]],
) -> list[RiskScore]:
    """RiskScores of the (subject type, id) pairs of `scope` that the graph holds, scored at `as_of`."""
    model = load_or_train(tables, as_of, config, model_dir)
    snap = make_snapshot(tables, as_of, model.categories)
    frame = snap.features.frame
    types = np.where(frame["subject_label"] == str(NodeLabel.FIRM), "firm", "person")
    ids = frame["subject"].astype(str).to_numpy()
    wanted = set(scope)
    idx = np.array([i for i, key in enumerate(zip(types, ids, strict=True)) if key in wanted], dtype=int)
    proj = model.gnn.project(snap) if model.gnn is not None else None
    gnn_term = model.gnn_term(snap, proj)
    score = sigmoid(model.logit(snap, gnn_term))
    own = np.zeros(len(frame))
    own[idx] = model.own_score(snap, idx)  # only the scope's are returned
    rate = base_rate(model, score)
    rows = np.intersect1d(explained_rows(score, config.explain_fraction, 20_000), idx)
    contrib, cols, _ = model.contributions(snap, rows)
    gnn_parts: dict[int, list[tuple[str, str, float]]] = {}
    cfg = model.config
    if proj is not None and cfg.gnn_explain_max > 0 and len(rows):
        from gnn.explain_gnn import gnn_party_effects

        cand = rows[gnn_term[rows] >= MIN_CONTRIBUTION]
        cand = cand[np.argsort(-score[cand], kind="stable")][: cfg.gnn_explain_max]
        gnn_parts, _ = gnn_party_effects(
            model.gnn, snap, cand, model.blend[2], proj, time_budget_s=scope_budget(cfg, len(idx), len(frame))
        )
    ex = Explainer(snap, item_index(snap, own=idx))  # events and history of the scope only
    text: dict[int, str] = {int(i): dumps([]) for i in idx}
    for i, r in zip(
        rows, explain_subjects(snap, contrib, cols, config.max_reasons, rows, gnn_parts, ex), strict=True
    ):
        text[int(i)] = dumps(r)
    above = score > rate
    rest = np.setdiff1d(idx, rows)
    rest = rest[ex.has_signal()[rest] | above[rest]]
    for i, r in zip(rest, plain_reasons(snap, config.max_reasons, rest, ex, above[rest]), strict=True):
        text[int(i)] = dumps(r)
    version = str(model.meta.get("version", f"unsaved-{model.meta.get('cutoff', '')}"))
    return [
        RiskScore(
            subject_type=SubjectType(types[i]),
            subject_id=str(ids[i]),
            score=round(float(score[i]), 6),
            own_score=round(float(own[i]), 6),
            related_score=round(float(np.clip(score[i] - own[i], 0.0, 1.0)), 6),
            model_version=version,
            top_reasons=text[int(i)],
        )
        for i in idx
    ]
