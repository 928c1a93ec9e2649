"""Shapes shared by several routes: entity references and pages of results."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class EntityRef(BaseModel):
    """A node named by its type and natural key (USCC, resident ID, address text, ...)."""

    type: str = Field(description="firm, person, address, phone, credit_record or event")
    id: str
    name: str | None = None


class Page(BaseModel, Generic[T]):
    """One page of a list; `next_offset` is null on the last page."""

    items: list[T]
    limit: int
    offset: int
    next_offset: int | None = None
    total: int | None = Field(default=None, description="total when cheaply known; capped by max_results")


class Step(BaseModel):
    """One hop as stored: (src)-[rel]->(dst), with the share for shareholdings."""

    src: str
    rel: str
    dst: str
    share_pct: float | None = None
