"""Entity search and profile shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import EntityRef


class SearchHit(BaseModel):
    """A search result, re-ranked by fuzzy similarity of the query to its names and codes."""

    type: str
    id: str
    name: str | None = None
    matched: str | None = Field(default=None, description="the name, alias or code that matched best")
    score: float = Field(description="0..100 rapidfuzz similarity of the query to `matched`")


class RoleLink(BaseModel):
    """An affiliation of the entity: its role at a firm, or a holder's role at this firm."""

    role: str
    direction: str = Field(description="out: this entity holds the role; in: someone holds it here")
    other: EntityRef
    share_pct: float | None = None
    start_date: str | None = None
    end_date: str | None = None


class CreditRecordOut(BaseModel):
    record_id: str
    kind: str | None = None
    authority: str | None = None
    document_no: str | None = None
    decided_on: str | None = None
    expires_on: str | None = None
    amount_yuan: float | None = None
    summary: str | None = None
    grounded: bool = Field(description="rests on a legally effective document with a number")
    link_decision: str | None = Field(
        None, description="auto_link or review when resolved from a masked code"
    )
    link_score: float | None = None
    link_evidence: str | None = Field(
        None, description="the matcher's evidence for a resolved link (log2 Bayes factor per comparison)"
    )


class SharedContactOut(BaseModel):
    """Another subject registered at the same address or phone (a classic shell-company tell)."""

    via: str = Field(description="address or phone")
    via_key: str
    other: EntityRef


class EntityProfile(BaseModel):
    type: str
    id: str
    name: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    roles: list[RoleLink] = Field(default_factory=list)
    records: list[CreditRecordOut] = Field(default_factory=list)
    shared_contacts: list[SharedContactOut] = Field(default_factory=list)
