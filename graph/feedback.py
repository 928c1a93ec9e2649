"""Information feedback (信息反馈): inspection results that come back, the subjects they touch, and
the tier changes a rescore makes. Pure functions over plain data, plus a small SQL log.

An inspection result is an ordinary event of the contract (source = inspection) read, resolved and
loaded like any other; its outcome is read from its category and text (the contract has no outcome
field): a finding words list (`PROBLEM_WORDS`) against a clean words list (`CLEAN_WORDS`, checked
first, so 未发现问题 is clean although it contains 发现). The rescore scope is every subject an
inspection is auto-linked to and its affiliation neighbours within `depth` hops. Tier changes are
computed with the tier function handed in (gnn.tiers.tier_of at the edge: graph/ does not import
gnn/) and kept in `tier_feedback` (any SQLAlchemy URL) with the event that caused them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Float, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import migrations
from graph.model import NodeLabel, RiskScore
from resolution.links import Decision, Link, LinkSource

CLEAN_WORDS = ("未发现问题", "未发现违法", "未发现异常", "无异常", "检查合格", "符合要求", "正常经营")
PROBLEM_WORDS = ("不合格", "责令", "整改", "违法", "违规", "立案", "处罚", "不全", "超标", "未按", "未取得",
                 "无证", "发现")
_LABELS = {"firm": NodeLabel.FIRM, "person": NodeLabel.PERSON}


def inspection_outcome(category: str | None, text: str | None) -> str:
    """`clean`, `problem` or `unknown` from an inspection event's category and text."""
    words = f"{category or ''} {text or ''}"
    if any(w in words for w in CLEAN_WORDS):
        return "clean"
    if any(w in words for w in PROBLEM_WORDS):
        return "problem"
    return "unknown"


def inspected(links: Iterable[Link], inspection_ids: set[str]) -> list[tuple[str, NodeLabel, str]]:
    """(event id, label, key) for each auto link of an inspection event, sorted."""
    out = {
        (x.record_id, _LABELS[str(x.entity_type)], x.entity_id)
        for x in links
        if x.source == LinkSource.EVENTS
        and x.record_id in inspection_ids
        and x.decision == Decision.AUTO_LINK
    }
    return sorted(out, key=lambda t: (t[0], str(t[1]), t[2]))


def rescore_scope(
    store: Any, subjects: Iterable[tuple[NodeLabel, str]], depth: int = 1
) -> list[tuple[NodeLabel, str]]:
    """The subjects and their affiliation neighbours within `depth` hops, sorted, each once."""
    scope = set()
    for label, key in subjects:
        scope.add((label, key))
        scope.update((a.label, a.key) for a in store.associates(label, key, depth))
    return sorted(scope, key=lambda t: (str(t[0]), t[1]))


@dataclass(frozen=True, slots=True)
class TierChange:
    """One subject's score and tier before and after the rescore an inspection triggered."""

    event_id: str
    outcome: str
    subject_type: str
    subject_id: str
    from_score: float | None
    to_score: float
    from_tier: str | None
    to_tier: str
    as_of: date


def tier_changes(
    before: dict[tuple[str, str], float | None],
    after: Sequence[RiskScore],
    cause: dict[tuple[str, str], tuple[str, str]],
    tier_of: Callable[[float], str],
    as_of: date,
) -> list[TierChange]:
    """Every rescored subject whose tier changed (or got its first tier), with the inspection
    (`cause`: subject -> (event id, outcome); neighbours carry the event of their inspected party)."""
    out = []
    for s in after:
        k = (str(s.subject_type), s.subject_id)
        old = before.get(k)
        old_tier = None if old is None else tier_of(old)
        new_tier = tier_of(float(s.score))
        if old_tier == new_tier:
            continue
        event_id, outcome = cause.get(k, ("", "unknown"))
        out.append(TierChange(event_id, outcome, k[0], k[1], old, float(s.score), old_tier, new_tier, as_of))
    return sorted(out, key=lambda c: (c.subject_type, c.subject_id))


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "tier_feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(128), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    from_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    to_score: Mapped[float] = mapped_column(Float)
    from_tier: Mapped[str | None] = mapped_column(String(4), nullable=True)
    to_tier: Mapped[str] = mapped_column(String(4))
    as_of: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class FeedbackLog:
    """Tier changes caused by inspection feedback, append-only."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, future=True)
        migrations.upgrade(self.engine)  # the shared database's schema, kept by Alembic

    def record(self, changes: Sequence[TierChange]) -> int:
        now = datetime.now(UTC).replace(tzinfo=None)
        with Session(self.engine) as s, s.begin():
            for c in changes:
                s.add(_Row(**{f: getattr(c, f) for f in TierChange.__slots__}, recorded_at=now))  # type: ignore[attr-defined]
        return len(changes)

    def history(self, subject_id: str | None = None) -> list[TierChange]:
        q = select(_Row).order_by(_Row.id)
        if subject_id is not None:
            q = q.where(_Row.subject_id == subject_id)
        with Session(self.engine) as s:
            return [
                TierChange(r.event_id, r.outcome, r.subject_type, r.subject_id, r.from_score, r.to_score,
                           r.from_tier, r.to_tier, r.as_of)
                for r in s.scalars(q)
            ]
