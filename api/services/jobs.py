"""In-process background jobs: one worker thread, job records kept in memory and on disk.

Retraining is rare and heavy; one worker keeps two retrains from racing over the model registry,
and the job record (who asked, when, outcome) is written as JSONL so it survives a restart.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.errors import NotFoundError

JobFn = Callable[[], dict[str, Any] | None]


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


class JobRunner:
    """Runs submitted callables one at a time on a background thread."""

    def __init__(self, log_path: Path | None = None, on_finish: Callable[[JobRecord], None] | None = None):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credgraph-job")
        self._jobs: dict[str, JobRecord] = {}
        self._lock = threading.Lock()
        self._log_path = log_path
        self._on_finish = on_finish

    def submit(self, kind: str, requested_by: str, fn: JobFn) -> JobRecord:
        job = JobRecord(id=uuid.uuid4().hex[:16], kind=kind, requested_by=requested_by)
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, fn)
        return job

    def get(self, job_id: str) -> JobRecord:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id!r}")
        return job

    def wait(self, job_id: str, timeout: float = 30.0) -> JobRecord:
        """Block until a job is done (tests and the CLI; the API never waits)."""
        deadline = time.monotonic() + timeout
        while self.get(job_id).status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.get(job_id)

    def _run(self, job: JobRecord, fn: JobFn) -> None:
        job.status, job.started_at = "running", datetime.now(UTC)
        try:
            result = fn()
            job.result = dict(result) if result else {}
            job.status = "succeeded"
        except Exception as exc:  # noqa: BLE001 - a job's failure is its record, not a crash
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = "failed"
        job.finished_at = datetime.now(UTC)
        self._persist(job)
        if self._on_finish:
            self._on_finish(job)

    def _persist(self, job: JobRecord) -> None:
        if self._log_path is None:
            return
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(job), default=str, ensure_ascii=False) + "\n")

    def shutdown(self) -> None:
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
    return state.retrain_job
