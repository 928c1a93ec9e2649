"""The shared database on a real PostgreSQL server: migrations from the create_all-era schema, the
steward queue, punishment tasks and jobs (lock included) behave as on SQLite.

The test starts its own server (initdb + pg_ctl from Debian's `postgresql` package, which
scripts/test.sh installs) in a temporary folder, listening on loopback only on a free port, and
stops it at the end; each test gets a database of its own. Skipped, saying why, only when the
server's binaries are not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

import migrations
from resolution.decisions import Verdict
from resolution.review_queue import ReviewQueue
from tests.resolution.test_review_queue_migrations import _diffs, check_upgraded, old_rows

pytest.importorskip("psycopg", reason="psycopg (the PostgreSQL driver) is not installed")


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on 127.0.0.1; yields its base URL (no database)."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="credgraph-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the package's user
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True, timeout=120)

    run(initdb, "-D", str(data), "-U", "credgraph", "--auth=trust", "-E", "UTF8", "--locale=C")
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://credgraph@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def pg_url(pg_server: str) -> str:
    """A fresh database on the server for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{pg_server}/{name}"


def test_upgrade_from_the_create_all_schema_keeps_decisions(pg_url: str) -> None:
    old_rows(create_engine(pg_url))
    q = ReviewQueue(pg_url)
    check_upgraded(q)
    assert _diffs(q.engine) == []
    assert q.engine.dialect.name == "postgresql"
    # serial ids go on after the old rows (the sequence was not reset by the upgrade)
    assert q.enqueue([{"source": "events", "record_id": "E9", "entity_type": "firm", "entity_id": "F9",
                       "score": 0.5}]) == 1
    assert max(it.item_id for it in q.pool()) == 3


def test_fresh_database_queue_round_trip(pg_url: str) -> None:
    q = ReviewQueue(pg_url)
    assert _diffs(q.engine) == []
    items = [{"source": "events", "record_id": f"E{i}", "entity_type": "person", "entity_id": f"P{i}",
              "score": s, "evidence": f"mention x ~ P{i}"} for i, s in enumerate((0.9, 0.52, 0.7))]
    assert q.enqueue(items) == 3 and q.enqueue(items) == 0
    assert [it.record_id for it in q.pending(10)] == ["E1", "E2", "E0"]
    q.decide(2, Verdict.MATCH, "alice", "同一人")
    q.undo(2, "alice")
    q.decide(2, Verdict.NO_MATCH, "alice")
    assert [d.verdict for d in q.decisions()] == [Verdict.MATCH, Verdict.RETRACTED, Verdict.NO_MATCH]
    assert q.steward_decisions().latest[("events", "E1", "person", "P1")].verdict is Verdict.NO_MATCH
    added = q.import_verdicts([{"source": "events", "record_id": "E0", "entity_type": "person",
                                "entity_id": "P0", "verdict": "match", "line": "2"}], "import:x.csv")
    assert len(added) == 1 and q.count_pending() == 1
    assert ReviewQueue(pg_url).count_pending() == 1  # reopened: at head, nothing to do
    with q.engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
    assert {"jobs", "job_locks"} <= set(inspect(q.engine).get_table_names())


def test_tasks_and_jobs_on_postgres(pg_url: str) -> None:
    from api.services.jobs import JobRunner, JobStore
    from graph.sanction_tasks import MEASURES, tasks_for
    from graph.sanctions import alerts
    from graph.task_store import TaskClosedError, TaskStore
    from tests.graph.test_sanctions import listing, tie

    as_of = date(2024, 12, 31)
    tasks = tasks_for(alerts([listing()], [tie("F1", "LEGAL_REP")], as_of), MEASURES, as_of)
    store = TaskStore(pg_url)
    assert store.issue(tasks, "alerts") == len(tasks) and store.issue(tasks, "again") == 0
    first = tasks[0].task_id
    store.close(first, "dept", "已办结")
    with pytest.raises(TaskClosedError):
        store.close(first, "dept", "again")

    a, b = JobRunner(JobStore(pg_url)), JobRunner(JobStore(pg_url))
    try:
        order: list[str] = []

        def work(name: str):
            def _fn() -> dict:
                order.append(f"{name}+")
                time.sleep(0.4)
                order.append(f"{name}-")
                return {"name": name}
            return _fn

        j1 = a.submit("retrain", "alice", work("a"))
        time.sleep(0.1)
        j2 = b.submit("retrain", "bob", work("b"))
        assert b.wait(j1.id, 20).status == "succeeded" and a.wait(j2.id, 20).status == "succeeded"
        assert order == ["a+", "a-", "b+", "b-"]
        assert a.get(j2.id).result == {"name": "b"}
    finally:
        a.shutdown()
        b.shutdown()


def test_concurrent_upgrades_on_postgres(pg_url: str) -> None:
    """Three processes open a new database at once: the advisory lock lets one migrate."""
    import sys

    code = "import sys, migrations, sqlalchemy; migrations.upgrade(sqlalchemy.create_engine(sys.argv[1]))"
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=root, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e[-600:] for e in errs]
    with create_engine(pg_url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            migrations.head()]
