"""Readers for the five contract files, one function each, producing the records of records.py.

Each reader collects every row-level problem of its file (quarantine and warnings) and returns it
with the records; file-level problems raise `ContractError` from ingest.sources. Keys seen twice
keep the first row and quarantine the later ones (`duplicate_key`). Names and text are normalised
(half-width, simplified); raw spellings are kept where evidence quotes them (Firm.raw_name,
Event.raw_text). Addresses are stored as their canonical key (`normalize_address`), phones in their
canonical form (`normalize_phone`), so graph keys and resolution compare like with like.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from ingest.codes import birth_date_of
from ingest.fields import Rejected, RowParser, blank, compact_name, length_limit, too_long
from ingest.quarantine import Reason
from ingest.records import (
    Affiliation,
    CreditKind,
    CreditRecord,
    Event,
    EventSource,
    Firm,
    FirmKind,
    FirmStatus,
    Person,
    Provenance,
    QuarantinedRow,
    Role,
    SubjectType,
)
from ingest.sources import Broken, iter_csv, iter_jsonl

T = TypeVar("T")

FIRM_COLUMNS = (
    "uscc", "name", "other_names", "kind", "legal_rep_name", "legal_rep_id", "address", "region_code",
    "phone", "industry", "status", "founded_on", "registered_capital_wan",
)  # fmt: skip
PERSON_COLUMNS = ("person_id", "name", "gender", "birth_date", "address", "phone")
AFFILIATION_COLUMNS = ("holder_type", "holder_id", "firm_uscc", "role", "share_pct", "start_date", "end_date")
CREDIT_COLUMNS = (
    "record_id", "subject_type", "subject_id", "subject_name", "kind", "authority", "document_no",
    "decided_on", "expires_on", "amount_yuan", "summary",
)  # fmt: skip
EVENT_FIELDS = ("event_id", "source", "occurred_at", "region_code", "location", "category", "text")

# USCC characters 1-2: registration authority and category (GB 32100), used when `kind` is empty.
_KIND_BY_USCC = {
    "91": FirmKind.ENTERPRISE,
    "92": FirmKind.INDIVIDUAL_BUSINESS,
    "93": FirmKind.COOPERATIVE,
    "51": FirmKind.SOCIAL_ORG,
    "52": FirmKind.SOCIAL_ORG,
    "53": FirmKind.SOCIAL_ORG,
}
_ALIAS_SPLIT = re.compile(r"[|｜]")
_GENDER = {"m": "M", "male": "M", "男": "M", "男性": "M", "f": "F", "female": "F", "女": "F", "女性": "F"}


@dataclass(slots=True)
class FileResult(Generic[T]):
    """What one file gave: records, quarantined rows, cleared values and the data rows read."""

    records: list[T] = field(default_factory=list)
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    warnings: list[QuarantinedRow] = field(default_factory=list)
    rows_read: int = 0


def _check_lengths(row: Any, columns: tuple[str, ...], limits: tuple[int, ...]) -> None:
    """Reject the row at its first cell over the field's length limit (CSV cells or JSON values)."""
    values = row if isinstance(row, list) else map(row.get, columns)
    for column, limit, value in zip(columns, limits, values, strict=False):
        if type(value) is str and len(value) > limit:
            raise too_long(column, value, limit)


def _run(
    path: Path,
    rows: Iterable[tuple[int, Any]],
    build: Callable[[RowParser, Any, Provenance], T],
    key_field: str,
    key: Callable[[T], object],
    columns: tuple[str, ...],
) -> FileResult[T]:
    """Drive one file: parse each row, quarantine rejects, broken lines and duplicates, count rows."""
    parser = RowParser(path.name)
    result: FileResult[T] = FileResult(quarantine=parser.quarantine, warnings=parser.warnings)
    seen: set[object] = set()
    name = path.name
    limits = tuple(length_limit(c) for c in columns)
    for line, row in rows:
        parser.line = line
        if type(row) is Broken:
            if row.kept:  # a note about the file (its encoding), not a row
                parser.warn(row.field, row.value, row.reason)
                continue
            result.rows_read += 1
            parser.reject(Rejected(row.field, row.value, row.reason))
            continue
        result.rows_read += 1
        noted = len(parser.warnings)
        try:
            _check_lengths(row, columns, limits)
            record = build(parser, row, Provenance(name, line))
        except Rejected as exc:
            del parser.warnings[noted:]  # a quarantined row reports why it stopped, not its cleared cells
            parser.reject(exc)
            continue
        k = key(record)
        if k in seen:
            parser.reject(Rejected(key_field, str(getattr(record, key_field)), Reason.DUPLICATE_KEY))
            continue
        seen.add(k)
        result.records.append(record)
    return result


def _firm(p: RowParser, c: list[str], prov: Provenance) -> Firm:
    uscc_raw, name_raw, other, kind, rep_name, rep_id, addr, region, phone, industry, status, founded, cap = c
    uscc = p.uscc("uscc", uscc_raw)
    raw_name = p.required("name", name_raw)
    name = compact_name(raw_name)
    if not blank(kind) or uscc[:2] not in _KIND_BY_USCC:
        firm_kind = p.enum("kind", kind, FirmKind)
    else:
        firm_kind = _KIND_BY_USCC[uscc[:2]]  # empty kind: the code's category says it
    alias_cells = () if blank(other) else _ALIAS_SPLIT.split(other)
    others = tuple(dict.fromkeys(n for n in (compact_name(o) for o in alias_cells) if n and n != name))
    return Firm(
        uscc=uscc,
        name=name,
        other_names=others,
        kind=firm_kind,
        legal_rep_name=None if blank(rep_name) else compact_name(rep_name) or None,
        legal_rep_id=p.optional_resident_id("legal_rep_id", rep_id),
        address=p.address(addr),
        region_code=p.region_code("region_code", region),
        phone=p.phone("phone", phone),
        industry=p.label(industry),
        status=p.enum("status", status, FirmStatus) if not blank(status) else FirmStatus.ACTIVE,
        founded_on=p.optional_date("founded_on", founded),
        registered_capital_wan=p.optional_number("registered_capital_wan", cap.replace("万", ""), low=0),
        prov=prov,
        raw_name=raw_name,
    )


