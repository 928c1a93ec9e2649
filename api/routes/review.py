"""The data stewards' review queue: pending candidates in active-learning order, decisions, undo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import QueueDep, SettingsDep, StewardDep, StoreDep
from api.schemas.common import Page
from api.schemas.review import DecisionIn, DecisionOut, ReviewItemOut, UndoOut
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
    """Pending items, the ones whose verdict teaches the matcher most first (uncertainty spread
    over comparison patterns, near-misses included), each with its candidate's profile."""
    total = int(queue.count_pending())
    chosen = svc.active_order(queue, offset + limit, svc.active_config(settings))[offset:]
    items = [svc.item_out(i, store, settings.max_results) for i in chosen]
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
def post_decision(caller: StewardDep, queue: QueueDep, store: StoreDep, request: Request, item_id: str,
                  body: DecisionIn):
    """Match / no match / unsure with a comment: stored (durable) first, audited, then applied: a
    match links in the graph at once; every verdict holds in every later run and retrain."""
    out, item = svc.decide(queue, item_id, body.verdict, caller.principal.name, body.comment)
    caller.decided([item.entity_id, item.record_id or ""], item_id=out.item_id, verdict=body.verdict.value)
    svc.apply_verdict(queue, store, request.app.state.resolver, item.source or "", item.record_id or "")
    return out


@router.post("/{item_id}/undo", response_model=UndoOut)
def post_undo(caller: StewardDep, queue: QueueDep, store: StoreDep, request: Request, item_id: str):
    """Withdraw the latest verdict on this item's pair (logged as a retraction); it is pending again."""
    out, item = svc.undo(queue, item_id, caller.principal.name)
    caller.decided([item.entity_id, item.record_id], item_id=out.item_id, verdict="retracted")
    svc.apply_verdict(queue, store, request.app.state.resolver, item.source, item.record_id)
    return out
