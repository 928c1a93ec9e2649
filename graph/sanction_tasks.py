"""Punishment tasks pushed to responsible departments, their status, and the execution rate.

Which department carries out which measure is data (`MEASURES`, or a TOML file of the same shape
named by settings, see `load_measures`), not code. Pure functions: no database here (the tasks
are kept by graph.task_store).

A task is (alert, measure): its id is derived from (record, target, measure), so running alerts
again on the same data makes the same ids and the store adds nothing. The deadline is the date the
task was first issued plus the measure's days. Status on a day: `done` once closed, `overdue` when
open past its deadline, else `open`. Execution rate (信用惩戒执行率) on a day = tasks closed on or
before their deadline / tasks due, where due = closed, or open with the deadline passed; None when
nothing is due yet (a task closed early counts on both sides, so the rate never exceeds 1).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from graph.sanctions import Alert


@dataclass(frozen=True, slots=True)
class Measure:
    """One joint-punishment measure, who carries it out, within how many days, and for whom."""

    code: str
    name: str
    department: str  # a stable department code (market_regulation, ...)
    department_name: str
    days: int
    kinds: tuple[str, ...]  # record kinds that trigger it
    relations: tuple[str, ...]  # "listed" (the subject itself) and/or "related" (firms it reaches)


_BOTH = ("dishonest_debtor", "serious_dishonesty")
# The default mapping (after the national joint-punishment memoranda on 失信被执行人 and 严重失信主体):
# registration restrictions by market regulation reach the firms a listed person represents or
# controls; land, procurement, credit and project approvals restrict the listed subject itself.
MEASURES: tuple[Measure, ...] = (
    Measure("registration_restriction", "限制担任法定代表人、高管及登记事项审查", "market_regulation",
            "市场监督管理局", 15, _BOTH, ("listed", "related")),
    Measure("land_bidding", "限制参与国有土地使用权竞买", "natural_resources",
            "自然资源和规划局", 30, _BOTH, ("listed",)),
    Measure("public_procurement", "限制参与政府采购和公共资源交易", "public_resources",
            "财政局 / 公共资源交易中心", 15, _BOTH, ("listed",)),
    Measure("credit_review", "融资授信审慎审查", "financial_regulation",
            "人民银行 / 金融监管分局", 30, _BOTH, ("listed", "related")),
    Measure("project_approval", "限制政府投资项目审批和财政补助", "development_reform",
            "发展和改革局", 30, ("serious_dishonesty",), ("listed",)),
)


def load_measures(path: Path | None) -> tuple[Measure, ...]:
    """The measures of a TOML file (`[[measure]]` tables with the fields of Measure), or MEASURES."""
    if path is None:
        return MEASURES
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return tuple(
        Measure(
            code=str(m["code"]), name=str(m["name"]), department=str(m["department"]),
            department_name=str(m.get("department_name", m["department"])), days=int(m["days"]),
            kinds=tuple(m["kinds"]), relations=tuple(m["relations"]),
        )
        for m in raw.get("measure", [])
    )


@dataclass(frozen=True, slots=True)
class Task:
    """A punishment task as issued (what the store keeps, besides who closed it and when)."""

    task_id: str
    record_id: str
    kind: str
    document_no: str
    authority: str
    measure: str
    measure_name: str
    department: str
    department_name: str
    relation: str
    target_label: str
    target_key: str
    target_name: str
    region_code: str
    path: str
    issued_on: date
    deadline: date


def task_id(record_id: str, target_label: str, target_key: str, measure: str) -> str:
    """A stable id from what the task is about: the same listing, target and measure, the same id."""
    raw = "\x1f".join((record_id, target_label, target_key, measure))
    return "T" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def tasks_for(alerts: Iterable[Alert], measures: Sequence[Measure], issued_on: date) -> list[Task]:
    """Every task the alerts call for, one per (alert, measure that applies), sorted by id."""
    out: dict[str, Task] = {}
    for a in alerts:
        for m in measures:
            if a.kind not in m.kinds or a.relation not in m.relations:
                continue
            tid = task_id(a.record_id, a.target_label, a.target_key, m.code)
            out[tid] = Task(
                task_id=tid, record_id=a.record_id, kind=a.kind, document_no=a.document_no,
                authority=a.authority, measure=m.code, measure_name=m.name, department=m.department,
                department_name=m.department_name, relation=a.relation, target_label=a.target_label,
                target_key=a.target_key, target_name=a.target_name, region_code=a.region_code,
                path=a.path, issued_on=issued_on, deadline=issued_on + timedelta(days=m.days),
            )
    return [out[k] for k in sorted(out)]


def status(deadline: date, closed_at: datetime | None, on: date) -> str:
    """`done` once closed, `overdue` when still open after the deadline on day `on`, else `open`."""
    if closed_at is not None and closed_at.date() <= on:
        return "done"
    return "overdue" if on > deadline else "open"


@dataclass(frozen=True, slots=True)
class Rate:
    """信用惩戒执行率 of one group (a district or a department) on one day."""

    group: str
    tasks: int
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    open: int
    rate: float | None


def execution_rates(rows: Iterable[tuple[str, date, datetime | None]], on: date) -> list[Rate]:
    """Rates per group from (group, deadline, closed_at) rows as they stood on day `on` (a task
    closed after `on` counts as open then), sorted by group."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for group, deadline, closed_at in rows:
        c = acc[group]
        c[0] += 1
        st = status(deadline, closed_at, on)
        if st == "done":
            assert closed_at is not None
            c[1] += 1
            c[2 if closed_at.date() <= deadline else 3] += 1
        elif st == "overdue":
            c[1] += 1
            c[4] += 1
        else:
            c[5] += 1
    return [
        Rate(g, c[0], c[1], c[2], c[3], c[4], c[5], (c[2] / c[1]) if c[1] else None)
        for g, c in sorted(acc.items())
    ]
