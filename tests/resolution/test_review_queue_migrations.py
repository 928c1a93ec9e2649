"""The shared database's schema is kept by Alembic (migrations/): a database an earlier credgraph
made with `create_all` is upgraded on open with every steward decision kept, the models agree with
the migrated schema, and concurrent openers do not trip over each other.

`old_metadata` is the create_all-era schema written out (the models as they were before
migrations, optionally without the late `origin` column); `old_rows` fills it like a used
database. The PostgreSQL tests (test_review_queue_postgres.py) reuse both.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    inspect,
    text,
)

import migrations
from resolution.decisions import Verdict
from resolution.review_queue import ReviewQueue

ROOT = Path(__file__).resolve().parents[2]


def old_metadata(with_origin: bool = True) -> MetaData:
    """The tables exactly as create_all made them before migrations (issue 11)."""
    md = MetaData()
    Table(
        "review_items", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("source", String(32), nullable=False), Column("record_id", String(128), nullable=False),
        Column("entity_type", String(16), nullable=False), Column("entity_id", String(64), nullable=False),
        Column("record_text", Text, nullable=False), Column("mention", Text, nullable=False),
        Column("candidate_name", Text, nullable=False), Column("score", Float, nullable=False),
        Column("uncertainty", Float, nullable=False), Column("impact", Integer, nullable=False),
        Column("evidence", Text, nullable=False), Column("model_version", String(64), nullable=False),
        Column("created_at", DateTime, nullable=False), Column("status", String(16), nullable=False),
        UniqueConstraint("source", "record_id", "entity_type", "entity_id", name="uq_pair"),
    )
    Table(
        "review_decisions", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("item_id", Integer, nullable=True),
        Column("source", String(32), nullable=False), Column("record_id", String(128), nullable=False),
        Column("entity_type", String(16), nullable=False), Column("entity_id", String(64), nullable=False),
        Column("verdict", String(16), nullable=False), Column("who", String(128), nullable=False),
        Column("comment", Text, nullable=False), Column("decided_at", DateTime, nullable=False),
        *([Column("origin", String(256), nullable=False)] if with_origin else []),
    )
    tasks = Table(
        "punish_tasks", md,
        Column("task_id", String(32), primary_key=True),
        *[Column(c, String(n), nullable=False) for c, n in (
            ("record_id", 128), ("kind", 32), ("document_no", 256), ("authority", 256), ("measure", 64),
            ("measure_name", 256), ("department", 64), ("department_name", 256), ("relation", 16),
            ("target_label", 16), ("target_key", 64), ("target_name", 256), ("region_code", 16))],
        Column("path", Text, nullable=False), Column("issued_on", Date, nullable=False),
        Column("deadline", Date, nullable=False), Column("issued_by", String(256), nullable=False),
        Column("issued_at", DateTime, nullable=False), Column("closed_by", String(128)),
        Column("closed_at", DateTime), Column("feedback", Text, nullable=False),
        Column("seq", Integer, nullable=False),
    )
    for c in ("record_id", "department", "target_key", "region_code"):
        Index(f"ix_punish_tasks_{c}", tasks.c[c])
    return md


PAIR = {"source": "events", "record_id": "E1", "entity_type": "person", "entity_id": "P1"}


def old_rows(engine: Engine, with_origin: bool = True) -> None:
    """A used database: one item decided, one pending, a changed mind, a decision without an item."""
    md = old_metadata(with_origin)
    md.create_all(engine)
    t0 = datetime(2026, 11, 2, 9, 30)
    item = {"record_text": "老王 13812342345", "mention": "老王", "candidate_name": "王建国", "score": 0.55,
            "uncertainty": 0.05, "impact": 1, "evidence": "mention 老王 ~ 王建国", "model_version": "fs-1",
            "created_at": t0}
    origin = {"origin": "page"} if with_origin else {}
    with engine.begin() as conn:
        conn.execute(md.tables["review_items"].insert(), [
            {**PAIR, **item, "status": "decided"},
            {**PAIR, "entity_id": "P2", **item, "status": "pending"},
        ])
        conn.execute(md.tables["review_decisions"].insert(), [
            {"item_id": 1, **PAIR, "verdict": "no_match", "who": "alice", "comment": "",
             "decided_at": t0, **origin},
            {"item_id": 1, **PAIR, "verdict": "match", "who": "bob", "comment": "同一手机",
             "decided_at": t0.replace(hour=10), **origin},
            {"item_id": None, "source": "credit_records", "record_id": "C9", "entity_type": "firm",
             "entity_id": "91330000XXXXXXXX0X", "verdict": "no_match", "who": "carol", "comment": "",
             "decided_at": t0.replace(hour=11), **origin},
        ])
        conn.execute(md.tables["punish_tasks"].insert(), [{
            "task_id": "T1", "record_id": "C1", "kind": "dishonest_debtor",
            "document_no": "(2024)浙0803执1号",
            "authority": "", "measure": "m", "measure_name": "", "department": "market_regulation",
            "department_name": "", "relation": "self", "target_label": "Firm", "target_key": "F1",
            "target_name": "", "region_code": "330803", "path": "", "issued_on": date(2024, 12, 31),
            "deadline": date(2025, 1, 30), "issued_by": "alerts", "issued_at": t0, "closed_by": None,
            "closed_at": None, "feedback": "", "seq": 0,
        }])


def check_upgraded(q: ReviewQueue, with_origin: bool = True) -> None:
    """Every old decision is there, in order, with who/when/why; the queue works on top."""
    log = q.decisions()
    assert [(d.decision_id, d.verdict, d.who) for d in log] == [
        (1, Verdict.NO_MATCH, "alice"), (2, Verdict.MATCH, "bob"), (3, Verdict.NO_MATCH, "carol")]
    assert log[1].comment == "同一手机" and log[1].decided_at == datetime(2026, 11, 2, 10, 30)
    assert [d.origin for d in log] == (["page"] * 3 if with_origin else [""] * 3)
    latest = q.steward_decisions().latest
    assert latest[("events", "E1", "person", "P1")].verdict is Verdict.MATCH
    assert [it.item_id for it in q.pending(10)] == [2]
    rec = q.decide(2, Verdict.NO_MATCH, "dave", "not him")  # new rows go on after the old ones
    assert rec.decision_id == 4 and q.count_pending() == 0
    with q.engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
    tables = set(inspect(q.engine).get_table_names())
    assert {"jobs", "job_locks", "alembic_version", "punish_tasks", "tier_feedback"} <= tables
    idx = {i["name"] for i in inspect(q.engine).get_indexes("review_decisions")}
    assert "ix_review_decisions_pair" in idx


@pytest.mark.parametrize("with_origin", [True, False], ids=["create_all-era", "before-origin"])
def test_upgrade_keeps_the_decisions_of_a_create_all_database(tmp_path, with_origin) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old_rows(create_engine(url), with_origin)
    check_upgraded(ReviewQueue(url), with_origin)
    # the punishment task of the old database is read by today's store
    from graph.task_store import TaskStore

    assert [v.task.task_id for v in TaskStore(url).tasks(date(2025, 1, 1))] == ["T1"]


def _diffs(engine: Engine) -> list:
    from api.services import job_store as jobs
    from gnn import tier_log
    from graph import feedback, task_store
    from resolution import review_queue

    every = MetaData()  # the models of every table in the shared database, side by side
    for md in (review_queue._Base.metadata, task_store._Base.metadata, feedback._Base.metadata,
               jobs._Base.metadata, tier_log._Base.metadata):
        for table in md.tables.values():
            table.to_metadata(every)
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), every)


def test_models_agree_with_the_migrated_schema(tmp_path) -> None:
    fresh = ReviewQueue(f"sqlite:///{tmp_path / 'fresh.db'}").engine
    assert _diffs(fresh) == []
    upgraded = f"sqlite:///{tmp_path / 'old.db'}"
    old_rows(create_engine(upgraded))
    assert _diffs(ReviewQueue(upgraded).engine) == []


def test_opening_at_head_changes_nothing_and_a_downgrade_keeps_decisions(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    q = ReviewQueue(url)
    q.enqueue([{**PAIR, "score": 0.5}])
    q.decide(1, Verdict.MATCH, "alice")
    from alembic import command

    with q.engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0001")
    assert "jobs" not in inspect(q.engine).get_table_names()
    again = ReviewQueue(url)  # upgraded again on open
    assert "jobs" in inspect(again.engine).get_table_names()
    assert [d.who for d in again.decisions()] == ["alice"]


def test_concurrent_openers_of_a_fresh_database(tmp_path) -> None:
    """Three processes open the same new database at once (like `serve --workers 3`)."""
    db = tmp_path / "shared.db"
    code = (
        "import sys; from resolution.review_queue import ReviewQueue; "
        "from api.services.jobs import JobStore; "
        f"q = ReviewQueue('sqlite:///{db}'); JobStore('sqlite:///{db}'); print(q.count_pending())"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-600:] for o in outs]
    with create_engine(f"sqlite:///{db}").connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            migrations.head()]
