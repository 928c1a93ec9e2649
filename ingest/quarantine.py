"""Why a row was set aside, and the report that lists every such row.

Two kinds of entry share one report format (`file,line,field,value,reason`):

- quarantined rows (`Dataset.quarantine`): the row broke the contract and was not loaded;
- cleared values (`Dataset.warnings`): the row loaded, one optional value could not be read and was
  left empty. Their reasons start with ``cleared_`` (or say what was kept out), so the report tells
  the two apart and nothing is dropped silently.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from ingest.atomic import atomic_open
from ingest.records import QuarantinedRow
from ingest.spreadsheet import inert_row


class Reason(StrEnum):
    """The closed set of reasons a row or a value is set aside.

    Row not loaded:
      missing_required  — a required cell is empty (key, name, enum, decided_on, occurred_at, text)
      bad_code          — a USCC or resident ID fails its check digit / date, or a mask is unreadable
      bad_date          — a date or timestamp cell that is not a real date
      bad_number        — a number cell that is not a finite number, or out of range (share 0-100)
      unknown_enum      — kind, status, role, subject_type, holder_type or source outside the contract
      duplicate_key     — the key was already read in this file (the first row wins)
      unknown_reference — an affiliation names a holder or firm that the registry files lack
      bad_row           — wrong number of cells (value: expected and got), an unreadable CSV quote,
                          or a JSON value that is a list or object
      bad_json          — a JSON line that does not parse, nests too deep, or is not an object
      bad_encoding      — a line whose bytes are not in the file's encoding (UTF-8 or GB18030)
      too_long          — a value over its field's length limit, or a line over 1 MiB
    Row loaded, value set aside:
      cleared_phone         — the phone cell holds no mainland number (kept empty)
      cleared_region_code   — the region code is not 6 digits (kept empty)
      cleared_id            — a firm's legal_rep_id fails its check digit (kept empty)
      cleared_date          — an optional descriptive date (founded_on, birth_date) is unreadable
      cleared_number        — an optional amount (capital, share, fine) is unreadable or out of range
      encoding              — the file is not UTF-8 but GB18030 and was read as such (file note)
      masked_id             — a firm's legal_rep_id is published masked (kept empty)
      unregistered_subject  — a credit record names a valid code that no registry file holds
    """

    MISSING_REQUIRED = "missing_required"
    BAD_CODE = "bad_code"
    BAD_DATE = "bad_date"
    BAD_NUMBER = "bad_number"
    UNKNOWN_ENUM = "unknown_enum"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_REFERENCE = "unknown_reference"
    BAD_ROW = "bad_row"
    BAD_JSON = "bad_json"
    BAD_ENCODING = "bad_encoding"
    TOO_LONG = "too_long"
    CLEARED_PHONE = "cleared_phone"
    CLEARED_REGION_CODE = "cleared_region_code"
    CLEARED_ID = "cleared_id"
    CLEARED_DATE = "cleared_date"
    CLEARED_NUMBER = "cleared_number"
    ENCODING = "encoding"
    MASKED_ID = "masked_id"
    UNREGISTERED_SUBJECT = "unregistered_subject"

    @property
    def row_kept(self) -> bool:
        """True for reasons that only clear a value; the row itself loads."""
        return self in _ROW_KEPT


_ROW_KEPT = frozenset(
    {
        Reason.CLEARED_PHONE,
        Reason.CLEARED_REGION_CODE,
        Reason.CLEARED_ID,
        Reason.CLEARED_DATE,
        Reason.CLEARED_NUMBER,
        Reason.ENCODING,
        Reason.MASKED_ID,
        Reason.UNREGISTERED_SUBJECT,
    }
)

REPORT_COLUMNS = ("file", "line", "field", "value", "reason")


def write_quarantine_report(rows: Iterable[QuarantinedRow], path: Path) -> int:
    """Write `file,line,field,value,reason` rows (UTF-8, header first); returns how many.

    Rows are sorted by file and line so that two runs over the same data give the same file.
    """
    ordered = sorted(rows, key=lambda r: (r.file, r.line, r.field, r.reason))
    with atomic_open(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_COLUMNS)
        for r in ordered:
            writer.writerow(inert_row((r.file, r.line, r.field, r.value, r.reason)))
    return len(ordered)
