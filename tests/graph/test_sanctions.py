"""Joint punishment on plain rows: which listings count, which firms they reach, which tasks and
rates follow. No database: the rows are what graph.ties documents."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from graph.sanction_tasks import MEASURES, execution_rates, load_measures, status, task_id, tasks_for
from graph.sanctions import SanctionConfig, alerts, grounds, record_active

AS_OF = date(2024, 12, 31)


def listing(record_id: str = "C1", **over: object) -> dict:
    row = {
        "record_id": record_id, "kind": "dishonest_debtor", "document_no": "(2023)浙0803执1号",
        "authority": "衢江区人民法院", "decided_on": date(2023, 1, 1), "expires_on": None,
        "subject_label": "Person", "subject_key": "330821196911200177", "subject_name": "王建国",
        "region_code": None, "rid": "published", "decision": None, "model_version": None,
    }
    return row | over


def tie(firm: str, rel: str, share: float | None = None, **over: object) -> dict:
    row = {
        "holder_label": "Person", "holder_key": "330821196911200177", "holder_name": "王建国",
        "rel": rel, "rid": "-", "firm_key": firm, "firm_name": f"{firm}公司", "firm_region_code": "330803",
        "share_pct": share, "start_date": None, "end_date": None,
    }
    return row | over


@pytest.mark.parametrize(
    ("over", "kept"),
    [
        ({}, True),
        ({"document_no": None}, False),  # no legally effective document: never grounds
        ({"document_no": "  "}, False),
        ({"expires_on": date(2024, 6, 30)}, False),  # expired (or repaired) before the as-of
        ({"expires_on": AS_OF}, True),  # still in force on its last day
        ({"decided_on": date(2025, 1, 2)}, False),  # decided after the as-of: not yet known
        ({"kind": "admin_penalty"}, False),  # not a joint-punishment list
        ({"kind": "serious_dishonesty"}, True),
        ({"decision": "review"}, False),  # a link awaiting a steward is not grounds
        ({"decision": "rejected"}, False),
        ({"decision": "auto_link", "rid": "link:m1"}, True),
    ],
)
def test_only_active_grounded_listings_count(over: dict, kept: bool) -> None:
    assert bool(grounds([listing(**over)], AS_OF, SanctionConfig())) is kept
    assert bool(alerts([listing(**over)], [tie("F1", "LEGAL_REP")], AS_OF)) is kept


def test_record_active_needs_a_decision_date() -> None:
    assert not record_active(listing(decided_on=None), AS_OF)


def test_roles_and_share_threshold_decide_which_firms_are_reached() -> None:
    ties = [
        tie("F1", "LEGAL_REP"), tie("F1", "SHAREHOLDER", 70.0),  # two roles at one firm: one alert
        tie("F2", "SHAREHOLDER", 5.0),  # exactly at the threshold: reached
        tie("F3", "SHAREHOLDER", 4.9),  # below: not reached
        tie("F4", "SHAREHOLDER", None),  # unknown share: not reached
        tie("F5", "SUPERVISOR"),  # supervisors are not named by the memoranda
        tie("F6", "EXECUTIVE", end_date=date(2024, 1, 1)),  # left before the as-of
        tie("F7", "OPERATOR", start_date=date(2025, 3, 1)),  # starts after the as-of
        tie("F8", "OPERATOR"),
        tie("F9", "EXECUTIVE", holder_key="someone else"),
    ]
    found = alerts([listing()], ties, AS_OF)
    assert [(a.relation, a.target_key) for a in found] == [
        ("listed", "330821196911200177"), ("related", "F1"), ("related", "F2"), ("related", "F8"),
    ]
    f1 = found[1]
    assert f1.roles == ("LEGAL_REP", "SHAREHOLDER") and f1.share_pct == 70.0
    assert f1.path == "王建国 —法定代表人、股东 70%→ F1公司"
    assert f1.document_no == "(2023)浙0803执1号" and f1.record_id == "C1" and f1.region_code == "330803"
    # a person's district is the hint of the ID prefix; a firm's its registered region
    assert found[0].region_code == "330821"
    higher = alerts([listing()], ties, AS_OF, SanctionConfig(min_share_pct=10.0))
    assert "F2" not in {a.target_key for a in higher}


def test_one_alert_per_record_and_subject_even_with_two_links() -> None:
    rows = [listing(), listing(rid="published", decision=None), listing(rid="link:m2", decision="auto_link")]
    assert len(alerts(rows, [], AS_OF)) == 1


def test_tasks_follow_the_measure_table_and_are_stable() -> None:
    found = alerts([listing()], [tie("F1", "LEGAL_REP")], AS_OF)
    tasks = tasks_for(found, MEASURES, AS_OF)
    listed = {t.measure for t in tasks if t.relation == "listed"}
    related = {t.measure for t in tasks if t.relation == "related"}
    assert listed == {m.code for m in MEASURES if "dishonest_debtor" in m.kinds and "listed" in m.relations}
    assert related == {m.code for m in MEASURES if "related" in m.relations}
    assert "project_approval" not in listed  # only for serious dishonesty
    land = next(t for t in tasks if t.measure == "land_bidding")
    assert land.department == "natural_resources" and land.deadline == AS_OF + timedelta(days=30)
    # same listing, target and measure: same id, whatever day the alerts ran
    again = tasks_for(found, MEASURES, AS_OF + timedelta(days=3))
    assert [t.task_id for t in again] == [t.task_id for t in tasks]
    assert land.task_id == task_id("C1", "Person", "330821196911200177", "land_bidding")
    assert len({t.task_id for t in tasks}) == len(tasks)


def test_measures_load_from_a_file(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "m.toml"
    path.write_text(
        '[[measure]]\ncode = "x"\nname = "X"\ndepartment = "d1"\ndays = 7\n'
        'kinds = ["serious_dishonesty"]\nrelations = ["related"]\n',
        encoding="utf-8",
    )
    (m,) = load_measures(path)
    assert (m.department, m.days, m.department_name) == ("d1", 7, "d1")
    assert load_measures(None) == MEASURES


def test_status_over_time() -> None:
    deadline = date(2025, 1, 15)
    assert status(deadline, None, date(2025, 1, 15)) == "open"
    assert status(deadline, None, date(2025, 1, 16)) == "overdue"
    closed = datetime(2025, 1, 20, 9, 0)
    assert status(deadline, closed, date(2025, 1, 25)) == "done"
    assert status(deadline, closed, date(2025, 1, 18)) == "overdue"  # not yet closed on that day


def test_execution_rate_counts_on_time_over_due() -> None:
    d = date(2025, 1, 15)
    rows = [
        ("330803", d, datetime(2025, 1, 10)),  # on time
        ("330803", d, datetime(2025, 1, 20)),  # late
        ("330803", d, None),  # overdue
        ("330803", date(2025, 3, 1), None),  # not due yet
        ("330803", date(2025, 3, 1), datetime(2025, 1, 31)),  # done early: due and on time
        ("330802", date(2025, 3, 1), None),
    ]
    by = {r.group: r for r in execution_rates(rows, date(2025, 2, 1))}
    r = by["330803"]
    assert (r.tasks, r.due, r.done_on_time, r.done_late, r.overdue, r.open) == (5, 4, 2, 1, 1, 1)
    assert r.rate == pytest.approx(0.5)
    assert by["330802"].rate is None and by["330802"].due == 0
    # the same tasks seen on an earlier day: the late closing had not happened yet
    early = {x.group: x for x in execution_rates(rows, date(2025, 1, 16))}["330803"]
    assert (early.due, early.done_on_time, early.overdue) == (3, 1, 2)
