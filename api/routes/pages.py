"""Server-rendered pages for stewards and investigators (Jinja2 + htmx, no build step).

Pages use the same keys as the API: the login form checks a key (rate-limited per address) and
sets a session cookie that holds no key: signed with the token secret, expiring
(Settings.session_ttl_s), HttpOnly, SameSite=Lax, Secure when the request came over https. The
JSON routes also accept it, so the graph's fetches need no token.
Pages call the same services as the JSON routes and are audited and masked the same way.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import COOKIE_NAME, AuditDep, Caller, KeyRingDep, QueueDep, SettingsDep, StoreDep
from api.limits import auth_attempt
from api.schemas.review import Verdict
from api.security import Principal, Role
from api.services import entities as ent_svc
from api.services import resolution as res_svc
from api.services import risk as risk_svc
from api.services.disputes import dispute_record_link
from ingest.errors import ConflictError, NotFoundError

router = APIRouter(prefix="/ui", include_in_schema=False)
root = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))

_STEWARD = {Role.STEWARD, Role.ADMIN}
_INVESTIGATOR = {Role.INVESTIGATOR, Role.ADMIN}


def _caller(request: Request, keyring: Any, audit: Any, roles: set[Role]) -> Caller | Response:
    """The page's caller, or the response to send instead (login redirect or a 403 page)."""
    cookie = request.cookies.get(COOKIE_NAME)
    principal: Principal | None = keyring.by_session(cookie) if cookie else None
    if principal is None:
        return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)
    if principal.role not in roles:
        return templates.TemplateResponse(
            request, "forbidden.html", {"principal": principal}, status_code=403
        )
    return Caller(principal, request, audit)


@root.get("/")
def site_root() -> Response:
    """`/` leads to the pages (the API lives under its own paths, described at /openapi.json)."""
    return RedirectResponse("/ui/", status_code=307)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: SettingsDep, next: str = "/ui/") -> Response:
    hours = f"{settings.session_ttl_s / 3600:g}"
    return templates.TemplateResponse(request, "login.html", {"next": next, "error": None, "hours": hours})


@router.post("/login")
def login(
    request: Request,
    keyring: KeyRingDep,
    settings: SettingsDep,
    key: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/ui/",
) -> Response:
    wait = auth_attempt(request)
    if wait:
        secs = max(1, int(wait + 0.999))
        page = templates.TemplateResponse(
            request, "login.html",
            {"next": next, "error": f"Too many attempts from this address: try again in {secs} s"},
            status_code=429,
        )
        page.headers["Retry-After"] = str(secs)
        return page
    principal = keyring.by_key(key)
    if principal is None:
        return templates.TemplateResponse(
            request, "login.html", {"next": next, "error": "Unknown key"}, status_code=401
        )
    target = next if next.startswith("/ui/") else "/ui/"
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(
        COOKIE_NAME,
        keyring.issue_session(principal, key, settings.session_ttl_s),
        max_age=settings.session_ttl_s,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return resp


@router.post("/logout")
def logout() -> Response:
    resp = RedirectResponse("/ui/login", status_code=303)
    resp.delete_cookie(COOKIE_NAME, path="/")
    return resp


@router.get("/")
def home(request: Request, keyring: KeyRingDep, audit: AuditDep) -> Response:
    caller = _caller(request, keyring, audit, set(Role))
    if isinstance(caller, Response):
        return caller
    return RedirectResponse(
        "/ui/review" if caller.principal.role == Role.STEWARD else "/ui/investigate", status_code=303
    )


# --- steward review --------------------------------------------------------------------------


def _review_context(
    caller: Caller, queue: Any, store: Any, settings: Any, skip: str = "", done: Any = None
) -> dict[str, Any]:
    ids = {x for x in skip.split(",") if x.strip()}
    return res_svc.review_context(caller, queue, store, settings, ids, done)


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    keyring: KeyRingDep,
    audit: AuditDep,
    queue: QueueDep,
    store: StoreDep,
    settings: SettingsDep,
    skip: str = "",
) -> Response:
    caller = _caller(request, keyring, audit, _STEWARD)
    if isinstance(caller, Response):
        return caller
    ctx = _review_context(caller, queue, store, settings, skip)
    name = "_review_item.html" if request.headers.get("HX-Request") else "review.html"
    return templates.TemplateResponse(request, name, ctx)


