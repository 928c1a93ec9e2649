"""The risk-weighted random inspection draw (双随机, weighted by credit risk), reproducible and auditable.

Subjects are put into tiers by score rank (e.g. top 5% high, next 20% medium, rest low); the n
inspections are allocated to tiers in proportion to tier size x tier weight (largest remainder),
then drawn uniformly at random inside each tier. Every subject of a tier therefore has the same,
exactly known inclusion probability n_tier / size_tier — what an auditor re-checks from the saved
JSON together with the seed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from graph.model import RiskScore


@dataclass(frozen=True)
class Tier:
    name: str
    top_fraction: float  # share of subjects (by score rank) in this tier; the last tier takes the rest
    weight: float  # relative inspection rate


DEFAULT_TIERS = (Tier("high", 0.05, 6.0), Tier("medium", 0.20, 2.0), Tier("low", 1.0, 1.0))


@dataclass
class InspectionDraw:
    seed: int
    n: int
    tiers: list[dict[str, Any]]
    selected: list[dict[str, Any]]
    model_versions: list[str]
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path


def _allocate(sizes: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """n split over tiers proportional to size x weight, largest remainder, never above a tier's size."""
    alloc = np.zeros(len(sizes), dtype=int)
    remaining = min(n, int(sizes.sum()))
    while remaining > 0:
        open_ = alloc < sizes
        mass = np.where(open_, sizes * weights, 0.0)
        quota = mass / mass.sum() * remaining
        add = np.minimum(np.floor(quota).astype(int), sizes - alloc)
        if add.sum() == 0:
            order = np.argsort(-(quota - np.floor(quota)), kind="stable")
            add = np.zeros_like(alloc)
            for i in order:
                if open_[i] and add.sum() < remaining:
                    add[i] = 1
        alloc += add
        remaining -= int(add.sum())
    return alloc


def draw(
    scores: Sequence[RiskScore],
    n: int,
    seed: int,
    tiers: Sequence[Tier] = DEFAULT_TIERS,
    presorted: bool = False,
) -> InspectionDraw:
    """Draw n subjects for inspection; the same scores and seed always give the same draw.
    `presorted`: the scores are already in tier order (draw_by_credit_tier)."""
    items = (
        list(scores)
        if presorted
        else sorted(scores, key=lambda s: (-s.score, str(s.subject_type), s.subject_id))
    )
    total = len(items)
    bounds, start = [], 0
    for i, t in enumerate(tiers):
        end = total if i == len(tiers) - 1 else min(total, start + int(round(t.top_fraction * total)))
        bounds.append((start, end))
        start = end
    sizes = np.array([e - s for s, e in bounds])
    alloc = _allocate(sizes, np.array([t.weight for t in tiers], dtype=float), n)
    rng = np.random.default_rng(seed)
    selected, tier_rows = [], []
    for t, (s, e), k in zip(tiers, bounds, alloc, strict=True):
        picks = np.sort(rng.choice(e - s, size=int(k), replace=False)) + s if k else np.array([], dtype=int)
        for j in picks:
            r = items[int(j)]
            selected.append(
                {
                    "subject_type": str(r.subject_type),
                    "subject_id": r.subject_id,
                    "score": r.score,
                    "tier": t.name,
                }
            )
        tier_rows.append(
            {
                "name": t.name,
                "size": int(e - s),
                "weight": t.weight,
                "drawn": int(k),
                "probability": float(k / (e - s)) if e > s else 0.0,
                "min_score": items[e - 1].score if e > s else None,
                "max_score": items[s].score if e > s else None,
            }
        )
    versions = sorted({s.model_version for s in items})
    return InspectionDraw(seed=seed, n=n, tiers=tier_rows, selected=selected, model_versions=versions)


def draw_by_credit_tier(
    scores: Sequence[RiskScore],
    n: int,
    seed: int,
    thresholds: Sequence[float],
    weights: dict[str, float] | None = None,
) -> InspectionDraw:
    """The same draw over credit tiers (gnn.tiers: A/B/C/D by calibrated risk) instead of rank shares:
    tier D is inspected most, A least (weights per tier, default gnn.tiers.TIER_WEIGHTS)."""
    from gnn.tiers import TIER_WEIGHTS, TIERS, tier_of

    w = weights or TIER_WEIGHTS
    by_tier = {t: [s for s in scores if tier_of(s.score, thresholds) == t] for t in TIERS}
    order = [t for t in reversed(TIERS)]  # D first, like the rank tiers (riskiest first)
    items = [
        s
        for t in order
        for s in sorted(by_tier[t], key=lambda s: (-s.score, str(s.subject_type), s.subject_id))
    ]
    total = max(len(items), 1)
    tiers = [Tier(t, len(by_tier[t]) / total, w[t]) for t in order]
    return draw(items, n, seed, tiers, presorted=True)


def read_risk_scores(path: Path) -> list[RiskScore]:
    """risk_scores.csv (contract columns) back into RiskScore rows."""
    import csv

    from ingest.records import SubjectType

    with path.open(encoding="utf-8", newline="") as fh:
        return [
            RiskScore(
                subject_type=SubjectType(r["subject_type"]),
                subject_id=r["subject_id"],
                score=float(r["score"]),
                own_score=float(r["own_score"] or 0),
                related_score=float(r["related_score"] or 0),
                model_version=r["model_version"],
                top_reasons=r["top_reasons"],
            )
            for r in csv.DictReader(fh)
        ]