def _person(p: RowParser, c: list[str], prov: Provenance) -> Person:
    pid_raw, name, gender, birth, addr, phone = c
    pid = p.resident_id("person_id", pid_raw)
    return Person(
        person_id=pid,
        name=compact_name(p.required("name", name)),
        gender=_GENDER.get(gender.strip().lower()),
        birth_date=p.optional_date("birth_date", birth) or birth_date_of(pid),
        address=p.address(addr),
        phone=p.phone("phone", phone),
        prov=prov,
    )


def _affiliation(p: RowParser, c: list[str], prov: Provenance) -> Affiliation:
    htype_raw, holder, firm, role, share, start, end = c
    htype = p.enum("holder_type", htype_raw, SubjectType)
    return Affiliation(
        holder_type=htype,
        holder_id=p.subject_code("holder_id", holder, htype),
        firm_uscc=p.uscc("firm_uscc", firm),
        role=p.enum("role", role, Role),
        share_pct=p.optional_number("share_pct", share, low=0, high=100),
        start_date=p.date("start_date", start),
        end_date=p.date("end_date", end),
        prov=prov,
    )


def _credit(p: RowParser, c: list[str], prov: Provenance) -> CreditRecord:
    rid, stype_raw, sid, sname, kind, authority, doc, decided, expires, amount, summary = c
    record_id = p.key("record_id", rid)
    stype = p.enum("subject_type", stype_raw, SubjectType)
    subject_id, masked = p.maybe_subject_code("subject_id", sid, stype)
    if subject_id:
        name = "" if blank(sname) else compact_name(sname)
    else:
        name = compact_name(p.required("subject_name", sname))
    return CreditRecord(
        record_id=record_id,
        subject_type=stype,
        subject_id=subject_id,
        masked_id=masked,
        subject_name=name,
        kind=p.enum("kind", kind, CreditKind),
        authority=p.label(authority),
        document_no=p.text(doc),
        decided_on=p.date("decided_on", decided, required=True),  # type: ignore[arg-type]
        expires_on=p.date("expires_on", expires),
        amount_yuan=p.optional_number("amount_yuan", amount, low=0),
        summary=p.text(summary),
        prov=prov,
    )


def _cell(name: str, value: object) -> str:
    """A JSON value as the text a CSV cell would hold; lists and objects break the row."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(name, str(value)[:200], Reason.BAD_ROW)
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _same_if_equal(text: str, raw: str) -> str:
    """Share one string object when normalising changed nothing: a million events, half the memory."""
    return raw if text == raw else text


def _event(p: RowParser, obj: dict[str, Any], prov: Provenance) -> Event:
    eid, source, occurred, region, location, category, text = (
        v if type(v) is str else _cell(f, v)
        for f, v in zip(EVENT_FIELDS, map(obj.get, EVENT_FIELDS), strict=True)
    )
    raw = p.required("text", text)
    return Event(
        event_id=p.key("event_id", eid),
        source=p.enum("source", source, EventSource),
        occurred_at=p.timestamp("occurred_at", occurred),
        region_code=p.region_code("region_code", region),
        location=p.label(location),
        category=p.label(category),
        text=_same_if_equal(p.text(raw) or "", raw),
        raw_text=raw,
        prov=prov,
    )


def read_firms(path: Path, progress: bool = False) -> FileResult[Firm]:
    """firms.csv -> Firm records keyed by USCC."""
    return _run(path, iter_csv(path, FIRM_COLUMNS, progress), _firm, "uscc", lambda r: r.uscc, FIRM_COLUMNS)


def read_persons(path: Path, progress: bool = False) -> FileResult[Person]:
    """persons.csv -> Person records keyed by resident ID."""
    rows = iter_csv(path, PERSON_COLUMNS, progress)
    return _run(path, rows, _person, "person_id", lambda r: r.person_id, PERSON_COLUMNS)


def _affiliation_key(r: Affiliation) -> object:
    return (r.holder_type, r.holder_id, r.firm_uscc, r.role, r.start_date)


def read_affiliations(path: Path, progress: bool = False) -> FileResult[Affiliation]:
    """affiliations.csv -> Affiliation records; (holder, firm, role, start) twice is a duplicate.

    References to registered firms and persons are checked by `ingest.dataset.read_dataset`."""
    rows = iter_csv(path, AFFILIATION_COLUMNS, progress)
    return _run(path, rows, _affiliation, "holder_id", _affiliation_key, AFFILIATION_COLUMNS)


def read_credit_records(path: Path, progress: bool = False) -> FileResult[CreditRecord]:
    """credit_records.csv -> CreditRecord; masked or empty subject codes leave subject_id None."""
    rows = iter_csv(path, CREDIT_COLUMNS, progress)
    return _run(path, rows, _credit, "record_id", lambda r: r.record_id, CREDIT_COLUMNS)


def read_events(path: Path, progress: bool = False) -> FileResult[Event]:
    """events.jsonl -> Event records keyed by event_id; text normalised, raw_text as typed."""
    rows = iter_jsonl(path, progress)
    return _run(path, rows, _event, "event_id", lambda r: r.event_id, EVENT_FIELDS)
