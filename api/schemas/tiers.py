"""Response models of the credit-tier routes (/tiers, /tiers/declined, /entities/{id}/tier)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class TierCount(BaseModel):
    """How many subjects of the filtered set are in one tier, and their share of it."""

    tier: str
    count: int
    share: float | None = Field(description="count / all subjects in the filter; null when there are none")


class TierSubject(BaseModel):
    subject_type: str
    subject_id: str
    name: str | None = None
    region_code: str | None = Field(default=None, description="firms only: the contract gives persons none")
    score: float
    tier: str


class TiersOut(BaseModel):
    """The tier mix of the subjects matching region and type, and one page of them (tier filter
    applied), riskiest first."""

    thresholds: list[float] = Field(description="cut points: below the first A, ..., at or above the last D")
    region: str | None = None
    subject_type: str | None = None
    tier: str | None = None
    distribution: list[TierCount]
    total: int = Field(description="subjects matching every filter, the tier included")
    limit: int
    offset: int
    next_offset: int | None = None
    items: list[TierSubject]


class TierChangeEntry(BaseModel):
    """One recorded change of a subject's tier."""

    id: str = Field(description="derived from the change's content: the same run recorded twice adds none")
    date: date
    subject_type: str
    subject_id: str
    from_tier: str | None = Field(description="null for a subject's first tier")
    to_tier: str
    direction: str = Field(description="new, declined (towards D) or improved (towards A)")
    score: float
    reason: str = Field(description="the leading reason at the change, or the inspection that caused it")
    source: str = Field(description="run, feedback or rescore")
    run: str = ""


class DimensionOut(BaseModel):
    """One dimension of the indicator system: the summed positive contributions of its reasons."""

    dimension: str
    label: str
    contribution: float
    reasons: int = Field(description="reasons of this dimension (some carry no contribution figure)")


class SubjectTierOut(BaseModel):
    subject_type: str
    subject_id: str
    name: str | None = None
    score: float
    tier: str
    thresholds: list[float]
    model_version: str
    lead_reason: str
    breakdown: list[DimensionOut]
    history: list[TierChangeEntry] = Field(description="oldest first")


class DeclinedEntry(TierChangeEntry):
    """A subject whose latest recorded change is a decline and who is still in that tier."""

    name: str | None = None
    region_code: str | None = None
    current_score: float


class DeclinedOut(BaseModel):
    """The key-supervision list (declined -> key supervision), latest decline first."""

    region: str | None = None
    total: int
    limit: int
    offset: int
    next_offset: int | None = None
    items: list[DeclinedEntry]


class RecordOut(BaseModel):
    """What recording the store's current tiers into the history added."""

    as_of: date
    source: str
    run: str
    subjects: int
    changes: int
    declined: int
