"""Request and response models of the joint-punishment routes (/punish/...) and the regional map."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class AlertOut(BaseModel):
    """A subject to be punished because of one listing, with the document and the path to it."""

    record_id: str
    kind: str
    document_no: str = Field(description="the legally effective document the listing rests on")
    authority: str
    decided_on: date | None
    listed_type: str
    listed_id: str
    listed_name: str
    relation: str = Field(description="listed (the subject itself) or related (a firm it holds a role in)")
    target_type: str
    target_id: str
    target_name: str
    region_code: str
    roles: list[str]
    share_pct: float | None
    path: str


class AlertsOut(BaseModel):
    as_of: date
    alerts: list[AlertOut]
    tasks_new: int | None = Field(default=None, description="tasks issued by this run (POST only)")
    tasks_total: int | None = None


class TaskOut(BaseModel):
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
    target_type: str
    target_id: str
    target_name: str
    region_code: str
    path: str
    issued_on: date
    deadline: date
    status: str = Field(description="open, done or overdue on the day asked about")
    issued_by: str
    closed_by: str | None
    closed_at: datetime | None
    feedback: str


class TasksOut(BaseModel):
    on: date
    tasks: list[TaskOut]


class CloseIn(BaseModel):
    feedback: str = Field(min_length=1, max_length=2000, description="how the department carried it out")


class RateOut(BaseModel):
    group: str
    tasks: int
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    open: int
    rate: float | None = Field(description="done on time / due; null when nothing is due")


class RatesOut(BaseModel):
    on: date
    by: str
    rates: list[RateOut]


class RegionOut(BaseModel):
    code: str
    firms: int
    scored: int
    high_risk: int
    high_share: float | None
    listed_share: float | None
    open_tasks: int
    trend: list[float | None]


class MapOut(BaseModel):
    as_of: date
    threshold: float
    years: list[int]
    regions: list[RegionOut]
    unplaced: int = Field(description="firms whose region code is on no county of the map")


class RegionSubject(BaseModel):
    id: str
    name: str
    risk_score: float | None
    listed: bool


class RegionDetailOut(BaseModel):
    code: str
    subjects: list[RegionSubject]
    tasks: list[TaskOut]


class FeedbackIn(BaseModel):
    events_jsonl: str = Field(min_length=1, description="inspection results, one events.jsonl object a line")
    depth: int = Field(default=1, ge=0, le=3, description="affiliation hops of neighbours rescored")


class RescoredOut(BaseModel):
    subject_type: str
    subject_id: str
    before: float | None
    after: float


class TierChangeOut(BaseModel):
    event_id: str
    outcome: str
    subject_type: str
    subject_id: str
    from_score: float | None
    to_score: float
    from_tier: str | None
    to_tier: str


class FeedbackOut(BaseModel):
    as_of: date
    events: int
    quarantined: int
    outcomes: dict[str, str]
    rescored: list[RescoredOut]
    tier_changes: list[TierChangeOut]
