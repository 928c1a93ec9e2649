"""Steward review queue shapes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from api.schemas.entities import EntityProfile
from api.schemas.resolve import Contribution


class Verdict(StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    UNSURE = "unsure"


class ReviewItemOut(BaseModel):
    item_id: str
    source: str | None = None
    record_id: str | None = None
    text: str = Field(description="the record text as received")
    mention: str | None = None
    mention_start: int | None = Field(default=None, description="offset of the mention in `text`, if found")
    mention_end: int | None = None
    entity_type: str
    entity_id: str
    candidate: EntityProfile | None = None
    score: float | None = None
    evidence: str | None = None
    contributions: list[Contribution] = Field(default_factory=list)


class DecisionIn(BaseModel):
    verdict: Verdict
    comment: str | None = Field(default=None, max_length=1000)


class DecisionOut(BaseModel):
    item_id: str
    verdict: Verdict
    who: str
    pending: int = Field(description="items still waiting after this decision")


class CompetitorOut(BaseModel):
    """Another candidate of the same record, shown beside the one under review."""

    item_id: str
    entity_type: str
    entity_id: str
    candidate_name: str | None = None
    mention: str | None = None
    score: float
    status: str
    evidence: str
    contributions: list[Contribution] = Field(default_factory=list)


class CompetitorsOut(BaseModel):
    items: list[CompetitorOut]


class UndoOut(BaseModel):
    item_id: str
    undone: str | None = Field(description="the verdict withdrawn (None: there was none)")
    who: str
    pending: int
