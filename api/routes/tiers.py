"""Credit tiers: JSON routes and the investigator page's tier parts (thin: parse, authorise, call
api.services.tiers, show).

Roles as for risk reads: investigators (unmasked) and services (masked: resident IDs in any field or
reason text come back starred) read tiers; only an admin records the store's tiers into the history.
The page parts are the investigator page's, for investigators and admins.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import AdminDep, AuditDep, KeyRingDep, RiskReaderDep, SettingsDep, StoreDep
from api.routes.pages import _caller, templates
from api.schemas.tiers import DeclinedOut, RecordOut, SubjectTierOut, TiersOut
from api.security import Role
from api.services import tiers as svc
from ingest.errors import NotFoundError

router = APIRouter(tags=["tiers"])
pages = APIRouter(prefix="/ui", include_in_schema=False)

Tier = Annotated[Literal["A", "B", "C", "D"] | None, Query(description="one tier only")]
Region = Annotated[str | None, Query(pattern=r"^\d{2,6}$", description="division code or its prefix (firms)")]
SubjectType = Annotated[Literal["firm", "person"] | None, Query()]
Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0)]


def get_history(request: Request) -> svc.TierHistory:
    """The tier history (tier log + feedback log), opened on first use and kept on the app."""
    state = request.app.state
    if getattr(state, "tier_history", None) is None:
        state.tier_history = svc.TierHistory(state.settings)
    return state.tier_history  # type: ignore[no-any-return]


@router.get("/tiers", response_model=TiersOut)
def get_tiers(
    caller: RiskReaderDep, store: StoreDep, settings: SettingsDep, region: Region = None,
    subject_type: SubjectType = None, tier: Tier = None, limit: Limit = 50, offset: Offset = 0,
):
    """Credit tiers A-D: the mix of the subjects in a region (and of a type), and a page of one tier's
    subjects, riskiest first."""
    return caller.respond(svc.distribution(store, settings, region, subject_type, tier, limit, offset))


@router.get("/tiers/declined", response_model=DeclinedOut)
def get_declined(
    caller: RiskReaderDep, request: Request, store: StoreDep, settings: SettingsDep, region: Region = None,
    limit: Limit = 50, offset: Offset = 0,
):
    """Declined -> key supervision: subjects whose latest recorded tier change is a decline."""
    out = svc.declined(store, settings, get_history(request), region, limit, offset)
    return caller.respond(out)


@router.post("/tiers/record", response_model=RecordOut)
def post_record(
    caller: AdminDep, request: Request, store: StoreDep, settings: SettingsDep,
    source: Annotated[Literal["run", "rescore"], Query()] = "run",
    run: Annotated[str | None, Query(max_length=128, description="default: the as-of date")] = None,
    as_of: Annotated[date | None, Query(description="YYYY-MM-DD; default: today")] = None,
):
    """Record the store's current tiers into the history (after a scoring run or a rescore); the
    same run recorded again adds nothing."""
    day = as_of or date.today()
    out = svc.record(store, settings, get_history(request), day, source, run or day.isoformat())
    caller.decided([], step="tiers-record", source=source, changes=out.changes)
    return caller.respond(out)


@router.get("/entities/{entity_id}/tier", response_model=SubjectTierOut, tags=["tiers"])
def get_subject_tier(
    caller: RiskReaderDep, request: Request, store: StoreDep, settings: SettingsDep, entity_id: str
):
    """A subject's tier, its breakdown by dimension (business, compliance, social responsibility,
    related parties) and its tier history with the date, reason and source of each change."""
    out = svc.subject_tier(store, settings, get_history(request), entity_id)
    return caller.respond(out, out.subject_id)


# --- the investigator page's parts -------------------------------------------------------------
_PAGE_ROLES = {Role.INVESTIGATOR, Role.ADMIN}


@pages.get("/tiers/subject/{entity_id}", response_class=HTMLResponse)
def subject_tier_part(
    request: Request, keyring: KeyRingDep, audit: AuditDep, store: StoreDep, settings: SettingsDep,
    entity_id: str,
) -> Response:
    """The subject panel's tier badge, breakdown and history."""
    caller = _caller(request, keyring, audit, _PAGE_ROLES)
    if isinstance(caller, Response):
        return caller
    try:
        tier = caller.view(svc.subject_tier(store, settings, get_history(request), entity_id), entity_id)
    except NotFoundError:
        tier = None
    return templates.TemplateResponse(request, "_tier.html", {"tier": tier})


@pages.get("/tiers/panel", response_class=HTMLResponse)
def tiers_panel(
    request: Request, keyring: KeyRingDep, audit: AuditDep, store: StoreDep, settings: SettingsDep,
    region: Region = None,
) -> Response:
    """The tier-distribution panel: the mix (drawn by tiers.js) and the newest key-supervision entries."""
    caller = _caller(request, keyring, audit, _PAGE_ROLES)
    if isinstance(caller, Response):
        return caller
    mix = caller.view(svc.distribution(store, settings, region, None, None, 1, 0))
    down = caller.view(svc.declined(store, settings, get_history(request), region, 10, 0))
    return templates.TemplateResponse(request, "_tiers_panel.html", {"mix": mix, "declined": down})


router.include_router(pages)
