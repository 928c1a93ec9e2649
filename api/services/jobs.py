"""Background jobs kept in the shared SQL database (api.services.job_store), run on the worker that
took them.

With `serve --workers N` a request for a job may reach any worker, so the job record lives in the
`jobs` table, not in one process's memory: any worker answers `GET /jobs/{id}`, and the record
outlives a restart. Retrains write the model registry and increments (POST /jobs/ingest) the served
graph, so only one of them runs at a time across all workers: such a job takes the `retrain` row of
`job_locks` before it starts and gives it back when done; the next stays queued. A worker heartbeats
its jobs and locks; the jobs of a worker that died (its process gone on this host, or its heartbeat
older than the lease) are run again by a live worker that knows how to (`rebuild`), at most
`max_attempts` times in all, else marked failed with the reason, and its lock is taken over.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from api.services.job_store import ACTIVE, LIVE, JobRecord, JobStore, utcnow, worker_id
from ingest.errors import NotFoundError

__all__ = ["JobRecord", "JobRunner", "JobStore", "rebuild_for", "retrain_fn"]

JobFn = Callable[[], dict[str, Any] | None]
RETRAIN_LOCK = "retrain"


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
        LIVE.add(self.worker)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credgraph-job")
        self._on_finish = on_finish
        self._rebuild = rebuild
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._beat_lock = threading.Lock()

    def _start_beating(self) -> None:
        """The heartbeat thread, started with the first job or recovery (not when merely built)."""
        with self._beat_lock:
            if self._beat is None and not self._stop.is_set():
                self._beat = threading.Thread(target=self._beat_loop, name="credgraph-job-beat", daemon=True)
                self._beat.start()

    def submit(self, kind: str, requested_by: str, fn: JobFn) -> JobRecord:
        job = JobRecord(id=uuid.uuid4().hex[:16], kind=kind, requested_by=requested_by,
                        worker=self.worker, attempts=1)
        self.store.add(job)
        self._start_beating()
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
        self._start_beating()
        handled = []
        for job in self.store.orphans(self.worker, self.lease_s):
            if not self.store.claim(job, self.worker):
                continue  # another worker took it
            handled.append(job.id)
            why = f"interrupted: worker {job.worker} stopped during attempt {job.attempts}"
            if self._rebuild is None or job.attempts >= self.max_attempts:
                self.store.update(job.id, status="failed", error=why, finished_at=utcnow())
                continue
            try:
                fn = self._rebuild(job.kind)
            except Exception as exc:  # noqa: BLE001 - a job that cannot be rebuilt fails, recorded
                self.store.update(
                    job.id, status="failed", error=f"{why}; not rerun: {exc}", finished_at=utcnow()
                )
                continue
            self._pool.submit(self._run, self.store.get(job.id), fn)
        return handled

    def _run(self, job: JobRecord, fn: JobFn) -> None:
        # retrains and increments both rewrite what is served (registry, graph): one at a time
        lock = RETRAIN_LOCK if job.kind.startswith("retrain") or job.kind == "ingest" else None
        while lock and not self._stop.is_set():
            if self.store.acquire(lock, job.id, self.worker, self.lease_s, self.worker):
                break
            time.sleep(0.2)
        if self._stop.is_set():
            return
        self.store.update(job.id, status="running", started_at=utcnow())
        try:
            result = fn()
            done = {"status": "succeeded", "result": dict(result) if result else {}}
        except Exception as exc:  # noqa: BLE001 - a job's failure is its record, not a crash
            done = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        finally:
            if lock:
                self.store.release(lock, job.id)
        self.store.update(job.id, finished_at=utcnow(), **done)
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
        LIVE.discard(self.worker)
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
