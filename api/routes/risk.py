"""Risk reads (investigators unmasked, services masked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import RiskReaderDep, StoreDep
from api.schemas.risk import RiskBatchIn, RiskBatchOut, RiskOut
from api.services import risk as svc

router = APIRouter(tags=["risk"])


@router.get("/entities/{entity_id}/risk", response_model=RiskOut)
def get_risk(
    caller: RiskReaderDep,
    store: StoreDep,
    entity_id: str,
    names: Annotated[bool, Query(description="add related parties' registered names to reasons")] = False,
):
    """Score, own vs related risk, reasons (grounded or soft signal, with paths), model version."""
    out = svc.risk_of(store, entity_id, with_names=names)
    return caller.respond(out, out.subject_id)


@router.post("/risk/batch", response_model=RiskBatchOut)
def post_risk_batch(caller: RiskReaderDep, store: StoreDep, body: RiskBatchIn):
    """Scores for up to 500 ids at once; unknown ids come back in `missing`."""
    out = svc.risk_batch(store, body.ids)
    return caller.respond(out)
