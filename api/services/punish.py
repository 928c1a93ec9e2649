"""Joint punishment and the regional map for the CLI, the routes and the pages: calls graph/ only.

The logic lives in graph.sanctions (alerts), graph.sanction_tasks (tasks, rates), graph.task_store
(the task table) and graph.region_map (the map's numbers); this module turns settings into their
configs and their results into the API's models.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from api.schemas.punish import (
    AlertOut,
    MapOut,
    RateOut,
    RegionDetailOut,
    RegionOut,
    RegionSubject,
    TaskOut,
)
from api.settings import Settings
from graph.region_map import PUNITIVE, county_code, region_stats, riskiest
from graph.sanction_tasks import execution_rates, load_measures, tasks_for
from graph.sanctions import Alert, SanctionConfig, grounds, store_alerts
from graph.task_store import TaskStore, TaskView

_LABEL_TYPES = {"Firm": "firm", "Person": "person"}
BOUNDARIES = Path(__file__).resolve().parent.parent / "static" / "zhejiang-counties.json"
RATE_GROUPS = {"district": "region_code", "department": "department"}


def sanction_config(settings: Settings) -> SanctionConfig:
    return SanctionConfig(min_share_pct=settings.punish_min_share_pct)


def punish_db(settings: Settings) -> str:
    """The database of punishment tasks and the feedback log: its own URL, else the review queue's."""
    return settings.punish_db_url or settings.review_db_url


def open_tasks(settings: Settings) -> TaskStore:
    return TaskStore(punish_db(settings))


def alert_out(a: Alert) -> AlertOut:
    return AlertOut(
        record_id=a.record_id, kind=a.kind, document_no=a.document_no, authority=a.authority,
        decided_on=a.decided_on, listed_type=_LABEL_TYPES[a.listed_label], listed_id=a.listed_key,
        listed_name=a.listed_name, relation=a.relation, target_type=_LABEL_TYPES[a.target_label],
        target_id=a.target_key, target_name=a.target_name, region_code=a.region_code,
        roles=[r.lower() for r in a.roles], share_pct=a.share_pct, path=a.path,
    )


def task_out(v: TaskView) -> TaskOut:
    t = asdict(v.task)
    t["target_type"] = _LABEL_TYPES.get(t.pop("target_label"), "firm")
    t["target_id"] = t.pop("target_key")
    return TaskOut(**t, status=v.status, issued_by=v.issued_by, closed_by=v.closed_by,
                   closed_at=v.closed_at, feedback=v.feedback)


def alerts(store: Any, settings: Settings, as_of: date) -> list[Alert]:
    return store_alerts(store, as_of, sanction_config(settings))


def issue(store: Any, tasks: TaskStore, settings: Settings, as_of: date, who: str) -> tuple[list[Alert], int]:
    """Alerts on `as_of` and the tasks they call for, issued once (re-running adds nothing)."""
    found = alerts(store, settings, as_of)
    measures = load_measures(settings.punish_measures_file)
    new = tasks.issue(tasks_for(found, measures, as_of), f"{who}: alerts as of {as_of.isoformat()}")
    return found, new


def rates(tasks: TaskStore, by: str, on: date) -> list[RateOut]:
    return [RateOut(**asdict(r)) for r in execution_rates(tasks.rate_rows(RATE_GROUPS[by]), on)]


@cache
def county_names() -> dict[str, str]:
    """County code -> name, from the vendored boundary file."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {f["id"]: f["properties"]["name"] for f in data["features"]}


def region_map(store: Any, tasks: TaskStore, settings: Settings, as_of: date) -> MapOut:
    firms = store.firm_regions()
    listings = store.listed_records(list(PUNITIVE))
    open_codes = [v.task.region_code for v in tasks.tasks(as_of) if v.status != "done"]
    stats, unplaced = region_stats(firms, listings, open_codes, as_of, settings.map_risk_threshold,
                                   known=county_names())
    years = [as_of.year - len(stats[0].trend) + 1 + i for i in range(len(stats[0].trend))] if stats else []
    regions = [RegionOut(**{**asdict(s), "trend": list(s.trend)}) for s in stats]
    return MapOut(as_of=as_of, threshold=settings.map_risk_threshold, years=years, regions=regions,
                  unplaced=unplaced)


def region_detail(store: Any, tasks: TaskStore, code: str, as_of: date, limit: int = 10) -> RegionDetailOut:
    """A county's riskiest firms (marked when they carry an active grounded listing) and its open tasks."""
    firms = store.firm_regions()
    top = riskiest(firms, code, limit)
    listed = {r["subject_key"] for r in grounds(store.listed_records(list(PUNITIVE)), as_of,
                                                SanctionConfig(kinds=PUNITIVE))}
    subjects = [RegionSubject(id=f["key"], name=f.get("name") or f["key"], risk_score=f.get("risk_score"),
                              listed=f["key"] in listed) for f in top]
    views = tasks.tasks(as_of)
    open_views = [v for v in views if v.status != "done" and county_code(v.task.region_code) == code]
    return RegionDetailOut(code=code, subjects=subjects, tasks=[task_out(v) for v in open_views])
