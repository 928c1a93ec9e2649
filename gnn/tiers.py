"""Credit tiers A/B/C/D from calibrated risk, a per-dimension breakdown, and the tier history.

The risk score is a calibrated probability of a punitive record within 12 months, so tiers are fixed
cut points on it (Settings.tier_thresholds, default 2 % / 8 % / 25 %: A is at about the base rate, D is
roughly one chance in four). Each subject's breakdown sums the positive contributions of its reasons by
dimension (gnn.dimensions); a reason without a contribution figure counts in `n_<dimension>` only.
Every run that assigns tiers compares them with the previous assignment kept in a folder and appends
each change (date, from, to, the leading reason) to `tier_history.jsonl`; subjects whose tier fell
are listed apart ("declined -> key supervision").
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gnn.dimensions import DIMENSIONS
from graph.model import RiskScore

TIERS = ("A", "B", "C", "D")  # A: good credit, light supervision ... D: key supervision
DEFAULT_THRESHOLDS = (0.02, 0.08, 0.25)
TIER_WEIGHTS = {"A": 0.5, "B": 1.0, "C": 3.0, "D": 8.0}  # relative 双随机 inspection rates


@dataclass(frozen=True)
class TierRow:
    subject_type: str
    subject_id: str
    score: float
    tier: str
    breakdown: dict[str, float]
    lead: str  # the leading reason, as one line


def tier_of(score: float, thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> str:
    """A below the first cut point, D at or above the last."""
    for name, cut in zip(TIERS, thresholds, strict=False):
        if score < cut:
            return name
    return TIERS[-1]


def _reasons(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text) if text else []
    except ValueError:
        return []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def breakdown(top_reasons: str) -> dict[str, float]:
    """Positive contributions summed per dimension, plus `n_<dimension>` reason counts."""
    out: dict[str, float] = {d: 0.0 for d in DIMENSIONS} | {f"n_{d}": 0.0 for d in DIMENSIONS}
    for r in _reasons(top_reasons):
        dim = r.get("dimension")
        if dim in DIMENSIONS:
            out[f"n_{dim}"] += 1
            out[dim] += max(float(r.get("contribution") or 0.0), 0.0)
    return {k: round(v, 4) for k, v in out.items()}


def lead_reason(top_reasons: str) -> str:
    """One line naming the first reason: its type and the record, event or party it points at."""
    rs = _reasons(top_reasons)
    if not rs:
        return ""
    r = rs[0]
    what = r.get("document_no") or r.get("record_id") or r.get("event_id") or r.get("party") or r.get("key")
    return f"{r.get('type')} {r.get('kind') or r.get('category') or ''} {what or ''}".replace(
        "  ", " "
    ).strip()


def assign(scores: Sequence[RiskScore], thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> list[TierRow]:
    """A tier, a breakdown and the leading reason for every scored subject."""
    return [
        TierRow(
            subject_type=str(s.subject_type),
            subject_id=s.subject_id,
            score=float(s.score),
            tier=tier_of(float(s.score), thresholds),
            breakdown=breakdown(s.top_reasons),
            lead=lead_reason(s.top_reasons),
        )
        for s in scores
    ]


def _read_current(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["subject_type"], r["subject_id"]): r["tier"] for r in csv.DictReader(fh)}


def record(rows: Sequence[TierRow], folder: Path, as_of: date) -> list[dict[str, Any]]:
    """Compare with the previous tiers in `folder`, append the changes to tier_history.jsonl, write
    tiers.csv (current) and key_supervision.csv (declined this time). Returns the changes."""
    folder.mkdir(parents=True, exist_ok=True)
    current = folder / "tiers.csv"
    before = _read_current(current)
    changes = []
    for r in rows:
        old = before.get((r.subject_type, r.subject_id))
        if old == r.tier:
            continue
        if old is None:
            direction = "new"
        else:
            direction = "declined" if TIERS.index(r.tier) > TIERS.index(old) else "improved"
        changes.append(
            {
                "date": as_of.isoformat(),
                "subject_type": r.subject_type,
                "subject_id": r.subject_id,
                "from": old,
                "to": r.tier,
                "direction": direction,
                "score": round(r.score, 6),
                "reason": r.lead,
            }
        )
    with (folder / "tier_history.jsonl").open("a", encoding="utf-8") as fh:
        for c in changes:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    dims = [*DIMENSIONS, *(f"n_{d}" for d in DIMENSIONS)]
    with current.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["subject_type", "subject_id", "score", "tier", *dims, "lead_reason", "as_of"])
        for r in rows:
            w.writerow(
                [
                    r.subject_type,
                    r.subject_id,
                    f"{r.score:.6f}",
                    r.tier,
                    *(r.breakdown[d] for d in dims),
                    r.lead,
                    as_of.isoformat(),
                ]
            )
    declined = [c for c in changes if c["direction"] == "declined"]
    with (folder / "key_supervision.csv").open("w", encoding="utf-8", newline="") as fh:
        dw = csv.DictWriter(fh, fieldnames=list(changes[0]) if changes else ["date"])
        dw.writeheader()
        dw.writerows(declined)
    return changes


def history(folder: Path, subject_id: str | None = None) -> list[dict[str, Any]]:
    """Every recorded tier change (of one subject when given), oldest first."""
    path = folder / "tier_history.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if subject_id is None or r["subject_id"] == subject_id]


def counts(rows: Sequence[TierRow]) -> dict[str, int]:
    return {t: sum(1 for r in rows if r.tier == t) for t in TIERS}


def as_dict(row: TierRow) -> dict[str, Any]:
    return asdict(row)
