"""Punishment tasks kept as data: any SQLAlchemy URL (SQLite by default, like the review queue).

`issue` inserts tasks it has not seen (by their content-derived id) and leaves the rest alone, so
running alerts again on the same data adds nothing and never moves a deadline. Each row keeps its
provenance: the listing (record id, document number, authority), the path that reached the target,
and what issued it (`issued_by`: the alert run, its as-of date and graph). Closing records who,
when and the department's feedback; a closed task is not reopened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import migrations
from graph.sanction_tasks import Task, status
from ingest.errors import CredgraphError, NotFoundError


class TaskClosedError(CredgraphError):
    """A punishment task asked to be closed was closed before (the first handling stays)."""


class _Base(DeclarativeBase):
    pass


class _TaskRow(_Base):
    __tablename__ = "punish_tasks"
    task_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    document_no: Mapped[str] = mapped_column(String(256))
    authority: Mapped[str] = mapped_column(String(256), default="")
    measure: Mapped[str] = mapped_column(String(64))
    measure_name: Mapped[str] = mapped_column(String(256), default="")
    department: Mapped[str] = mapped_column(String(64), index=True)
    department_name: Mapped[str] = mapped_column(String(256), default="")
    relation: Mapped[str] = mapped_column(String(16))
    target_label: Mapped[str] = mapped_column(String(16))
    target_key: Mapped[str] = mapped_column(String(64), index=True)
    target_name: Mapped[str] = mapped_column(String(256), default="")
    region_code: Mapped[str] = mapped_column(String(16), index=True, default="")
    path: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(256), default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    feedback: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True, slots=True)
class TaskView:
    """A stored task with its status on the day asked about."""

    task: Task
    status: str
    issued_by: str
    closed_by: str | None
    closed_at: datetime | None
    feedback: str


def _task(r: _TaskRow) -> Task:
    return Task(
        task_id=r.task_id, record_id=r.record_id, kind=r.kind, document_no=r.document_no,
        authority=r.authority, measure=r.measure, measure_name=r.measure_name, department=r.department,
        department_name=r.department_name, relation=r.relation, target_label=r.target_label,
        target_key=r.target_key, target_name=r.target_name, region_code=r.region_code, path=r.path,
        issued_on=r.issued_on, deadline=r.deadline,
    )


class TaskStore:
    """The punishment task table behind the CLI, the API and the pages."""

    def __init__(self, url: str = "sqlite:///credgraph-punish.db") -> None:
        self.engine = create_engine(url, future=True)
        migrations.upgrade(self.engine)  # the shared database's schema, kept by Alembic

    def issue(self, tasks: Sequence[Task], issued_by: str) -> int:
        """Insert the tasks not stored yet; returns how many were new."""
        new = 0
        now = datetime.now(UTC).replace(tzinfo=None)
        with Session(self.engine) as s, s.begin():
            known = set(s.scalars(select(_TaskRow.task_id).where(
                _TaskRow.task_id.in_([t.task_id for t in tasks]))))
            for i, t in enumerate(tasks):
                if t.task_id in known:
                    continue
                known.add(t.task_id)
                s.add(_TaskRow(**{f: getattr(t, f) for f in Task.__dataclass_fields__},
                               issued_by=issued_by, issued_at=now, seq=i))
                new += 1
        return new

    def tasks(
        self,
        on: date,
        department: str | None = None,
        region_code: str | None = None,
        status_is: str | None = None,
        target_key: str | None = None,
    ) -> list[TaskView]:
        """Stored tasks with their status on day `on`, filtered; sorted by (deadline, task id)."""
        q = select(_TaskRow)
        if department:
            q = q.where(_TaskRow.department == department)
        if region_code:
            q = q.where(_TaskRow.region_code == region_code)
        if target_key:
            q = q.where(_TaskRow.target_key == target_key)
        with Session(self.engine) as s:
            rows = list(s.scalars(q.order_by(_TaskRow.deadline, _TaskRow.task_id)))
            out = [
                TaskView(_task(r), status(r.deadline, r.closed_at, on), r.issued_by, r.closed_by,
                         r.closed_at, r.feedback)
                for r in rows
            ]
        return [v for v in out if status_is is None or v.status == status_is]

    def get(self, task_id: str, on: date) -> TaskView:
        """One task; NotFoundError when there is none."""
        with Session(self.engine) as s:
            r = s.get(_TaskRow, task_id)
            if r is None:
                raise NotFoundError(f"no punishment task {task_id!r}")
            return TaskView(_task(r), status(r.deadline, r.closed_at, on), r.issued_by, r.closed_by,
                            r.closed_at, r.feedback)

    def close(self, task_id: str, who: str, feedback: str, when: datetime | None = None) -> TaskView:
        """Record that `who` carried the task out, with the department's feedback; a task already
        closed is refused (TaskClosedError), so the first handling stays on record."""
        when = (when or datetime.now(UTC)).replace(tzinfo=None)
        with Session(self.engine) as s, s.begin():
            r = s.get(_TaskRow, task_id)
            if r is None:
                raise NotFoundError(f"no punishment task {task_id!r}")
            if r.closed_at is not None:
                raise TaskClosedError(f"task {task_id} was closed by {r.closed_by} on {r.closed_at:%Y-%m-%d}")
            r.closed_by, r.closed_at, r.feedback = who, when, feedback
        return self.get(task_id, when.date())

    def rate_rows(self, by: str) -> Iterable[tuple[str, date, datetime | None]]:
        """(group, deadline, closed_at) of every task, grouped by `region_code` or `department`."""
        col = {"region_code": _TaskRow.region_code, "department": _TaskRow.department}[by]
        with Session(self.engine) as s:
            return [
                (g or "", d, c)
                for g, d, c in s.execute(select(col, _TaskRow.deadline, _TaskRow.closed_at))
            ]
