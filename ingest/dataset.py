"""Read a whole data directory into a `Dataset`, checking references across files.

firms.csv is required (a registry without firms is not a registry); persons.csv,
affiliations.csv, credit_records.csv and events.jsonl may be absent and then read as empty.
The truth files (events_truth.csv, credit_records_truth.csv) are never read here: they exist for
benchmarks only and are read by `read_truth`.

The cross-file pass quarantines affiliations whose holder or firm is not registered
(`unknown_reference`) — checked against the files that exist, so a directory without persons.csv
keeps its person holders — and notes credit records naming a valid but unregistered code
(`unregistered_subject`, the record still loads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ContractError
from ingest.quarantine import Reason, write_quarantine_report
from ingest.readers import (
    read_affiliations,
    read_credit_records,
    read_events,
    read_firms,
    read_persons,
)
from ingest.records import Affiliation, CreditRecord, Dataset, QuarantinedRow, SubjectType
from ingest.sources import Broken, iter_csv
from ingest.text import to_halfwidth

__all__ = ["Truth", "read_dataset", "read_truth", "write_quarantine_report"]

FIRMS, PERSONS, AFFILIATIONS, CREDIT_RECORDS, EVENTS = (
    "firms.csv",
    "persons.csv",
    "affiliations.csv",
    "credit_records.csv",
    "events.jsonl",
)
EVENTS_TRUTH, CREDIT_TRUTH = "events_truth.csv", "credit_records_truth.csv"


def read_dataset(data_dir: Path, progress: bool = False) -> Dataset:
    """Read the five contract files of `data_dir`; raises ContractError on a malformed file."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ContractError(str(data_dir), None, "data directory does not exist")
    if not (data_dir / FIRMS).is_file():
        raise ContractError(FIRMS, None, f"required file missing from {data_dir}")
    ds = Dataset()
    readers = (
        (FIRMS, read_firms, "firms"),
        (PERSONS, read_persons, "persons"),
        (AFFILIATIONS, read_affiliations, "affiliations"),
        (CREDIT_RECORDS, read_credit_records, "credit_records"),
        (EVENTS, read_events, "events"),
    )
    present: set[str] = set()
    for name, reader, attr in readers:
        path = data_dir / name
        if not path.is_file():
            continue
        present.add(name)
        result = reader(path, progress=progress)
        setattr(ds, attr, result.records)
        ds.quarantine.extend(result.quarantine)
        ds.warnings.extend(result.warnings)
        ds.rows_read[name] = result.rows_read
    firms = {f.uscc for f in ds.firms}
    persons = {p.person_id for p in ds.persons} if PERSONS in present else None
    ds.affiliations = _check_affiliations(ds.affiliations, firms, persons, ds.quarantine)
    _note_unregistered(ds.credit_records, firms, persons, ds.warnings)
    return ds


def _registered(kind: SubjectType, code: str, firms: set[str], persons: set[str] | None) -> bool:
    if kind is SubjectType.FIRM:
        return code in firms
    return persons is None or code in persons


def _check_affiliations(
    rows: list[Affiliation], firms: set[str], persons: set[str] | None, quarantine: list[QuarantinedRow]
) -> list[Affiliation]:
    kept: list[Affiliation] = []
    for a in rows:
        if not _registered(a.holder_type, a.holder_id, firms, persons):
            bad = ("holder_id", a.holder_id)
        elif a.firm_uscc not in firms:
            bad = ("firm_uscc", a.firm_uscc)
        else:
            kept.append(a)
            continue
        quarantine.append(QuarantinedRow(a.prov.source, a.prov.row, *bad, Reason.UNKNOWN_REFERENCE.value))
    return kept


def _note_unregistered(
    rows: list[CreditRecord], firms: set[str], persons: set[str] | None, warnings: list[QuarantinedRow]
) -> None:
    for r in rows:
        if r.subject_id is not None and not _registered(r.subject_type, r.subject_id, firms, persons):
            warnings.append(
                QuarantinedRow(
                    r.prov.source, r.prov.row, "subject_id", r.subject_id, Reason.UNREGISTERED_SUBJECT.value
                )
            )


@dataclass(slots=True)
class Truth:
    """Ground truth of a generated or hand-made directory, as plain (id, type, entity id) tuples."""

    events: list[tuple[str, str, str]] = field(default_factory=list)
    credit_records: list[tuple[str, str, str]] = field(default_factory=list)


def _read_truth_file(path: Path, columns: tuple[str, str, str]) -> list[tuple[str, str, str]]:
    if not path.is_file():
        return []
    out: list[tuple[str, str, str]] = []
    for line, cells in iter_csv(path, columns):
        if isinstance(cells, Broken):
            if cells.kept:
                continue
            raise ContractError(path.name, line, f"{cells.reason}: {cells.value}")
        rid, kind, code = ("".join(to_halfwidth(c).split()) for c in cells)
        out.append((rid, kind.lower(), code.upper()))
    return out


def read_truth(data_dir: Path) -> Truth:
    """events_truth.csv and credit_records_truth.csv (empty lists when absent); benchmarks only."""
    data_dir = Path(data_dir)
    return Truth(
        events=_read_truth_file(data_dir / EVENTS_TRUTH, ("event_id", "entity_type", "entity_id")),
        credit_records=_read_truth_file(data_dir / CREDIT_TRUTH, ("record_id", "subject_type", "subject_id")),
    )
