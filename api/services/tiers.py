"""Credit tiers for the routes and pages: the store's current scores cut into tiers (gnn.tiers), the
history merged from the tier log (gnn.tier_log: runs and rescores) and the inspection-feedback log
(graph.feedback), and the key-supervision list derived from that history.

Both logs live in the punishment database (api.services.punish.punish_db). Current tiers are read
from the store on every call, so an answer never lags a rescore; the history says how they got there.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from api.schemas.tiers import (
    DeclinedEntry,
    DeclinedOut,
    DimensionOut,
    RecordOut,
    SubjectTierOut,
    TierChangeEntry,
    TierCount,
    TiersOut,
    TierSubject,
)
from api.services.entities import find_entity, props_of
from api.services.ids import type_of
from api.services.punish import punish_db
from api.settings import Settings
from gnn.dimensions import DIMENSIONS
from gnn.tier_log import TierLog, merged
from gnn.tiers import (
    TIERS,
    assign,
    breakdown,
    change_id,
    direction,
    key_supervision,
    last_tiers,
    lead_reason,
    tier_of,
)
from graph.feedback import FeedbackLog
from graph.model import NodeLabel
from ingest.errors import NotFoundError

LABELS = {
    "business": "商务信用 business", "compliance": "合规信用 compliance",
    "social_responsibility": "社会责任 social responsibility", "related_parties": "关联方 related parties",
}
_SUBJECT_LABELS = {"firm": NodeLabel.FIRM, "person": NodeLabel.PERSON}


def feedback_changes(log: FeedbackLog, subject_id: str | None = None) -> list[dict[str, Any]]:
    """The inspection-feedback log's tier changes (of one subject when given) as tier-history rows
    (source `feedback`, the run being the inspection event, whose id and outcome make the reason)."""
    out = []
    for c in log.history(subject_id):
        out.append({
            "id": change_id("feedback", c.event_id, c.subject_type, c.subject_id, c.from_tier, c.to_tier),
            "date": c.as_of.isoformat(), "subject_type": c.subject_type, "subject_id": c.subject_id,
            "from": c.from_tier, "to": c.to_tier, "direction": direction(c.from_tier, c.to_tier),
            "score": round(c.to_score, 6), "reason": f"inspection {c.event_id} {c.outcome}".strip(),
            "source": "feedback", "run": c.event_id,
        })
    return out


class TierHistory:
    """Both logs of one database read as one history."""

    def __init__(self, settings: Settings) -> None:
        url = punish_db(settings)
        self.log = TierLog(url)
        self.feedback = FeedbackLog(url)

    def changes(self, subject_type: str | None = None, subject_id: str | None = None) -> list[dict[str, Any]]:
        """Every change (of one subject when given), by date (the tier log's before feedback's on one
        date), each id once."""
        seen: set[str] = set()
        out = []
        fed = [c for c in feedback_changes(self.feedback, subject_id)
               if subject_type is None or c["subject_type"] == subject_type]
        for c in merged(self.log.changes(subject_id, subject_type), fed):
            if c["id"] not in seen:
                seen.add(c["id"])
                out.append(c)
        return out


def _entry(c: dict[str, Any]) -> TierChangeEntry:
    return TierChangeEntry(
        id=c["id"], date=c["date"], subject_type=c["subject_type"], subject_id=c["subject_id"],
        from_tier=c["from"], to_tier=c["to"], direction=c["direction"], score=c["score"],
        reason=c.get("reason") or "", source=c.get("source") or "run", run=c.get("run") or "",
    )


def scored(store: Any, subject_type: str | None = None) -> list[dict[str, Any]]:
    """Scored subjects as rows with subject_type, subject_id, name, region_code, score."""
    types = [subject_type] if subject_type else list(_SUBJECT_LABELS)
    return [
        {"subject_type": t, "subject_id": r["key"], "name": r.get("name"),
         "region_code": r.get("region_code"), "score": float(r["risk_score"])}
        for t in types for r in store.scored_subjects(_SUBJECT_LABELS[t])
    ]


def _in_region(row: dict[str, Any], region: str | None) -> bool:
    return region is None or str(row.get("region_code") or "").startswith(region)


def _next(offset: int, limit: int, total: int) -> int | None:
    return offset + limit if offset + limit < total else None


def distribution(
    store: Any, settings: Settings, region: str | None, subject_type: str | None, tier: str | None,
    limit: int, offset: int,
) -> TiersOut:
    """The tier mix of the subjects in `region` (a division code prefix; firms only) and of
    `subject_type`, and a page of those in `tier`, riskiest first."""
    cuts = settings.tier_thresholds
    rows = [r | {"tier": tier_of(r["score"], cuts)} for r in scored(store, subject_type)
            if _in_region(r, region)]
    counts = Counter(r["tier"] for r in rows)
    mix = [TierCount(tier=t, count=counts[t], share=counts[t] / len(rows) if rows else None) for t in TIERS]
    chosen = sorted((r for r in rows if tier is None or r["tier"] == tier),
                    key=lambda r: (-r["score"], r["subject_type"], r["subject_id"]))
    return TiersOut(
        thresholds=list(cuts), region=region, subject_type=subject_type, tier=tier, distribution=mix,
        total=len(chosen), limit=limit, offset=offset, next_offset=_next(offset, limit, len(chosen)),
        items=[TierSubject(**r) for r in chosen[offset: offset + limit]],
    )


def subject_tier(store: Any, settings: Settings, history: TierHistory, raw_id: str) -> SubjectTierOut:
    """A subject's tier, its per-dimension breakdown and its history; NotFoundError when the subject
    is unknown or not scored."""
    label, key, row = find_entity(store, raw_id)
    score = store.risk(label, key)
    if score is None:
        raise NotFoundError("no risk score for that subject (not scored yet)")
    parts = breakdown(score.top_reasons)
    stype = type_of(label)
    past = history.changes(stype, key)
    return SubjectTierOut(
        subject_type=stype, subject_id=key, name=props_of(row).get("name"), score=float(score.score),
        tier=tier_of(float(score.score), settings.tier_thresholds), thresholds=list(settings.tier_thresholds),
        model_version=str(score.model_version), lead_reason=lead_reason(score.top_reasons),
        breakdown=[
            DimensionOut(dimension=d, label=LABELS[d], contribution=parts[d], reasons=int(parts[f"n_{d}"]))
            for d in DIMENSIONS
        ],
        history=[_entry(c) for c in past],
    )


def declined(
    store: Any, settings: Settings, history: TierHistory, region: str | None, limit: int, offset: int
) -> DeclinedOut:
    """Subjects whose latest recorded change is a decline and whose current tier is still the one
    they fell to (a later rescore that lifted them takes them off), latest decline first."""
    now = {(r["subject_type"], r["subject_id"]): r for r in scored(store)}
    items = []
    for c in key_supervision(history.changes()):
        cur = now.get((c["subject_type"], c["subject_id"]))
        if cur is None or not _in_region(cur, region):
            continue
        if tier_of(cur["score"], settings.tier_thresholds) != c["to"]:
            continue
        items.append(DeclinedEntry(**_entry(c).model_dump(), name=cur.get("name"),
                                   region_code=cur.get("region_code"), current_score=cur["score"]))
    items.sort(key=lambda e: (e.date, e.subject_type, e.subject_id), reverse=True)
    return DeclinedOut(region=region, total=len(items), limit=limit, offset=offset,
                       next_offset=_next(offset, limit, len(items)), items=items[offset: offset + limit])


def record(
    store: Any, settings: Settings, history: TierHistory, as_of: date, source: str, run: str
) -> RecordOut:
    """Record the store's current tiers into the tier log (a run's, or a rescore's): one change per
    subject whose tier differs from its last recorded one. Reasons are read only for those subjects."""
    cuts = settings.tier_thresholds
    others = feedback_changes(history.feedback)
    last = last_tiers(merged(history.log.changes(), others))
    subjects = scored(store)
    moved: dict[str, list[str]] = {t: [] for t in _SUBJECT_LABELS}
    for r in subjects:
        if last.get((r["subject_type"], r["subject_id"])) != tier_of(r["score"], cuts):
            moved[r["subject_type"]].append(r["subject_id"])
    rows = [row for t, keys in moved.items() if keys
            for row in assign(store.risks(_SUBJECT_LABELS[t], keys), cuts)]
    new = history.log.record(rows, as_of, source, run, others=others)
    return RecordOut(as_of=as_of, source=source, run=run, subjects=len(subjects),
                     changes=len(new), declined=sum(1 for c in new if c["direction"] == "declined"))

