"""Background jobs kept in the shared SQL database (migrations/), run on the worker that took them.

With `serve --workers N` a request for a job may reach any worker, so the job record lives in
the `jobs` table, not in one process's memory: any worker answers `GET /jobs/{id}`, and the record
outlives a restart. Retrains write the model registry, so only one runs at a time across all
workers: a job takes the `retrain` row of `job_locks` before it starts and gives it back when done;
a second retrain stays queued until then. A worker heartbeats its jobs and locks; the jobs of a
worker that died (its process gone on this host, or its heartbeat older than the lease) are run
again by a live worker that knows how to (`rebuild`), at most `max_attempts` times in all, else
marked failed with the reason, and its lock is taken over.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, create_engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import migrations
from ingest.errors import NotFoundError

JobFn = Callable[[], dict[str, Any] | None]
RETRAIN_LOCK = "retrain"
ACTIVE = ("queued", "running")
_LIVE: set[str] = set()  # the runners alive in this process (tests and embedders may hold several)


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


def _now() -> datetime:
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
        return worker not in _LIVE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class JobStore:
    """The jobs and job_locks tables."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, future=True)
        migrations.upgrade(self.engine)

    def add(self, job: JobRecord) -> None:
        now = _now()
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
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(update(_JobRow).where(_JobRow.worker == worker, _JobRow.status.in_(ACTIVE))
                         .values(heartbeat_at=now))
            conn.execute(update(_LockRow).where(_LockRow.worker == worker).values(heartbeat_at=now))

    def acquire(self, name: str, job_id: str, worker: str, lease_s: float, me: str) -> bool:
        """Take lock `name` for a job; True when held. A lock whose holder died or stopped
        heartbeating for `lease_s` is taken over (compare-and-set on its heartbeat)."""
        now = _now()
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
        stale = _now() - timedelta(seconds=lease_s)
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
                .values(worker=me, status="queued", attempts=job.attempts + 1, heartbeat_at=_now())
            )
        return took.rowcount == 1


class JobRunner:
    """Runs submitted callables one at a time on a background thread; records in a JobStore."""

    def __init__(
        self,
        store: JobStore,
        on_finish: Callable[[JobRecord], None] | None = None,
        *,
        rebuild: Callable[[str], JobFn] | None = None,
        lease_s: float = 30.0,
        max_attempts: int = 2,
        worker: str | None = None,
    ) -> None:
        self.store = store
        self.worker = worker or worker_id()
        _LIVE.add(self.worker)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credgraph-job")
        self._on_finish = on_finish
        self._rebuild = rebuild
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._beat_loop, name="credgraph-job-beat", daemon=True)
        self._beat.start()

    def submit(self, kind: str, requested_by: str, fn: JobFn) -> JobRecord:
        job = JobRecord(id=uuid.uuid4().hex[:16], kind=kind, requested_by=requested_by,
                        worker=self.worker, attempts=1)
        self.store.add(job)
        self._pool.submit(self._run, job, fn)
        return job

    def get(self, job_id: str) -> JobRecord:
        return self.store.get(job_id)

    def wait(self, job_id: str, timeout: float = 30.0) -> JobRecord:
        """Block until a job is done (tests and the CLI; the API never waits)."""
        deadline = time.monotonic() + timeout
        while self.get(job_id).status in ACTIVE and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.get(job_id)

    def recover(self) -> list[str]:
        """Take over the jobs of workers that died: run them again (when `rebuild` knows their
        kind and attempts are left) or mark them failed. Returns the ids handled."""
        handled = []
        for job in self.store.orphans(self.worker, self.lease_s):
            if not self.store.claim(job, self.worker):
                continue  # another worker took it
            handled.append(job.id)
            why = f"interrupted: worker {job.worker} stopped during attempt {job.attempts}"
            if self._rebuild is None or job.attempts >= self.max_attempts:
                self.store.update(job.id, status="failed", error=why, finished_at=_now())
                continue
            try:
                fn = self._rebuild(job.kind)
            except Exception as exc:  # noqa: BLE001 - a job that cannot be rebuilt fails, recorded
                self.store.update(
                    job.id, status="failed", error=f"{why}; not rerun: {exc}", finished_at=_now()
                )
                continue
            self._pool.submit(self._run, self.store.get(job.id), fn)
        return handled

    def _run(self, job: JobRecord, fn: JobFn) -> None:
        lock = RETRAIN_LOCK if job.kind.startswith("retrain") else None
        while lock and not self._stop.is_set():
            if self.store.acquire(lock, job.id, self.worker, self.lease_s, self.worker):
                break
            time.sleep(0.2)
        if self._stop.is_set():
            return
        self.store.update(job.id, status="running", started_at=_now())
        try:
            result = fn()
            done = {"status": "succeeded", "result": dict(result) if result else {}}
        except Exception as exc:  # noqa: BLE001 - a job's failure is its record, not a crash
            done = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        finally:
            if lock:
                self.store.release(lock, job.id)
        self.store.update(job.id, finished_at=_now(), **done)
        if self._on_finish:
            self._on_finish(self.store.get(job.id))

    def _beat_loop(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            try:
                self.store.heartbeat(self.worker)
                self.recover()
            except Exception:  # noqa: BLE001, S112 - a missed beat is retried at the next one
                continue

    def shutdown(self) -> None:
        _LIVE.discard(self.worker)
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


def retrain_fn(kind: str, settings: Any, state: Any) -> JobFn:
    """What a retrain job of this kind runs: 'matcher' (steward verdicts → registry → relink the
    graph in place), 'risk' (the risk model on the served graph) or 'all' (the app's retrain job:
    matcher first, then risk)."""
    if kind == "matcher":
        from api.services.resolution import retrain_matcher_job

        if state.queue is None:
            raise NotFoundError("the review queue is not available on this server")
        return lambda: retrain_matcher_job(settings, state)
    if kind == "risk":

        def _risk() -> dict[str, Any]:
            from gnn.config import RiskConfig
            from gnn.registry import ModelRegistry
            from gnn.retrain import retrain_risk

            res = retrain_risk(
                state.store.export_tables(), RiskConfig(seed=settings.seed), ModelRegistry(settings.model_dir)
            )
            return {"risk": asdict(res)}

        return _risk
    return lambda: state.retrain_job()


RETRAIN_KINDS = {"retrain": "all", "retrain-matcher": "matcher", "retrain-risk": "risk"}


def rebuild_for(settings: Any, state: Any) -> Callable[[str], JobFn]:
    """The job function of a stored job kind, for `JobRunner.recover` (retrains only)."""

    def _rebuild(kind: str) -> JobFn:
        if kind not in RETRAIN_KINDS:
            raise NotFoundError(f"no way to rerun a {kind!r} job")
        return retrain_fn(RETRAIN_KINDS[kind], settings, state)

    return _rebuild
