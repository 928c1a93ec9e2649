"""Dates, timestamps and numbers."""

from datetime import date, datetime

import pytest

from ingest.normalize import parse_date, parse_datetime, parse_float


@pytest.mark.parametrize(
    "raw",
    ["2024-03-05", "2024/3/5", "2024年3月5日", "20240305", "2024.3.5", "２０２４－０３－０５", " 2024-3-5 "],
)
def test_date_spellings(raw: str) -> None:
    assert parse_date(raw) == date(2024, 3, 5)


@pytest.mark.parametrize(
    "raw", ["2024-02-30", "2024-13-01", "20241301", "yesterday", "", None, "2024-05-06 junk"]
)
def test_bad_dates(raw: str | None) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-06T09:30:00", datetime(2024, 5, 6, 9, 30)),
        ("2024-05-06 09:30", datetime(2024, 5, 6, 9, 30)),
        ("2024-05-06T01:30:00Z", datetime(2024, 5, 6, 9, 30)),
        ("2024-05-06T09:30:00+08:00", datetime(2024, 5, 6, 9, 30)),
        ("2024/5/6 9:30", datetime(2024, 5, 6, 9, 30)),
        ("2024年5月6日9时30分", datetime(2024, 5, 6, 9, 30)),
        ("2024-05-06", datetime(2024, 5, 6)),
    ],
)
def test_datetimes(raw: str, expected: datetime) -> None:
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize("raw", ["2024/5/6 25:30", "not a time", None])
def test_bad_datetimes(raw: str | None) -> None:
    assert parse_datetime(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("850000", 850000.0), ("1,234.5", 1234.5), ("８５００", 8500.0), ("60%", 60.0), ("5000元", 5000.0)],
)
def test_numbers(raw: str, expected: float) -> None:
    assert parse_float(raw) == expected


@pytest.mark.parametrize("raw", ["nan", "inf", "", "x", None])
def test_bad_numbers(raw: str | None) -> None:
    assert parse_float(raw) is None
