"""Free text in, candidate entities with score, decision and evidence out.

Looking a person up from free text (a phone, a name and a village) is what only roles entitled to
unmasked identities may do (api.security.UNMASKED_ROLES: investigator, admin). Other roles admitted
here (service, steward) get the firm candidates only, masked like every response to them, and the
number of person candidates withheld; they cannot find who is behind a phone number.
"""

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
    if not caller.principal.unmasked:
        firms = [c for c in out.candidates if c.entity_type == "firm"]
        out = ResolveOut(candidates=firms, withheld_people=len(out.candidates) - len(firms))
    return caller.respond(out)
