"""Credit tiers A/B/C/D from calibrated risk, a per-dimension breakdown, and the tier history.

The risk score is a calibrated probability of a punitive record within 12 months, so tiers are fixed
cut points on it (Settings.tier_thresholds, default 2 % / 8 % / 25 %: A is at about the base rate, D is
roughly one chance in four). Each subject's breakdown sums the positive contributions of its reasons by
dimension (gnn.dimensions); a reason without a contribution figure counts in `n_<dimension>` only.
The tier history is data, appended and never rewritten: every change (date, from, to, direction,
the leading reason, its source — a scoring run, inspection feedback or a partial rescore — and the
run) is measured against the subject's last recorded tier and carries an id derived from its content,
so recording the same run twice adds nothing. Subjects whose latest change is a decline form the
key-supervision list ("declined -> key supervision"). `record` keeps the history in a folder (the
CLI's); gnn.tier_log keeps the same rows in a SQL table (the API's).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gnn.dimensions import DIMENSIONS, RELATED, event_dimension, record_dimension
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


def dimension_of(reason: dict[str, Any]) -> str | None:
    """The reason's dimension as written by the risk stage; for reasons written without one (older
    score files), the same mapping gnn.dimensions applies: own records by kind and authority, events
    by category, related parties and shared contacts as related_parties. None for registry facts."""
    dim = reason.get("dimension")
    if dim in DIMENSIONS:
        return str(dim)
    kind = str(reason.get("type") or "")
    if kind == "record":
        return record_dimension(str(reason.get("kind") or ""), reason.get("authority"))
    if kind == "event":
        return event_dimension(reason.get("category"))
    if kind == "related" or kind.startswith("shared_"):
        return RELATED
    return None


def breakdown(top_reasons: str) -> dict[str, float]:
    """Positive contributions summed per dimension, plus `n_<dimension>` reason counts."""
    out: dict[str, float] = {d: 0.0 for d in DIMENSIONS} | {f"n_{d}": 0.0 for d in DIMENSIONS}
    for r in _reasons(top_reasons):
        dim = dimension_of(r)
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


SOURCES = ("run", "feedback", "rescore")  # what caused a recorded tier change
_DIMS = [*DIMENSIONS, *(f"n_{d}" for d in DIMENSIONS)]
_CURRENT_FIELDS = ["subject_type", "subject_id", "score", "tier", *_DIMS, "lead_reason", "as_of"]


def direction(old: str | None, new: str) -> str:
    """`new` (first tier), `declined` (towards D) or `improved` (towards A)."""
    if old is None:
        return "new"
    return "declined" if TIERS.index(new) > TIERS.index(old) else "improved"


def change_id(source: str, run: str, subject_type: str, subject_id: str, old: str | None, new: str) -> str:
    """A content-derived id: recording the same run twice adds nothing."""
    text = "|".join((source, run, subject_type, subject_id, old or "-", new))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def last_tiers(changes: Iterable[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """Each subject's tier after its latest recorded change (changes in recorded order)."""
    return {(c["subject_type"], c["subject_id"]): c["to"] for c in changes}


def diff(
    rows: Sequence[TierRow],
    before: dict[tuple[str, str], str],
    as_of: date,
    source: str = "run",
    run: str = "",
    known: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The tier changes `rows` make against `before` (subject -> tier), one dict per change with its
    id, date, from/to, direction, score, leading reason, source and run; ids in `known` are skipped."""
    if source not in SOURCES:
        raise ValueError(f"unknown tier-change source {source!r}: one of {SOURCES}")
    seen = set(known)
    out = []
    for r in rows:
        old = before.get((r.subject_type, r.subject_id))
        if old == r.tier:
            continue
        cid = change_id(source, run, r.subject_type, r.subject_id, old, r.tier)
        if cid in seen:
            continue
        seen.add(cid)
        out.append(
            {
                "id": cid,
                "date": as_of.isoformat(),
                "subject_type": r.subject_type,
                "subject_id": r.subject_id,
                "from": old,
                "to": r.tier,
                "direction": direction(old, r.tier),
                "score": round(r.score, 6),
                "reason": r.lead,
                "source": source,
                "run": run,
            }
        )
    return out


def key_supervision(changes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Subjects whose latest recorded change is a decline (declined -> key supervision), by id.
    Derived from the whole history, so recording the same run again leaves the list as it was."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for c in changes:
        latest[(c["subject_type"], c["subject_id"])] = c
    return [latest[k] for k in sorted(latest) if latest[k]["direction"] == "declined"]


def _read_current(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["subject_type"], r["subject_id"]): r for r in csv.DictReader(fh)}


def _current_row(r: TierRow, as_of: date) -> dict[str, Any]:
    return {
        "subject_type": r.subject_type, "subject_id": r.subject_id, "score": f"{r.score:.6f}",
        "tier": r.tier, **{d: r.breakdown[d] for d in _DIMS}, "lead_reason": r.lead,
        "as_of": as_of.isoformat(),
    }


def record(
    rows: Sequence[TierRow],
    folder: Path,
    as_of: date,
    source: str = "run",
    run: str = "",
    merge: bool | None = None,
) -> list[dict[str, Any]]:
    """Append the changes `rows` make to tier_history.jsonl and update tiers.csv and key_supervision.csv
    in `folder`. Returns the changes appended.

    A change is measured against the subject's last recorded tier (the history, not tiers.csv), and
    each carries a content-derived id, so recording the same run again appends nothing. `merge`
    (default: every source but `run`) keeps the other subjects' rows of tiers.csv and replaces only
    those given, which feedback and partial rescores need; a run replaces tiers.csv whole.
    """
    folder.mkdir(parents=True, exist_ok=True)
    merge = source != "run" if merge is None else merge
    past = history(folder)
    before = last_tiers(past)
    current = folder / "tiers.csv"
    for key, row in _read_current(current).items():  # a folder written before the history had ids
        before.setdefault(key, row["tier"])
    changes = diff(rows, before, as_of, source, run, known=(c.get("id", "") for c in past))
    with (folder / "tier_history.jsonl").open("a", encoding="utf-8") as fh:
        for c in changes:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    kept = _read_current(current) if merge else {}
    for r in rows:
        kept[(r.subject_type, r.subject_id)] = _current_row(r, as_of)
    with current.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=_CURRENT_FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(kept[k] for k in sorted(kept))
    tiers_now = {k: row["tier"] for k, row in kept.items()}
    declined = [
        c for c in key_supervision([*past, *changes])
        if tiers_now.get((c["subject_type"], c["subject_id"])) == c["to"]
    ]
    fields = ["id", "date", "subject_type", "subject_id", "from", "to", "direction", "score", "reason",
              "source", "run"]
    with (folder / "key_supervision.csv").open("w", encoding="utf-8", newline="") as fh:
        dw = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
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
