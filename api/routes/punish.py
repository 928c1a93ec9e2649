"""Joint punishment and the regional map: JSON routes and their pages (thin: parse, authorise, call
api.services.punish, show).

Roles (api.security's closed set, nothing added): investigators and admins read alerts, tasks,
rates and the map, and run alerts (which issues tasks). A department works through a `service` key
whose name is its department code (`credgraph keys create --name market_regulation --role service`):
it sees and closes its own department's tasks only. Admins close any task.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import AuditDep, Caller, KeyRingDep, ResolverDep, SettingsDep, StoreDep, require
from api.routes.pages import _caller, templates
from api.schemas.punish import (
    AlertsOut,
    CloseIn,
    FeedbackIn,
    FeedbackOut,
    MapOut,
    RatesOut,
    RegionDetailOut,
    RescoredOut,
    TaskOut,
    TasksOut,
    TierChangeOut,
)
from api.security import Principal, Role
from api.services import punish as svc
from graph.task_store import TaskClosedError, TaskStore

router = APIRouter(tags=["punishment"])
pages = APIRouter(prefix="/ui", include_in_schema=False)

AsOf = Annotated[date | None, Query(description="YYYY-MM-DD; default: today")]
ReaderDep = Annotated[Caller, Depends(require(Role.INVESTIGATOR))]
DeptDep = Annotated[Caller, Depends(require(Role.INVESTIGATOR, Role.SERVICE))]


def get_tasks(request: Request) -> TaskStore:
    """The task table (api.services.punish.punish_db), opened on first use and kept on the app."""
    state = request.app.state
    if getattr(state, "punish_tasks", None) is None:
        state.punish_tasks = svc.open_tasks(state.settings)
    return state.punish_tasks


TasksDep = Annotated[TaskStore, Depends(get_tasks)]


def _day(as_of: date | None) -> date:
    return as_of or date.today()


def _own_department(principal: Principal, department: str | None) -> str | None:
    """A department (service) caller is held to its own department; others filter as asked."""
    if principal.role == Role.SERVICE:
        if department not in (None, principal.name):
            raise HTTPException(403, f"{principal.name!r} sees only its own department's tasks")
        return principal.name
    return department


def _may_close(principal: Principal, task: Any) -> bool:
    return principal.role == Role.ADMIN or (
        principal.role == Role.SERVICE and principal.name == task.department
    )


def _close(principal: Principal, tasks: TaskStore, task_id: str, feedback: str) -> TaskOut:
    view = tasks.get(task_id, date.today())
    if not _may_close(principal, view.task):
        raise HTTPException(403, f"only {view.task.department!r} or an admin closes this task")
    try:
        return svc.task_out(tasks.close(task_id, principal.name, feedback))
    except TaskClosedError as exc:
        raise HTTPException(409, str(exc)) from exc


@router.get("/punish/alerts", response_model=AlertsOut)
def get_alerts(caller: ReaderDep, store: StoreDep, settings: SettingsDep, as_of: AsOf = None):
    """Who is to be punished on the day: listed subjects and the firms their roles reach, each with
    the listing's document number and the path. Issues nothing."""
    day = _day(as_of)
    found = svc.alerts(store, settings, day)
    return caller.respond(AlertsOut(as_of=day, alerts=[svc.alert_out(a) for a in found]))


@router.post("/punish/alerts", response_model=AlertsOut)
def post_alerts(
    caller: ReaderDep, store: StoreDep, settings: SettingsDep, tasks: TasksDep, as_of: AsOf = None
):
    """Run the alerts and issue their tasks (once per listing, target and measure)."""
    day = _day(as_of)
    found, new = svc.issue(store, tasks, settings, day, caller.principal.name)
    caller.decided(sorted({a.target_key for a in found}), step="punish-alerts", new_tasks=new)
    out = AlertsOut(as_of=day, alerts=[svc.alert_out(a) for a in found], tasks_new=new,
                    tasks_total=len(tasks.tasks(day)))
    return caller.respond(out)


@router.get("/punish/tasks", response_model=TasksOut)
def get_tasks_route(
    caller: DeptDep,
    tasks: TasksDep,
    as_of: AsOf = None,
    department: str | None = None,
    district: str | None = None,
    status: Annotated[str | None, Query(pattern="^(open|done|overdue)$")] = None,
):
    """Tasks with their status on the day; a department key sees its own department's only."""
    day = _day(as_of)
    dept = _own_department(caller.principal, department)
    views = tasks.tasks(day, dept, district, status)
    return caller.respond(TasksOut(on=day, tasks=[svc.task_out(v) for v in views]))


@router.post("/punish/tasks/{task_id}/close", response_model=TaskOut)
def close_task(caller: DeptDep, tasks: TasksDep, task_id: str, body: CloseIn):
    """The responsible department (its service key) or an admin records the task as carried out."""
    out = _close(caller.principal, tasks, task_id, body.feedback)
    caller.decided([out.target_id], step="punish-close", task_id=task_id)
    return caller.respond(out)


@router.get("/punish/rates", response_model=RatesOut)
def get_rates(
    caller: ReaderDep,
    tasks: TasksDep,
    as_of: AsOf = None,
    by: Annotated[str, Query(pattern="^(district|department)$")] = "district",
):
    """信用惩戒执行率 per district or department: tasks done on time / tasks due."""
    day = _day(as_of)
    return caller.respond(RatesOut(on=day, by=by, rates=svc.rates(tasks, by, day)))


