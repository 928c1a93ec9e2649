"""Jobs live in the shared database: any worker answers any job, one retrain runs at a time across
workers (the `retrain` lock row), and a job outlives its worker (a SIGKILL, then a restart).

Two JobRunners on one SQLite file stand for two `serve --workers 2` processes (each has its own
worker id, thread and connections); the restart test kills a real process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from api_fixtures import KEYS
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.security import Role
from api.services.job_store import JobStore, _LockRow
from api.services.jobs import JobRunner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'review.db'}"


def test_any_worker_answers_any_job(url: str) -> None:
    a, b = JobRunner(JobStore(url)), JobRunner(JobStore(url))
    try:
        gate = threading.Event()
        job = a.submit("retrain", "alice", lambda: gate.wait(10) and {"promoted": True})
        seen = b.get(job.id)
        assert (seen.kind, seen.requested_by, seen.worker) == ("retrain", "alice", a.worker)
        assert seen.status in ("queued", "running")
        gate.set()
        done = b.wait(job.id, timeout=10)  # followed from the other worker to the end
        assert done.status == "succeeded" and done.result == {"promoted": True}
        assert done.finished_at is not None and done.started_at is not None
    finally:
        a.shutdown()
        b.shutdown()


def test_one_retrain_at_a_time_across_workers(url: str) -> None:
    runs: list[tuple[str, float, float]] = []

    def work(name: str):
        def _fn() -> dict:
            t0 = time.monotonic()
            time.sleep(0.6)
            runs.append((name, t0, time.monotonic()))
            return {"name": name}
        return _fn

    a, b = JobRunner(JobStore(url)), JobRunner(JobStore(url))
    try:
        j1 = a.submit("retrain", "alice", work("a"))
        time.sleep(0.1)
        j2 = b.submit("retrain-risk", "bob", work("b"))
        j3 = b.submit("export", "bob", lambda: {"other": 1})  # not a retrain: needs no lock
        assert b.wait(j2.id, timeout=20).status == "succeeded"
        assert a.wait(j1.id, timeout=20).status == "succeeded"
        assert b.get(j3.id).status == "succeeded"
    finally:
        a.shutdown()
        b.shutdown()
    (n1, s1, e1), (n2, s2, e2) = sorted(runs, key=lambda r: r[1])
    assert n1 == "a" and n2 == "b"
    assert s2 >= e1, "the second retrain started before the first had finished"
    with JobStore(url).engine.connect() as conn:  # the lock was given back
        assert conn.execute(_LockRow.__table__.select()).all() == []


def test_a_silent_workers_lock_is_taken_over_a_live_ones_is_not(url: str) -> None:
    store = JobStore(url)
    assert store.acquire("retrain", "j-other", "otherhost:42:abc", 30, me="here:1:x")
    assert not store.acquire("retrain", "j-mine", "here:1:x", 30, me="here:1:x")  # heartbeat is fresh
    with store.engine.begin() as conn:  # the other host stopped heartbeating a minute ago
        conn.execute(update(_LockRow).values(heartbeat_at=datetime.utcnow() - timedelta(seconds=60)))
    assert store.acquire("retrain", "j-mine", "here:1:x", 30, me="here:1:x")
    assert not store.acquire("retrain", "j-third", "there:7:y", 30, me="there:7:y")


_WORKER = """
import sys, time
from api.services.jobs import JobRunner, JobStore
r = JobRunner(JobStore(sys.argv[1]))
job = r.submit("retrain", "alice", lambda: time.sleep(120))
print(job.id, flush=True)
time.sleep(120)
"""


def _killed_mid_job(url: str) -> str:
    """A worker process takes a retrain, starts it and is SIGKILLed; returns the job id."""
    proc = subprocess.Popen([sys.executable, "-c", _WORKER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        job_id = proc.stdout.readline().strip()  # type: ignore[union-attr]
        store = JobStore(url)
        deadline = time.monotonic() + 60
        while store.get(job_id).status != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.get(job_id).status == "running"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    return job_id


def test_a_job_survives_its_worker_being_killed(url: str) -> None:
    job_id = _killed_mid_job(url)
    # the restarted server reads the job back and runs it again (it holds the dead worker's lock)
    fresh = JobRunner(JobStore(url), rebuild=lambda kind: lambda: {"rerun_of": kind})
    try:
        assert fresh.recover() == [job_id]
        done = fresh.wait(job_id, timeout=20)
        assert done.status == "succeeded" and done.result == {"rerun_of": "retrain"}
        assert done.attempts == 2 and done.worker == fresh.worker and done.requested_by == "alice"
        assert fresh.recover() == []  # nothing left to take over
    finally:
        fresh.shutdown()
    # and a later start still answers it
    assert JobStore(url).get(job_id).status == "succeeded"


def test_a_job_that_cannot_be_rerun_is_failed_with_the_reason(url: str) -> None:
    job_id = _killed_mid_job(url)
    fresh = JobRunner(JobStore(url))  # no way to rebuild its function
    try:
        assert fresh.recover() == [job_id]
        job = fresh.get(job_id)
        assert job.status == "failed" and job.error.startswith("interrupted: worker ")
    finally:
        fresh.shutdown()


def test_two_api_workers_share_jobs(app, settings, store, queue, keyring) -> None:  # noqa: ANN001
    from api.app import create_app

    other = create_app(settings, store=store, queue=queue, keyring=keyring,
                       retrain=lambda: {"promoted": False, "reason": "worker 2"})
    h = {"X-API-Key": KEYS[Role.ADMIN]}
    with TestClient(app) as one, TestClient(other) as two:
        job = one.post("/jobs/retrain", headers=h).json()
        assert one.get(f"/jobs/{job['id']}", headers=h).status_code == 200
        final = app.state.jobs.wait(job["id"], timeout=20)
        seen = two.get(f"/jobs/{job['id']}", headers=h)
        assert seen.status_code == 200 and seen.json()["status"] == final.status == "succeeded"
        assert seen.json()["result"] == {"promoted": False, "reason": "test job"}
        assert two.get("/jobs/nope", headers=h).status_code == 404


def test_an_app_that_is_only_built_opens_no_database(tmp_path: Path) -> None:
    from api.app import create_app
    from api.settings import Settings

    db = tmp_path / "review.db"
    app = create_app(Settings(review_db_url=f"sqlite:///{db}", audit_log=tmp_path / "audit.jsonl"))
    assert not db.exists()  # e.g. a tool that only reads the OpenAPI schema leaves nothing behind
    app.state.jobs.shutdown()
