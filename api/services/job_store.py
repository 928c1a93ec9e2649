"""The job tables of the shared SQL database (migrations/ 0002): `jobs`, one row a job with who
asked, status, result or error, the worker running it and its heartbeat, and `job_locks`, the rows
that keep to one retrain at a time across workers.

A worker is `host:pid:nonce`. One is taken for dead when its process is gone on this host (or is
this process in an earlier life) or, on another host, when its heartbeat is older than the lease;
its jobs are then claimed by compare-and-set, so two live workers never both take one.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, String, Text, create_engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import migrations
from ingest.errors import NotFoundError

ACTIVE = ("queued", "running")
LIVE: set[str] = set()  # the runners alive in this process (tests and embedders may hold several)


class _Base(DeclarativeBase):
    pass


class _JobRow(_Base):
    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    requested_by: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    worker: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class _LockRow(_Base):
    __tablename__ = "job_locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32))
    worker: Mapped[str] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass
class JobRecord:
    id: str
    kind: str
    requested_by: str
    status: str = "queued"  # queued -> running -> succeeded | failed
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    worker: str = ""
    attempts: int = 0


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(d: datetime | None) -> datetime | None:
    return None if d is None else d.replace(tzinfo=UTC)


def _record(r: _JobRow) -> JobRecord:
    return JobRecord(
        id=r.id, kind=r.kind, requested_by=r.requested_by, status=r.status,
        created_at=_aware(r.created_at) or datetime.now(UTC), started_at=_aware(r.started_at),
        finished_at=_aware(r.finished_at), result=json.loads(r.result) if r.result else None,
        error=r.error, worker=r.worker, attempts=r.attempts,
    )


def worker_id() -> str:
    """host:pid:nonce - the nonce tells a restarted process from the one before it with its pid."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def _dead(worker: str, me: str) -> bool:
    """True when `worker` certainly stopped: one of this process's pid that is not running here
    (an earlier life, as a container's PID 1 after a restart), or a pid gone on this host. A
    worker on another host is judged by its heartbeat alone."""
    host, _, rest = worker.partition(":")
    pid, _, _nonce = rest.partition(":")
    if host != socket.gethostname()[:40] or not pid.isdigit() or worker == me:
        return False
    if int(pid) == os.getpid():
        return worker not in LIVE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class JobStore:
    """The jobs and job_locks tables. The database is opened (and upgraded) on first use, so an app
    that is built but never started leaves no database file behind."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = create_engine(self._url, future=True)
                    migrations.upgrade(engine)
                    self._engine = engine
        return self._engine

    def add(self, job: JobRecord) -> None:
        now = utcnow()
        with Session(self.engine) as s, s.begin():
            s.add(_JobRow(id=job.id, kind=job.kind, requested_by=job.requested_by, status=job.status,
                          created_at=now, heartbeat_at=now, worker=job.worker, attempts=job.attempts))

    def get(self, job_id: str) -> JobRecord:
        with Session(self.engine) as s:
            row = s.get(_JobRow, job_id)
            if row is None:
                raise NotFoundError(f"no job {job_id!r}")
            return _record(row)

    def update(self, job_id: str, **values: Any) -> None:
        if "result" in values and values["result"] is not None:
            values["result"] = json.dumps(values["result"], default=str, ensure_ascii=False)
        with self.engine.begin() as conn:
            conn.execute(update(_JobRow).where(_JobRow.id == job_id).values(**values))

    def heartbeat(self, worker: str) -> None:
        """Mark this worker's active jobs and its locks as alive."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(update(_JobRow).where(_JobRow.worker == worker, _JobRow.status.in_(ACTIVE))
                         .values(heartbeat_at=now))
            conn.execute(update(_LockRow).where(_LockRow.worker == worker).values(heartbeat_at=now))

    def acquire(self, name: str, job_id: str, worker: str, lease_s: float, me: str) -> bool:
        """Take lock `name` for a job; True when held. A lock whose holder died or stopped
        heartbeating for `lease_s` is taken over (compare-and-set on its heartbeat)."""
        now = utcnow()
        try:
            with Session(self.engine) as s, s.begin():
                row = s.get(_LockRow, name)
                if row is None:
                    s.add(_LockRow(name=name, job_id=job_id, worker=worker, heartbeat_at=now))
                    return True
                if row.job_id == job_id:
                    return True
                holder, beat = row.worker, row.heartbeat_at
        except IntegrityError:
            return False  # another worker inserted it first
        if not (_dead(holder, me) or beat < now - timedelta(seconds=lease_s)):
            return False
        with self.engine.begin() as conn:
            took = conn.execute(
                update(_LockRow).where(_LockRow.name == name, _LockRow.worker == holder,
                                       _LockRow.heartbeat_at == beat)
                .values(job_id=job_id, worker=worker, heartbeat_at=now)
            )
        return took.rowcount == 1

    def release(self, name: str, job_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(_LockRow).where(_LockRow.name == name, _LockRow.job_id == job_id))

    def orphans(self, me: str, lease_s: float) -> list[JobRecord]:
        """Active jobs of other workers that died or stopped heartbeating."""
        stale = utcnow() - timedelta(seconds=lease_s)
        with Session(self.engine) as s:
            rows = s.scalars(select(_JobRow).where(_JobRow.status.in_(ACTIVE), _JobRow.worker != me)).all()
            return [_record(r) for r in rows
                    if _dead(r.worker, me) or (r.heartbeat_at or r.created_at) < stale]

    def claim(self, job: JobRecord, me: str) -> bool:
        """Make an orphan this worker's (compare-and-set on its worker and attempts)."""
        with self.engine.begin() as conn:
            took = conn.execute(
                update(_JobRow).where(_JobRow.id == job.id, _JobRow.worker == job.worker,
                                      _JobRow.attempts == job.attempts, _JobRow.status.in_(ACTIVE))
                .values(worker=me, status="queued", attempts=job.attempts + 1, heartbeat_at=utcnow())
            )
        return took.rowcount == 1
