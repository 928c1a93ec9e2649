"""Free text in, candidate entities with score, decision and evidence out."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ResolveCallerDep, ResolverDep
from api.schemas.resolve import ResolveIn, ResolveOut
from api.services import resolution as svc

router = APIRouter(tags=["resolution"])


@router.post("/resolve", response_model=ResolveOut)
def post_resolve(caller: ResolveCallerDep, resolver: ResolverDep, body: ResolveIn):
    """Resolve one subject-less record (e.g. a hotline text) to registered firms and people, with
    the matcher of the run that loaded the graph (the promoted one when there is one)."""
    out = svc.resolve_text(resolver, body.text, body.region_code, body.location)
    return caller.respond(out)
