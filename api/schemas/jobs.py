"""Background job shapes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class JobOut(BaseModel):
    id: str
    kind: str
    status: str
    requested_by: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


class HealthOut(BaseModel):
    status: str
    detail: dict[str, Any] | None = None


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str


class RetrainKind(StrEnum):
    ALL = "all"  # the matcher, then the risk model
    MATCHER = "matcher"
    RISK = "risk"


class RetrainIn(BaseModel):
    kind: RetrainKind = RetrainKind.ALL


class IngestIn(BaseModel):
    """A daily increment on the server: its folder, the state folder of the served graph, and the
    base data directory the first time (see api.services.increment_state)."""

    folder: str
    state: str
    base: str | None = None
    as_of: date | None = None
