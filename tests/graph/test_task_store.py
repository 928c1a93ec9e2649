"""The SQL punishment task store: idempotent issue, filters, closing once, rate rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from graph.sanction_tasks import MEASURES, execution_rates, tasks_for
from graph.sanctions import alerts
from graph.task_store import TaskClosedError, TaskStore
from ingest.errors import NotFoundError
from tests.graph.test_sanctions import listing, tie

AS_OF = date(2024, 12, 31)


@pytest.fixture
def issued(tmp_path) -> tuple[TaskStore, list]:  # noqa: ANN001
    store = TaskStore(f"sqlite:///{tmp_path / 'punish.db'}")
    found = alerts([listing()], [tie("F1", "LEGAL_REP")], AS_OF)
    tasks = tasks_for(found, MEASURES, AS_OF)
    assert store.issue(tasks, "alerts as of 2024-12-31") == len(tasks)
    return store, tasks


def test_issuing_again_adds_nothing_and_keeps_deadlines(issued, tmp_path) -> None:  # noqa: ANN001
    store, tasks = issued
    later = tasks_for(alerts([listing()], [tie("F1", "LEGAL_REP")], AS_OF), MEASURES, date(2025, 6, 1))
    assert store.issue(later, "again") == 0
    views = store.tasks(AS_OF)
    assert len(views) == len(tasks)
    assert {v.task.deadline for v in views} == {t.deadline for t in tasks}
    assert {v.issued_by for v in views} == {"alerts as of 2024-12-31"}
    # the same database opened afresh holds the same tasks
    assert len(TaskStore(f"sqlite:///{tmp_path / 'punish.db'}").tasks(AS_OF)) == len(tasks)


def test_filters_and_status(issued) -> None:  # noqa: ANN001
    store, tasks = issued
    mr = store.tasks(AS_OF, department="market_regulation")
    assert mr and {v.task.department for v in mr} == {"market_regulation"}
    assert {v.task.target_key for v in store.tasks(AS_OF, region_code="330803")} == {"F1"}
    assert {v.status for v in store.tasks(AS_OF)} == {"open"}
    assert len(store.tasks(date(2025, 6, 1), status_is="overdue")) == len(tasks)


def test_close_once_with_who_when_and_feedback(issued) -> None:  # noqa: ANN001
    store, tasks = issued
    t = next(x for x in tasks if x.measure == "registration_restriction" and x.target_key == "F1")
    view = store.close(t.task_id, "mr-quzhou", "已列入登记审查", datetime(2025, 1, 10, 9, 0))
    assert (view.status, view.closed_by, view.feedback) == ("done", "mr-quzhou", "已列入登记审查")
    with pytest.raises(TaskClosedError):
        store.close(t.task_id, "someone", "again")
    with pytest.raises(NotFoundError):
        store.close("Tnope", "someone", "x")
    rates = {r.group: r for r in execution_rates(store.rate_rows("department"), date(2025, 1, 20))}
    mr = rates["market_regulation"]  # two 15-day tasks (the person, F1): one on time, one overdue
    assert (mr.done_on_time, mr.overdue) == (1, 1) and mr.rate == pytest.approx(0.5)
    assert rates["natural_resources"].due == 0  # 30-day deadline not yet passed on 20 Jan
