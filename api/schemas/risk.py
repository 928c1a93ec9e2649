"""Risk shapes: the score, its split into own and related risk, and reasons a person can check."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Step


class Reason(BaseModel):
    """One reason behind a score: an own record (grounded or a soft signal) or a related party."""

    text: str
    kind: str = Field(
        description="record, history, event, related, shared_contact, roles, registry (older: feature)"
    )
    record_id: str | None = None
    document_no: str | None = None
    grounded: bool | None = Field(
        None, description="true: rests on a numbered legal document; false: a soft signal; null: not a record"
    )
    entity_id: str | None = Field(default=None, description="the related party, for related reasons")
    role: str | None = None
    contribution: float | None = None
    path: list[Step] = Field(default_factory=list)
    dimension: str | None = Field(
        default=None, description="business, compliance, social_responsibility or related_parties"
    )
    signal: str | None = Field(default=None, description="grounded, soft, model, profile or history")


class RiskOut(BaseModel):
    subject_type: str
    subject_id: str
    name: str | None = None
    score: float
    own_score: float
    related_score: float
    model_version: str
    reasons: list[Reason]


class RiskBatchIn(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=500, description="USCCs and/or resident IDs")


class RiskBatchOut(BaseModel):
    results: list[RiskOut]
    missing: list[str] = Field(description="ids with no entity or no score")