@router.get("/map/regions", response_model=MapOut)
def get_map(caller: ReaderDep, store: StoreDep, settings: SettingsDep, tasks: TasksDep, as_of: AsOf = None):
    """Per county-level division of Zhejiang: firms, high-risk share, listed share and its trend,
    open tasks."""
    return caller.respond(svc.region_map(store, tasks, settings, _day(as_of)))


@router.get("/map/regions/{code}", response_model=RegionDetailOut)
def get_region(caller: ReaderDep, store: StoreDep, tasks: TasksDep, code: str, as_of: AsOf = None):
    """A county's riskiest firms and its open tasks."""
    return caller.respond(svc.region_detail(store, tasks, code, _day(as_of)))


def get_rescore(request: Request) -> Any:
    """How feedback rescores: a factory (store, settings, as_of) -> rescore callable; the model's
    (api.services.feedback.model_rescore) unless a test swaps it."""
    from api.services.feedback import model_rescore

    return model_rescore


@router.post("/feedback/inspections", response_model=FeedbackOut)
def post_inspections(
    caller: ReaderDep,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    rescore: Annotated[Any, Depends(get_rescore)],
    body: FeedbackIn,
    as_of: AsOf = None,
):
    """Inspection results (events.jsonl lines, source=inspection) read through the ingest reader,
    resolved and loaded; their subjects and neighbours rescored; tier changes logged."""
    import tempfile

    from api.services.feedback import apply_inspections
    from graph.feedback import FeedbackLog

    day = _day(as_of)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        path.write_text(body.events_jsonl, encoding="utf-8")
        report = apply_inspections(path, store, resolver, rescore(store, settings, day),
                                   FeedbackLog(svc.punish_db(settings)), day, settings.tier_thresholds,
                                   body.depth)
    caller.decided([sid for _, sid, _, _ in report.scores], step="inspection-feedback")
    out = FeedbackOut(
        as_of=day, events=report.events, quarantined=report.quarantined, outcomes=report.outcomes,
        rescored=[
            RescoredOut(subject_type=t, subject_id=i, before=b, after=a) for t, i, b, a in report.scores
        ],
        tier_changes=[TierChangeOut(**{f: getattr(c, f) for f in TierChangeOut.model_fields})
                      for c in report.changes],
    )
    return caller.respond(out)


# --- pages -----------------------------------------------------------------------------------
_PAGE_ROLES = {Role.INVESTIGATOR, Role.ADMIN, Role.SERVICE}


def _punish_context(caller: Caller, tasks: TaskStore, day: date, status: str | None) -> dict[str, Any]:
    p = caller.principal
    dept = p.name if p.role == Role.SERVICE else None
    views = tasks.tasks(day, dept, None, status or None)
    ctx: dict[str, Any] = {
        "principal": p, "on": day, "status": status or "",
        "tasks": [caller.view(svc.task_out(v)) for v in views],
        "can_close": {v.task.task_id for v in views if _may_close(p, v.task) and v.status != "done"},
        "rates": {}, "department": dept,
    }
    if p.role != Role.SERVICE:
        ctx["rates"] = {by: svc.rates(tasks, by, day) for by in ("district", "department")}
    return ctx


@pages.get("/punish", response_class=HTMLResponse)
def punish_page(
    request: Request, keyring: KeyRingDep, audit: AuditDep, tasks: TasksDep,
    as_of: AsOf = None, status: str | None = None,
) -> Response:
    caller = _caller(request, keyring, audit, _PAGE_ROLES)
    if isinstance(caller, Response):
        return caller
    ctx = _punish_context(caller, tasks, _day(as_of), status)
    name = "_punish_tasks.html" if request.headers.get("HX-Request") else "punish.html"
    return templates.TemplateResponse(request, name, ctx)


@pages.post("/punish/alerts", response_class=HTMLResponse)
def punish_run_alerts(
    request: Request, keyring: KeyRingDep, audit: AuditDep, store: StoreDep, settings: SettingsDep,
    tasks: TasksDep, as_of: Annotated[date | None, Form()] = None,
) -> Response:
    """Run the alerts from the page (investigators, admins) and show the tasks again."""
    caller = _caller(request, keyring, audit, {Role.INVESTIGATOR, Role.ADMIN})
    if isinstance(caller, Response):
        return caller
    day = _day(as_of)
    found, new = svc.issue(store, tasks, settings, day, caller.principal.name)
    caller.decided(sorted({a.target_key for a in found}), step="punish-alerts", new_tasks=new)
    ctx = _punish_context(caller, tasks, day, None) | {"issued": (len(found), new)}
    return templates.TemplateResponse(request, "_punish_tasks.html", ctx)


@pages.post("/punish/tasks/{task_id}/close", response_class=HTMLResponse)
def punish_close_form(
    request: Request, keyring: KeyRingDep, audit: AuditDep, tasks: TasksDep, task_id: str,
    feedback: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    caller = _caller(request, keyring, audit, _PAGE_ROLES)
    if isinstance(caller, Response):
        return caller
    out = _close(caller.principal, tasks, task_id, feedback)
    caller.decided([out.target_id], step="punish-close", task_id=task_id)
    return templates.TemplateResponse(
        request, "_punish_tasks.html", _punish_context(caller, tasks, date.today(), None)
    )


@pages.get("/map/panel", response_class=HTMLResponse)
def map_panel(request: Request, keyring: KeyRingDep, audit: AuditDep, as_of: AsOf = None) -> Response:
    """The regional e-map panel of the investigator page (its data comes from /map/regions)."""
    caller = _caller(request, keyring, audit, {Role.INVESTIGATOR, Role.ADMIN})
    if isinstance(caller, Response):
        return caller
    day = _day(as_of)
    return templates.TemplateResponse(request, "_map.html", {"as_of": day.isoformat()})

