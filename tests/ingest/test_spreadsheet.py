"""CSV injection: text a spreadsheet would evaluate is written inert in the CSVs people open (the
quarantine report, `review next`, the verdict export), and nothing else is touched."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.quarantine import write_quarantine_report
from ingest.records import QuarantinedRow
from ingest.spreadsheet import inert, inert_row

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "want"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+86 138", "'+86 138"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("杭州=某公司", "杭州=某公司"),
        ("0.1234", "0.1234"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_only_cells_a_spreadsheet_would_evaluate_change(cell: object, want: object) -> None:
    assert inert(cell) == want


def test_a_hostile_value_reaches_the_quarantine_report_inert(tmp_path: Path) -> None:
    row = QuarantinedRow(file="firms.csv", line=7, field="name", value=HOSTILE, reason="too long")
    write_quarantine_report([row], tmp_path / "q.csv")
    with (tmp_path / "q.csv").open(encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert got[0]["value"] == "'" + HOSTILE and got[0]["line"] == "7"


def test_the_review_file_stewards_open_has_no_live_formula(tmp_path: Path) -> None:
    from api.commands.resolution import write_ask_csv
    from resolution.review_queue import ReviewItem

    item = ReviewItem(
        item_id=1, source="events", record_id="E1", entity_type="firm", entity_id="91330000X",
        record_text="投诉 " + HOSTILE, mention=HOSTILE, candidate_name=HOSTILE, score=0.5,
        evidence="name: exact +3.0", model_version="m1", status="pending", created_at=datetime.now(UTC),
    )
    write_ask_csv([item], tmp_path / "ask.csv")
    with (tmp_path / "ask.csv").open(encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))[0]
    assert got["mention"] == got["candidate_name"] == "'" + HOSTILE
    assert got["record_id"] == "E1" and got["score"] == "0.5000"
    assert inert_row(["x", "=y"]) == ["x", "'=y"]
