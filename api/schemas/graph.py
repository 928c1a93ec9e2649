"""Neighbourhood and path shapes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Step


class AssociateOut(BaseModel):
    """An entity within k hops, how it is reached (roles and shares on each step), and its risk."""

    type: str
    id: str
    name: str | None = None
    depth: int
    path: list[Step]
    risk: float | None = Field(
        default=None, description="the associate's risk score when asked for (with_risk)"
    )


class PathOut(BaseModel):
    length: int
    steps: list[Step]


class PathsOut(BaseModel):
    source: str
    target: str
    max_depth: int
    paths: list[PathOut]
