"""Entity search, profile and neighbourhood (investigators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import InvestigatorDep, QueueDep, SettingsDep, StoreDep
from api.schemas.common import Page
from api.schemas.disputes import DisputeIn, DisputeOut
from api.schemas.entities import EntityProfile, SearchHit
from api.schemas.graph import AssociateOut
from api.services import entities as svc
from api.services.disputes import dispute_record_link
from graph.model import ROLE_RELS
from ingest.records import Role

router = APIRouter(prefix="/entities", tags=["entities"])

Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000)]


@router.get("/search", response_model=Page[SearchHit])
def search_entities(
    caller: InvestigatorDep,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, alias, trade name or code")],
    limit: Limit = 20,
    offset: Offset = 0,
):
    """Firms and people by name, former or trade name, or code; fuzzy, best match first."""
    page = svc.search(store, q, limit, offset, settings.max_results)
    return caller.respond(page)


@router.get("/{entity_id}", response_model=EntityProfile)
def get_entity(caller: InvestigatorDep, store: StoreDep, settings: SettingsDep, entity_id: str):
    """A firm (by USCC) or person (by resident ID): attributes, roles, credit records."""
    prof = svc.profile(store, entity_id, settings.max_results)
    return caller.respond(prof, prof.id)


@router.get("/{entity_id}/associates", response_model=Page[AssociateOut])
def get_associates(
    caller: InvestigatorDep,
    store: StoreDep,
    settings: SettingsDep,
    entity_id: str,
    depth: Annotated[int, Query(ge=1, le=3, description="hops, 1..3")] = 1,
    roles: Annotated[list[Role] | None, Query(description="roles to follow (default all)")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    with_risk: Annotated[bool, Query(description="add each associate's risk score")] = False,
):
    """Who is related within `depth` hops, and how: the path with roles and shares."""
    depth = min(depth, settings.max_depth)
    rels = {ROLE_RELS[r] for r in roles} if roles else None
    offset = min(offset, max(settings.max_results - limit, 0))
    _, key, page = svc.associates(store, entity_id, depth, rels, limit, offset, with_risk)
    return caller.respond(page, key)


@router.post("/{entity_id}/records/{record_id}/dispute", response_model=DisputeOut, status_code=201)
def dispute_record(
    caller: InvestigatorDep, store: StoreDep, queue: QueueDep, entity_id: str, record_id: str, body: DisputeIn
):
    """Say a resolved credit record is not this subject's: the link goes first in the stewards'
    queue with your comment; only a steward's verdict unlinks it."""
    out = dispute_record_link(store, queue, entity_id, record_id, caller.principal.name, body.comment)
    caller.decided([out.entity_id, record_id], item_id=out.item_id, dispute=out.dispute_id)
    response = caller.respond(out, out.entity_id)
    response.status_code = 201
    return response
