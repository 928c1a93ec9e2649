"""Fixtures for resolution tests: the contract example as a Dataset.

Uses `ingest.dataset.read_dataset` when it exists; until then a minimal reader of the same files.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from ingest.normalize import normalize_resident_id, normalize_text, normalize_uscc, parse_masked_id
from ingest.records import (
    Affiliation,
    CreditKind,
    CreditRecord,
    Dataset,
    Event,
    EventSource,
    Firm,
    FirmKind,
    FirmStatus,
    Person,
    Provenance,
    Role,
    SubjectType,
)

_IN_REPO = Path(__file__).resolve().parents[1] / "ingest" / "example"
EXAMPLE = _IN_REPO if (_IN_REPO / "firms.csv").exists() else Path("/work/shared/contract/example")


def _d(s: str) -> date | None:
    return date.fromisoformat(s) if s else None


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _fallback_read(root: Path) -> Dataset:
    ds = Dataset()
    for i, r in enumerate(_rows(root / "firms.csv"), start=2):
        ds.firms.append(
            Firm(
                r["uscc"],
                normalize_text(r["name"]),
                tuple(normalize_text(x) for x in r["other_names"].split("|") if x),
                FirmKind(r["kind"]),
                r["legal_rep_name"] or None,
                r["legal_rep_id"] or None,
                normalize_text(r["address"]) or None,
                r["region_code"] or None,
                r["phone"] or None,
                r["industry"] or None,
                FirmStatus(r["status"]),
                _d(r["founded_on"]),
                float(r["registered_capital_wan"]) if r["registered_capital_wan"] else None,
                Provenance("firms.csv", i),
                r["name"],
            )
        )
    for i, r in enumerate(_rows(root / "persons.csv"), start=2):
        ds.persons.append(
            Person(
                r["person_id"],
                normalize_text(r["name"]),
                r["gender"] or None,
                _d(r["birth_date"]),
                normalize_text(r["address"]) or None,
                r["phone"] or None,
                Provenance("persons.csv", i),
            )
        )
    for i, r in enumerate(_rows(root / "affiliations.csv"), start=2):
        ds.affiliations.append(
            Affiliation(
                SubjectType(r["holder_type"]),
                r["holder_id"],
                r["firm_uscc"],
                Role(r["role"]),
                float(r["share_pct"]) if r["share_pct"] else None,
                _d(r["start_date"]),
                _d(r["end_date"]),
                Provenance("affiliations.csv", i),
            )
        )
    for i, r in enumerate(_rows(root / "credit_records.csv"), start=2):
        st = SubjectType(r["subject_type"])
        norm = normalize_uscc if st is SubjectType.FIRM else normalize_resident_id
        sid = norm(r["subject_id"])
        mask = parse_masked_id(r["subject_id"])
        ds.credit_records.append(
            CreditRecord(
                r["record_id"],
                st,
                sid,
                mask.pattern if mask and sid is None else None,
                normalize_text(r["subject_name"]),
                CreditKind(r["kind"]),
                r["authority"] or None,
                r["document_no"] or None,
                date.fromisoformat(r["decided_on"]),
                _d(r["expires_on"]),
                float(r["amount_yuan"]) if r["amount_yuan"] else None,
                r["summary"] or None,
                Provenance("credit_records.csv", i),
            )
        )
    with (root / "events.jsonl").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            o = json.loads(line)
            ds.events.append(
                Event(
                    o["event_id"],
                    EventSource(o["source"]),
                    datetime.fromisoformat(o["occurred_at"]),
                    o.get("region_code") or None,
                    normalize_text(o.get("location")) or None,
                    o.get("category") or None,
                    normalize_text(o["text"]),
                    o["text"],
                    Provenance("events.jsonl", i),
                )
            )
    return ds


def read_example(root: Path = EXAMPLE) -> Dataset:
    try:
        from ingest.dataset import read_dataset
    except ModuleNotFoundError:
        return _fallback_read(root)
    return read_dataset(root, progress=False)


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_ds() -> Dataset:
    return read_example()


@pytest.fixture(scope="session")
def example_truth() -> set[tuple[str, str, str, str]]:
    out = set()
    for r in _rows(EXAMPLE / "events_truth.csv"):
        out.add(("events", r["event_id"], r["entity_type"], r["entity_id"]))
    for r in _rows(EXAMPLE / "credit_records_truth.csv"):
        out.add(("credit_records", r["record_id"], r["subject_type"], r["subject_id"]))
    return out
