"""A scoped rescore (an increment) gives its subjects the reasons a full run gives them.

score_scope indexes events and expired records for the scope only (gnn.explain_items.item_index's
`own`); the reasons must not notice. The GNN's occlusion is switched off on both sides: it runs
under a wall-clock budget, which is the only part allowed to differ."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from gnn.config import RiskConfig
from gnn.explain import loads
from gnn.pipeline import score_risk, train_risk
from gnn.scoped import score_scope

AS_OF = date(2024, 12, 31)


def test_scope_subjects_get_the_full_runs_scores_and_reasons(world, tmp_path: Path) -> None:
    cfg = RiskConfig(seed=0, gnn_explain_max=0)
    train_risk(world, AS_OF, cfg, tmp_path)
    full = {(str(s.subject_type), s.subject_id): s for s in score_risk(world, AS_OF, cfg, tmp_path)}
    rng = np.random.default_rng(1)
    keys = sorted(full)
    scope = {keys[i] for i in rng.choice(len(keys), size=60, replace=False)}
    scoped = score_scope(world, AS_OF, cfg, tmp_path, scope)
    assert {(str(s.subject_type), s.subject_id) for s in scoped} == scope
    kinds = set()
    for s in scoped:
        want = full[(str(s.subject_type), s.subject_id)]
        assert (s.score, s.own_score, s.top_reasons) == (want.score, want.own_score, want.top_reasons)
        kinds |= {r["type"] for r in loads(s.top_reasons)}
    assert {"record", "event", "related"} <= kinds  # the reasons compared are not all empty
