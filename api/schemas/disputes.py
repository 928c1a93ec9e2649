"""A disputed link's request and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DisputeIn(BaseModel):
    comment: str = Field(min_length=1, max_length=1000, description="why this record is not this subject's")


class DisputeOut(BaseModel):
    dispute_id: int
    item_id: int = Field(description="the review item the stewards will decide")
    record_id: str
    entity_id: str
    link_decision: str = Field(description="how the matcher had linked it: auto_link or review")
    link_score: float
    status: str = Field(description="open until a steward decides the pair")
    queued_first: bool = Field(description="disputed pairs come first on the steward page and in review next")