@router.post("/review/{item_id}/decision", response_class=HTMLResponse)
def review_decide(
    request: Request,
    keyring: KeyRingDep,
    audit: AuditDep,
    queue: QueueDep,
    store: StoreDep,
    settings: SettingsDep,
    item_id: str,
    verdict: Annotated[Verdict, Form()],
    comment: Annotated[str | None, Form(max_length=1000)] = None,
    skip: Annotated[str, Form()] = "",
) -> Response:
    caller = _caller(request, keyring, audit, _STEWARD)
    if isinstance(caller, Response):
        return caller
    out, item = res_svc.decide(queue, item_id, verdict, caller.principal.name, comment or None, "page")
    caller.decided([item.entity_id, item.record_id or ""], item_id=out.item_id, verdict=verdict.value)
    res_svc.apply_verdict(queue, store, request.app.state.resolver, item.source or "", item.record_id or "")
    if request.headers.get("HX-Request"):
        return templates.TemplateResponse(
            request, "_review_item.html", _review_context(caller, queue, store, settings, skip, (out, item))
        )
    return RedirectResponse("/ui/review", status_code=303)


# --- investigator --------------------------------------------------------------------------


@router.get("/investigate", response_class=HTMLResponse)
def investigate_page(
    request: Request,
    keyring: KeyRingDep,
    audit: AuditDep,
    store: StoreDep,
    settings: SettingsDep,
    id: str | None = None,
) -> Response:
    caller = _caller(request, keyring, audit, _INVESTIGATOR)
    if isinstance(caller, Response):
        return caller
    ctx: dict[str, Any] = {"principal": caller.principal, "subject": None}
    if id:
        ctx.update(_subject_context(caller, store, settings, id))
    return templates.TemplateResponse(request, "investigate.html", ctx)


@router.get("/search", response_class=HTMLResponse)
def search_partial(
    request: Request,
    keyring: KeyRingDep,
    audit: AuditDep,
    store: StoreDep,
    settings: SettingsDep,
    q: str = "",
) -> Response:
    caller = _caller(request, keyring, audit, _INVESTIGATOR)
    if isinstance(caller, Response):
        return caller
    hits: list[dict[str, Any]] = []
    if q.strip():
        page = ent_svc.search(store, q[:100], 20, 0, settings.max_results)
        hits = caller.view(page)["items"]
    return templates.TemplateResponse(request, "_search_results.html", {"hits": hits, "q": q})


def _subject_context(caller: Caller, store: Any, settings: Any, raw_id: str) -> dict[str, Any]:
    try:
        prof = ent_svc.profile(store, raw_id, settings.max_results)
    except NotFoundError:
        return {"subject": None, "missing": raw_id}
    subject = caller.view(prof, prof.id)
    try:
        risk = risk_svc.risk_of(store, prof.id, with_names=True)
        risk_view = caller.view(risk)
    except NotFoundError:
        risk_view = None
    return {"subject": subject, "risk": risk_view}


@router.get("/subject/{entity_id}", response_class=HTMLResponse)
def subject_partial(
    request: Request,
    keyring: KeyRingDep,
    audit: AuditDep,
    store: StoreDep,
    settings: SettingsDep,
    entity_id: str,
) -> Response:
    caller = _caller(request, keyring, audit, _INVESTIGATOR)
    if isinstance(caller, Response):
        return caller
    ctx = _subject_context(caller, store, settings, entity_id)
    return templates.TemplateResponse(request, "_subject.html", ctx)


@router.post("/subject/{entity_id}/records/{record_id}/dispute", response_class=HTMLResponse)
def subject_record_dispute(
    request: Request,
    keyring: KeyRingDep,
    audit: AuditDep,
    store: StoreDep,
    queue: QueueDep,
    entity_id: str,
    record_id: str,
    comment: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """The 'not this subject' form beside a resolved record: queued first for the stewards."""
    caller = _caller(request, keyring, audit, _INVESTIGATOR)
    if isinstance(caller, Response):
        return caller
    comment = comment.strip()
    if not comment:
        return HTMLResponse('<span class="dispute-refused">say why: a dispute needs a reason</span>')
    try:
        out = dispute_record_link(store, queue, entity_id, record_id, caller.principal.name, comment)
    except (ConflictError, NotFoundError) as exc:
        # 200 so htmx swaps the message in where the form was (it leaves 4xx answers unswapped)
        return HTMLResponse(f'<span class="dispute-refused">{escape(str(exc))}</span>')
    caller.decided([out.entity_id, record_id], item_id=out.item_id, dispute=out.dispute_id)
    return HTMLResponse(
        f'<span class="disputed" data-item="{out.item_id}">Sent to the stewards, first in their queue '
        f"(review item {out.item_id}); the link stays until a steward decides.</span>"
    )
