"""Typed records of the data contract, after normalisation.

Every record keeps its provenance (`source` file name and `row` line number, 1-based, header = 1)
so a value can always be traced back to where it was read. Records are frozen and slotted: they
are read once and passed down unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class FirmKind(StrEnum):
    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"
    COOPERATIVE = "cooperative"
    SOCIAL_ORG = "social_org"


class FirmStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    REVOKED = "revoked"


class Role(StrEnum):
    LEGAL_REP = "legal_rep"
    OPERATOR = "operator"
    SHAREHOLDER = "shareholder"
    EXECUTIVE = "executive"
    SUPERVISOR = "supervisor"


class SubjectType(StrEnum):
    FIRM = "firm"
    PERSON = "person"


class CreditKind(StrEnum):
    ADMIN_PENALTY = "admin_penalty"
    ABNORMAL_OPERATION = "abnormal_operation"
    SERIOUS_DISHONESTY = "serious_dishonesty"
    DISHONEST_DEBTOR = "dishonest_debtor"
    RED_LIST = "red_list"
    COMMENDATION = "commendation"

    @property
    def punitive(self) -> bool:
        return self in PUNITIVE_KINDS


PUNITIVE_KINDS = frozenset(
    {
        CreditKind.ADMIN_PENALTY,
        CreditKind.ABNORMAL_OPERATION,
        CreditKind.SERIOUS_DISHONESTY,
        CreditKind.DISHONEST_DEBTOR,
    }
)


class EventSource(StrEnum):
    GRID_PATROL = "grid_patrol"
    COMPLAINT = "complaint"
    HOTLINE_12345 = "hotline_12345"
    INSPECTION = "inspection"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record was read: file name and 1-based line (the header is line 1)."""

    source: str
    row: int


@dataclass(frozen=True, slots=True)
class Firm:
    uscc: str
    name: str
    other_names: tuple[str, ...]
    kind: FirmKind
    legal_rep_name: str | None
    legal_rep_id: str | None
    address: str | None
    region_code: str | None
    phone: str | None
    industry: str | None
    status: FirmStatus
    founded_on: date | None
    registered_capital_wan: float | None
    prov: Provenance
    raw_name: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    gender: str | None
    birth_date: date | None
    address: str | None
    phone: str | None
    prov: Provenance


@dataclass(frozen=True, slots=True)
class Affiliation:
    holder_type: SubjectType
    holder_id: str
    firm_uscc: str
    role: Role
    share_pct: float | None
    start_date: date | None
    end_date: date | None
    prov: Provenance


@dataclass(frozen=True, slots=True)
class CreditRecord:
    """A public-credit record. `subject_id` is None when the published code is missing or masked;
    `masked_id` then keeps the visible pattern (e.g. 330821********0177) for resolution."""

    record_id: str
    subject_type: SubjectType
    subject_id: str | None
    masked_id: str | None
    subject_name: str
    kind: CreditKind
    authority: str | None
    document_no: str | None
    decided_on: date
    expires_on: date | None
    amount_yuan: float | None
    summary: str | None
    prov: Provenance

    @property
    def grounded(self) -> bool:
        """Legally grounded: rests on a legally effective document with a number."""
        return bool(self.document_no)

    @property
    def needs_resolution(self) -> bool:
        return self.subject_id is None


@dataclass(frozen=True, slots=True)
class Event:
    """A subject-less governance record. `text` is normalised (half-width, simplified);
    `raw_text` keeps what was typed, so evidence can quote the original."""

    event_id: str
    source: EventSource
    occurred_at: datetime
    region_code: str | None
    location: str | None
    category: str | None
    text: str
    raw_text: str
    prov: Provenance


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A row that broke the contract: it is reported, never loaded half-way."""

    file: str
    line: int
    field: str
    value: str
    reason: str


@dataclass(slots=True)
class Dataset:
    """Everything read from one data directory, plus what was quarantined."""

    firms: list[Firm] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    credit_records: list[CreditRecord] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    # Values cleared while their row loaded (unreadable phone, masked legal_rep_id, ...): reported
    # beside the quarantine, reasons in ingest.quarantine.Reason, never counted as quarantined rows.
    warnings: list[QuarantinedRow] = field(default_factory=list)
