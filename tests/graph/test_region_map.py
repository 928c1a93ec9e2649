"""The regional map's numbers from plain rows: county codes, shares, open tasks, trend."""

from __future__ import annotations

from datetime import date

import pytest

from graph.region_map import county_code, region_stats, riskiest, trend_dates

KNOWN = {"330802", "330803", "330185", "331021", "330283", "330327"}


def firm(key: str, region: str | None, score: float | None = None) -> dict:
    return {"key": key, "name": key, "region_code": region, "risk_score": score}


def rec(key: str, decided: date, kind: str = "admin_penalty", **over: object) -> dict:
    row = {"record_id": f"R{key}{decided}", "kind": kind, "document_no": "衢罚〔2023〕1号",
           "decided_on": decided, "expires_on": None, "subject_label": "Firm", "subject_key": key,
           "decision": None}
    return row | over


@pytest.mark.parametrize(
    ("code", "want"),
    [("330803", "330803"), ("330803001", "330803"), ("330821", "330803"), ("330112", "330185"),
     ("331083", "331021"), ("330213", "330283"), ("330383", "330327"), ("110101", None), ("", None),
     (None, None), ("33a803", None)],
)
def test_county_code(code: str | None, want: str | None) -> None:
    assert county_code(code, KNOWN) == want


def test_trend_dates() -> None:
    assert trend_dates(date(2024, 6, 30), 3) == [date(2022, 12, 31), date(2023, 12, 31), date(2024, 6, 30)]


def test_shares_tasks_and_trend() -> None:
    firms = [
        firm("A", "330803", 0.9), firm("B", "330803", 0.2), firm("C", "330803"), firm("D", "330803", 0.5),
        firm("E", "330802", 0.1), firm("X", "110101", 0.9), firm("Y", None),
    ]
    listings = [
        rec("A", date(2022, 5, 1)),  # active from 2022 on
        rec("B", date(2023, 5, 1), expires_on=date(2023, 12, 1)),  # active in 2023 only, expired by its end
        rec("C", date(2024, 1, 1), document_no=None),  # ungrounded: never counts
        rec("D", date(2024, 1, 1), kind="red_list"),  # not punitive
        rec("E", date(2024, 2, 1), decision="review"),  # link not trusted
        rec("A", date(2024, 3, 1)),  # a second record of A: A counted once
    ]
    tasks = ["330803", "330821", "330802", "110101"]
    stats, unplaced = region_stats(
        firms, listings, tasks, date(2024, 6, 30), threshold=0.5, years=3, known=KNOWN
    )
    by = {s.code: s for s in stats}
    assert unplaced == 2 and set(by) == {"330802", "330803"}
    q = by["330803"]
    assert (q.firms, q.scored, q.high_risk) == (4, 3, 2)  # 0.9 and 0.5 (at the threshold) of three scored
    assert q.high_share == pytest.approx(2 / 3)
    assert q.open_tasks == 2  # 330821 (retired code) is drawn on 衢江区
    assert q.trend == pytest.approx((0.25, 0.25, 0.25))  # only A at each date: B expired on 2023-12-01
    assert q.listed_share == q.trend[-1]
    e = by["330802"]
    assert (e.firms, e.high_share, e.listed_share, e.open_tasks) == (1, 0.0, 0.0, 1)


def test_a_county_with_tasks_but_no_firms_still_shows() -> None:
    stats, _ = region_stats([], [], ["330185"], date(2024, 1, 1), known=KNOWN)
    assert [(s.code, s.firms, s.high_share, s.open_tasks) for s in stats] == [("330185", 0, None, 1)]


def test_riskiest_orders_by_score_then_key_unscored_last() -> None:
    firms = [firm("B", "330803", 0.4), firm("A", "330803"), firm("C", "330803", 0.9),
             firm("D", "330803", 0.4), firm("Z", "330802", 1.0)]
    assert [f["key"] for f in riskiest(firms, "330803")] == ["C", "B", "D", "A"]
    assert [f["key"] for f in riskiest(firms, "330803", limit=2)] == ["C", "B"]
