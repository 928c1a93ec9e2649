"""Daily increments in the contract format: read one, and merge it into the registry it updates.

An increment folder holds only new or changed rows, in the same five files as a data directory
(any of them may be absent, firms.csv included). Each row is read by the same readers as a full
run (same quarantine, same warnings); the cross-file checks then run against the registry the
increment updates, so an affiliation may name a firm registered months ago.

Merging is by key, the same keys the graph uses: firms by USCC, persons by resident ID,
affiliations by (holder, firm, role, start date) — an affiliation that ends is its old row with
an end date —, credit records by record_id, events by event_id. A row equal to the stored one
(provenance aside) is no change, so the same increment merged twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from ingest.dataset import AFFILIATIONS, CREDIT_RECORDS, EVENTS, FIRMS, PERSONS
from ingest.quarantine import Reason
from ingest.readers import read_affiliations, read_credit_records, read_events, read_firms, read_persons
from ingest.records import (
    Affiliation,
    CreditRecord,
    Dataset,
    Event,
    Firm,
    Person,
    QuarantinedRow,
    SubjectType,
)

T = TypeVar("T")
AffiliationKey = tuple[str, str, str, str, str]


def affiliation_key(a: Affiliation) -> AffiliationKey:
    """(holder type, holder, firm, role, start date): one graph relationship (rid = start date)."""
    start = a.start_date.isoformat() if a.start_date else "-"
    return (a.holder_type.value, a.holder_id, a.firm_uscc, a.role.value, start)


def same_facts(a: Any, b: Any) -> bool:
    """Equal in every field but provenance (where a row was read says nothing about its content)."""
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(a) if f.name != "prov")


@dataclass
class Changes:
    """What an increment changed, by key. `old_*` keep the replaced rows (a renamed firm's old name)."""

    new_firms: list[str] = field(default_factory=list)
    changed_firms: list[str] = field(default_factory=list)
    new_persons: list[str] = field(default_factory=list)
    changed_persons: list[str] = field(default_factory=list)
    new_affiliations: list[AffiliationKey] = field(default_factory=list)
    changed_affiliations: list[AffiliationKey] = field(default_factory=list)
    new_credit_records: list[str] = field(default_factory=list)
    changed_credit_records: list[str] = field(default_factory=list)
    new_events: list[str] = field(default_factory=list)
    changed_events: list[str] = field(default_factory=list)
    old_firms: dict[str, Firm] = field(default_factory=dict)
    old_persons: dict[str, Person] = field(default_factory=dict)

    def empty(self) -> bool:
        return not any(
            getattr(self, f.name) for f in fields(self) if f.name.startswith(("new_", "changed_"))
        )

    def counts(self) -> dict[str, int]:
        return {
            f.name: len(getattr(self, f.name))
            for f in fields(self)
            if f.name.startswith(("new_", "changed_"))
        }


def _merge(
    base: list[T], inc: Sequence[T], key: Callable[[T], Hashable]
) -> tuple[list[T], list[Any], list[Any], dict[Any, T]]:
    """base with inc upserted: replaced rows stay in place, new ones are appended in inc's order."""
    at = {key(x): i for i, x in enumerate(base)}
    out = list(base)
    new: list[Any] = []
    changed: list[Any] = []
    old: dict[Any, T] = {}
    for x in inc:
        k = key(x)
        i = at.get(k)
        if i is None:
            at[k] = len(out)
            out.append(x)
            new.append(k)
        elif not same_facts(out[i], x):
            old.setdefault(k, out[i])
            out[i] = x
            changed.append(k)
    return out, new, changed, old


def merge_increment(base: Dataset, inc: Dataset) -> tuple[Dataset, Changes]:
    """The registry and records after `inc`, and what changed; `base` is left as it was."""
    ch = Changes()
    firms, ch.new_firms, ch.changed_firms, ch.old_firms = _merge(base.firms, inc.firms, lambda f: f.uscc)
    persons, ch.new_persons, ch.changed_persons, ch.old_persons = _merge(
        base.persons, inc.persons, lambda p: p.person_id
    )
    affiliations, ch.new_affiliations, ch.changed_affiliations, _ = _merge(
        base.affiliations, inc.affiliations, affiliation_key
    )
    credit, ch.new_credit_records, ch.changed_credit_records, _ = _merge(
        base.credit_records, inc.credit_records, lambda r: r.record_id
    )
    events, ch.new_events, ch.changed_events, _ = _merge(base.events, inc.events, lambda e: e.event_id)
    merged = Dataset(
        firms=firms,
        persons=persons,
        affiliations=affiliations,
        credit_records=credit,
        events=events,
        rows_read=dict(inc.rows_read),
    )
    return merged, ch


def read_increment(data_dir: Path, firms: set[str], persons: set[str], progress: bool = False) -> Dataset:
    """Read an increment folder (every file optional) with the full run's readers; affiliations are
    checked against `firms` / `persons` (the registry before it) plus the increment's own rows."""
    data_dir = Path(data_dir)
    ds = Dataset()
    readers: tuple[tuple[str, Callable[..., Any], str], ...] = (
        (FIRMS, read_firms, "firms"),
        (PERSONS, read_persons, "persons"),
        (AFFILIATIONS, read_affiliations, "affiliations"),
        (CREDIT_RECORDS, read_credit_records, "credit_records"),
        (EVENTS, read_events, "events"),
    )
    for name, reader, attr in readers:
        path = data_dir / name
        if not path.is_file():
            continue
        result = reader(path, progress=progress)
        setattr(ds, attr, result.records)
        ds.quarantine.extend(result.quarantine)
        ds.warnings.extend(result.warnings)
        ds.rows_read[name] = result.rows_read
    known_firms = firms | {f.uscc for f in ds.firms}
    known_persons = persons | {p.person_id for p in ds.persons}
    ds.affiliations = _known_affiliations(ds.affiliations, known_firms, known_persons, ds.quarantine)
    for r in ds.credit_records:
        if r.subject_id is not None and r.subject_id not in (
            known_firms if r.subject_type is SubjectType.FIRM else known_persons
        ):
            ds.warnings.append(
                QuarantinedRow(
                    r.prov.source, r.prov.row, "subject_id", r.subject_id, Reason.UNREGISTERED_SUBJECT.value
                )
            )
    return ds


def _known_affiliations(
    rows: list[Affiliation], firms: set[str], persons: set[str], quarantine: list[QuarantinedRow]
) -> list[Affiliation]:
    kept = []
    for a in rows:
        holders = firms if a.holder_type is SubjectType.FIRM else persons
        if a.holder_id not in holders:
            quarantine.append(
                QuarantinedRow(
                    a.prov.source, a.prov.row, "holder_id", a.holder_id, Reason.UNKNOWN_REFERENCE.value
                )
            )
        elif a.firm_uscc not in firms:
            quarantine.append(
                QuarantinedRow(
                    a.prov.source, a.prov.row, "firm_uscc", a.firm_uscc, Reason.UNKNOWN_REFERENCE.value
                )
            )
        else:
            kept.append(a)
    return kept


__all__ = [
    "Changes",
    "CreditRecord",
    "Event",
    "affiliation_key",
    "merge_increment",
    "read_increment",
    "same_facts",
]
