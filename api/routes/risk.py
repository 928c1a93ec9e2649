"""Risk reads (investigators unmasked, services masked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field, StringConstraints

from api.deps import RiskReaderDep, StoreDep
from api.schemas.risk import RiskBatchIn, RiskBatchOut, RiskOut
from api.services import risk as svc

router = APIRouter(tags=["risk"])

# Each id costs several store round trips: a batch is bounded in count, and an id in length (a USCC
# or resident ID has 18 characters; room is left for spaces and full-width forms).
MAX_BATCH_IDS = 100
MAX_ID_LENGTH = 40
EntityId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]


class BoundedRiskBatchIn(RiskBatchIn):
    ids: list[EntityId] = Field(  # type: ignore[assignment]
        min_length=1, max_length=MAX_BATCH_IDS, description=f"up to {MAX_BATCH_IDS} USCCs and/or resident IDs"
    )


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
def post_risk_batch(caller: RiskReaderDep, store: StoreDep, body: BoundedRiskBatchIn):
    """Scores for up to 100 ids (each at most 40 characters) at once; unknown ids come back in `missing`."""
    out = svc.risk_batch(store, body.ids)
    return caller.respond(out)
