"""Phones to their canonical key: mobile 11 digits, landline 0AREA-SUBSCRIBER."""

import pytest

from ingest.normalize import normalize_phone, normalize_phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13857012345", "13857012345"),
        ("138 5701 2345", "13857012345"),
        ("138-5701-2345", "13857012345"),
        ("+86 138 5701 2345", "13857012345"),
        ("+8613857012345", "13857012345"),
        ("8613857012345", "13857012345"),
        ("0086 13857012345", "13857012345"),
        ("１３９０５７０８８８８", "13905708888"),
        ("0570-3456789", "0570-3456789"),
        ("05703456789", "0570-3456789"),
        ("0570 3456789", "0570-3456789"),
        ("(0570)3456789", "0570-3456789"),
        ("（０５７０）３４５６７８９", "0570-3456789"),
        ("０５７０－３４５６７８９", "0570-3456789"),
        ("+86 570 3456789", "0570-3456789"),
        ("+86-570-3888666", "0570-3888666"),
        ("+86 (0)570 3456789", "0570-3456789"),
        ("010-62345678", "010-62345678"),
        ("+86 10 62345678", "010-62345678"),
        ("021 62345678", "021-62345678"),
        ("0571-88888888", "0571-88888888"),
        ("0570-3456789转123", "0570-3456789"),
        ("400-812-3456", "4008123456"),
    ],
)
def test_canonical_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["3456789", "12345", "+1 650 253 0000", "abc", "", None, "1385701234"])
def test_not_a_subject_phone(raw: str | None) -> None:
    assert normalize_phone(raw) is None


def test_several_numbers_in_one_cell() -> None:
    assert normalize_phones("0570-3456789，13857012345/13857012345") == ["0570-3456789", "13857012345"]
    assert normalize_phones("13857012345") == ["13857012345"]
    assert normalize_phones(None) == []
