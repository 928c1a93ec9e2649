"""Cell parsing for the readers: each method returns a typed value or rejects the row.

A `RowParser` belongs to one file. Readers call its methods cell by cell; a cell that breaks the
contract raises `Rejected`, which the reader turns into one quarantine entry and moves on. Optional
values that cannot be read but need not stop the row are cleared and noted as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TypeVar

from ingest.codes import is_masked, normalize_resident_id, normalize_uscc, parse_masked_id
from ingest.phones import normalize_phones
from ingest.quarantine import Reason
from ingest.records import QuarantinedRow, SubjectType
from ingest.text import normalize_address, normalize_text, to_halfwidth
from ingest.values import parse_date, parse_datetime, parse_float

E = TypeVar("E", bound=Enum)
_MEMO_LIMIT = 200_000

# Longest value a cell may hold, in characters; a longer one is not that field (a pasted document,
# a broken export) and the row is quarantined as too_long. Free text gets room for long complaints.
LENGTH_LIMITS: dict[str, int] = {
    "text": 20_000, "summary": 20_000, "address": 1_000, "location": 1_000, "other_names": 4_000,
    "name": 300, "subject_name": 300, "legal_rep_name": 300, "authority": 300, "document_no": 300,
}  # fmt: skip
DEFAULT_LENGTH_LIMIT = 200


def length_limit(field_name: str) -> int:
    """The most characters `field_name` may hold (LENGTH_LIMITS, else DEFAULT_LENGTH_LIMIT)."""
    return LENGTH_LIMITS.get(field_name, DEFAULT_LENGTH_LIMIT)


def too_long(field_name: str, value: str, limit: int) -> Rejected:
    """The rejection of an over-long cell; its value is shortened to a readable excerpt."""
    shown = f"{value[:40]}… ({len(value):,} characters; limit {limit:,})"
    return Rejected(field_name, shown, Reason.TOO_LONG)


class Rejected(Exception):
    """Internal: the current row breaks the contract at `field`."""

    def __init__(self, field: str, value: str, reason: Reason) -> None:
        super().__init__(f"{field}={value!r}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason


# Placeholders that exports write for "no value"; read as an empty cell (the contract's unknown).
NULL_TOKENS = frozenset(
    {"-", "--", "—", "——", "/", "\\", "无", "空", "暂无", "不详", "null", "none", "n/a", "na", "nan"}
)


def blank(value: str) -> bool:
    """True for an empty cell or a placeholder such as 无, -, N/A."""
    text = value.strip()
    return not text or text.lower() in NULL_TOKENS


def compact_name(s: str | None) -> str:
    """Normalised name; spaces dropped unless the name has Latin letters (张 伟 -> 张伟)."""
    text = normalize_text(s)
    if " " in text and not any("a" <= c.lower() <= "z" for c in text):
        text = text.replace(" ", "")
    return text


@dataclass(slots=True)
class RowParser:
    """Parses the cells of one file's rows, collecting quarantine entries and warnings."""

    file: str
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    warnings: list[QuarantinedRow] = field(default_factory=list)
    line: int = 0
    # Memo of low-cardinality cells (categories, locations, enum values): millions of rows repeat them.
    _memo: dict[tuple[object, str], object] = field(default_factory=dict)

    def reject(self, exc: Rejected) -> None:
        self.quarantine.append(QuarantinedRow(self.file, self.line, exc.field, exc.value, exc.reason.value))

    def warn(self, name: str, value: str, reason: Reason) -> None:
        self.warnings.append(QuarantinedRow(self.file, self.line, name, value, reason.value))

    # --- text -------------------------------------------------------------------------------
    def required(self, name: str, value: str) -> str:
        """The stripped cell; rejects the row when it is empty."""
        text = value.strip()
        if not text or text.lower() in NULL_TOKENS:
            raise Rejected(name, value, Reason.MISSING_REQUIRED)
        return text

    def key(self, name: str, value: str) -> str:
        """A record key (record_id, event_id): half-width, spaces removed, never empty."""
        if value.isascii() and value.isalnum():
            return value
        return "".join(to_halfwidth(self.required(name, value)).split())

    @staticmethod
    def text(value: str) -> str | None:
        return normalize_text(value) or None

    def label(self, value: str) -> str | None:
        """`text` for cells that repeat (category, location, authority): normalised once each."""
        memo_key = ("label", value)
        try:
            return self._memo[memo_key]  # type: ignore[return-value]
        except KeyError:
            pass
        out = None if blank(value) else normalize_text(value) or None
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[memo_key] = out
        return out

    @staticmethod
    def address(value: str) -> str | None:
        return normalize_address(value)

    # --- enums, dates, numbers ---------------------------------------------------------------
    def enum(self, name: str, value: str, enum_cls: type[E]) -> E:
        memo_key = (enum_cls, value)
        found = self._memo.get(memo_key)
        if found is not None:
            return found  # type: ignore[return-value]
        text = self.required(name, value).strip().lower()
        try:
            member = enum_cls(text)
        except ValueError:
            raise Rejected(name, value, Reason.UNKNOWN_ENUM) from None
        self._memo[memo_key] = member
        return member

    def optional_date(self, name: str, value: str) -> date | None:
        """A descriptive date (founded_on, birth_date): an unreadable one is cleared and noted."""
        if blank(value):
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.warn(name, value, Reason.CLEARED_DATE)
        return parsed

    def date(self, name: str, value: str, required: bool = False) -> date | None:
        if blank(value):
            if required:
                raise Rejected(name, value, Reason.MISSING_REQUIRED)
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise Rejected(name, value, Reason.BAD_DATE)
        return parsed

    def timestamp(self, name: str, value: str) -> datetime:
        parsed = parse_datetime(self.required(name, value))
        if parsed is None:
            raise Rejected(name, value, Reason.BAD_DATE)
        return parsed

    def number(
        self, name: str, value: str, low: float | None = None, high: float | None = None
    ) -> float | None:
        if blank(value):
            return None
        parsed = parse_float(value)
        if parsed is None or (low is not None and parsed < low) or (high is not None and parsed > high):
            raise Rejected(name, value, Reason.BAD_NUMBER)
        return parsed

    def optional_number(
        self, name: str, value: str, low: float | None = None, high: float | None = None
    ) -> float | None:
        """An amount that never stops a row (capital, share, fine): unreadable = cleared and noted."""
        try:
            return self.number(name, value, low, high)
        except Rejected:
            self.warn(name, value, Reason.CLEARED_NUMBER)
            return None

    # --- codes -------------------------------------------------------------------------------
    def uscc(self, name: str, value: str) -> str:
        code = normalize_uscc(self.required(name, value))
        if code is None:
            raise Rejected(name, value, Reason.BAD_CODE)
        return code

    def resident_id(self, name: str, value: str) -> str:
        code = normalize_resident_id(self.required(name, value))
        if code is None:
            raise Rejected(name, value, Reason.BAD_CODE)
        return code

    def subject_code(self, name: str, value: str, kind: SubjectType) -> str:
        return self.uscc(name, value) if kind is SubjectType.FIRM else self.resident_id(name, value)

    def maybe_subject_code(self, name: str, value: str, kind: SubjectType) -> tuple[str | None, str | None]:
        """(code, mask) of a published subject: both None when empty, mask when masked."""
        if blank(value):
            return None, None
        if is_masked(value):
            masked = parse_masked_id(value)
            if masked is None:
                raise Rejected(name, value, Reason.BAD_CODE)
            return None, masked.pattern
        return self.subject_code(name, value, kind), None

    # --- optional values that never stop a row -----------------------------------------------
    def phone(self, name: str, value: str) -> str | None:
        """First mainland number in the cell, canonical; an unreadable cell is cleared and noted."""
        if blank(value):
            return None
        found = normalize_phones(value)
        if not found:
            self.warn(name, value, Reason.CLEARED_PHONE)
            return None
        return found[0]

    def region_code(self, name: str, value: str) -> str | None:
        if len(value) == 6 and value.isdigit() and value.isascii():
            return value
        text = "".join(to_halfwidth(value).split())
        if blank(text):
            return None
        if len(text) == 6 and text.isdigit():
            return text
        self.warn(name, value, Reason.CLEARED_REGION_CODE)
        return None

    def optional_resident_id(self, name: str, value: str) -> str | None:
        if blank(value):
            return None
        code = normalize_resident_id(value)
        if code is None:
            self.warn(name, value, Reason.MASKED_ID if is_masked(value) else Reason.CLEARED_ID)
        return code
