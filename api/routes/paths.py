"""Shortest affiliation paths between two subjects (investigators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import InvestigatorDep, StoreDep
from api.schemas.graph import PathsOut
from api.services import entities as svc

router = APIRouter(tags=["entities"])


@router.get("/paths", response_model=PathsOut)
def get_paths(
    caller: InvestigatorDep,
    store: StoreDep,
    source: Annotated[str, Query(alias="from", description="USCC or resident ID")],
    target: Annotated[str, Query(alias="to", description="USCC or resident ID")],
    max_depth: Annotated[int, Query(ge=1, le=6)] = 4,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
):
    """The shortest paths through affiliations, each step with its role and share."""
    out = svc.paths(store, source, target, max_depth, limit)
    return caller.respond(out, out.source, out.target)
