"""Free-text resolution shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ResolveIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    location: str | None = Field(
        default=None, max_length=1000, description="where it happened, as an event's location field"
    )
    occurred_at: datetime | None = None


class Contribution(BaseModel):
    """One comparison feature's part in the score (a waterfall bar)."""

    name: str
    level: str | None = Field(default=None, description="the comparison level reached, e.g. exact, fuzzy>0.9")
    value: float | None = Field(default=None, description="raw similarity or Bayes factor")
    weight: float | None = Field(default=None, description="log2 match weight added to the score")
    note: str | None = None


class CandidateOut(BaseModel):
    entity_type: str
    entity_id: str
    name: str | None = None
    score: float
    decision: str
    evidence: str
    contributions: list[Contribution] = Field(default_factory=list)


class ResolveOut(BaseModel):
    candidates: list[CandidateOut]
    withheld_people: int = Field(
        default=0, description="person candidates not shown: the caller's role may not look people up"
    )
