"""Comparing two runs' outputs: what must be byte-identical, and the one documented exception.

Resolutions, quarantine reports and every risk score are deterministic. Which subjects get reasons
attributed by the GNN's occlusion depends on a wall-clock budget (RiskConfig.gnn_explain_budget_s,
15 s, so that a 200k-firm run stays bounded): under a different machine load a subject may get a
GNN-attributed reason in one run and the next-best plain reason in the other. Rows where either run
has a GNN-attributed reason are compared on everything but their reason text."""

from __future__ import annotations

import csv
from pathlib import Path


def risk_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in ("resolutions.csv", "quarantine.csv", "warnings.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ra, rb = risk_rows(a / "risk_scores.csv"), risk_rows(b / "risk_scores.csv")
    assert len(ra) == len(rb)
    for x, y in zip(ra, rb, strict=True):
        assert x[:-1] == y[:-1], (x[:-1], y[:-1])  # subject, scores, model version
        if "gnn_contribution" not in x[-1] and "gnn_contribution" not in y[-1]:
            assert x[-1] == y[-1], (x[0], x[1])
