"""Steward decisions as plain data, detached from the database that stores them.

The resolver takes a `StewardDecisions` (latest verdict per pair) so that it never imports
SQLAlchemy; the review queue produces one from its append-only decision log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

PairKey = tuple[str, str, str, str]  # (source, record_id, entity_type, entity_id)


class Verdict(StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One steward judgement, as stored (append-only: a changed mind is a new record)."""

    decision_id: int
    item_id: int | None
    source: str
    record_id: str
    entity_type: str
    entity_id: str
    verdict: Verdict
    who: str
    decided_at: datetime
    comment: str = ""

    @property
    def key(self) -> PairKey:
        return (self.source, self.record_id, self.entity_type, self.entity_id)


@dataclass(slots=True)
class StewardDecisions:
    """Latest verdict per pair; 'unsure' leaves the model in charge."""

    latest: dict[PairKey, DecisionRecord] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[DecisionRecord]) -> StewardDecisions:
        out = cls()
        for r in sorted(records, key=lambda r: (r.decided_at, r.decision_id)):
            out.latest[r.key] = r
        return out

    def verdict(self, key: PairKey) -> DecisionRecord | None:
        r = self.latest.get(key)
        return None if r is None or r.verdict is Verdict.UNSURE else r

    def confirmed_for(self, source: str, record_id: str) -> list[DecisionRecord]:
        """Pairs a steward confirmed for one record: they link even if no candidate proposes them."""
        return [
            r
            for k, r in self.latest.items()
            if k[0] == source and k[1] == record_id and r.verdict is Verdict.MATCH
        ]

    def __len__(self) -> int:
        return len(self.latest)
