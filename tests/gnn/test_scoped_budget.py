"""The GNN reasons' time budget of a scoped rescore (an increment): the full run's, per subject."""

from __future__ import annotations

from gnn.config import RiskConfig
from gnn.scoped import MIN_EXPLAIN_BUDGET_S, scope_budget


def test_an_increment_spends_per_subject_what_a_full_run_spends() -> None:
    cfg = RiskConfig(gnn_explain_budget_s=15.0)
    assert scope_budget(cfg, 60_000, 60_000) == 15.0  # the whole graph: the full run's budget
    assert scope_budget(cfg, 12_000, 60_000) == 3.0
    assert scope_budget(cfg, 10, 60_000) == MIN_EXPLAIN_BUDGET_S  # a handful still gets a second


def test_the_budget_never_exceeds_the_full_runs() -> None:
    cfg = RiskConfig(gnn_explain_budget_s=15.0)
    assert scope_budget(cfg, 70_000, 60_000) == 15.0
    assert scope_budget(cfg, 5, 0) == 15.0  # nothing scored: no share to take
