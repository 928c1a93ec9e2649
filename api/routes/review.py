"""The data stewards' review queue: list pending candidates, record decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import QueueDep, SettingsDep, StewardDep, StoreDep
from api.schemas.common import Page
from api.schemas.review import DecisionIn, DecisionOut, ReviewItemOut
from api.services import resolution as svc

router = APIRouter(prefix="/review", tags=["review"])


@router.get("/queue", response_model=Page[ReviewItemOut])
def get_queue(
    caller: StewardDep,
    queue: QueueDep,
    store: StoreDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Pending items, most informative first, each with its candidate's profile and evidence."""
    total = int(queue.count_pending())
    items = [svc.item_out(i, store, settings.max_results) for i in queue.pending(limit=limit, offset=offset)]
    page = Page[ReviewItemOut](
        items=items,
        limit=limit,
        offset=offset,
        total=total,
        next_offset=offset + limit if offset + limit < total else None,
    )
    return caller.respond(page)


@router.get("/{item_id}", response_model=ReviewItemOut)
def get_item(caller: StewardDep, queue: QueueDep, store: StoreDep, settings: SettingsDep, item_id: str):
    out = svc.item_out(svc.get_item(queue, item_id), store, settings.max_results)
    return caller.respond(out, out.entity_id)


@router.post("/{item_id}/decision", response_model=DecisionOut)
def post_decision(caller: StewardDep, queue: QueueDep, item_id: str, body: DecisionIn):
    """Match / no match / unsure with a comment; stored, audited, honoured by the next run."""
    out, item = svc.decide(queue, item_id, body.verdict, caller.principal.name, body.comment)
    caller.decided([item.entity_id, item.record_id or ""], item_id=out.item_id, verdict=body.verdict.value)
    return out
