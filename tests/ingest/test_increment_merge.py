"""Reading and merging an increment (ingest.increment): keys, changes, idempotency, validation
against the registry it updates."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

from ingest.dataset import read_dataset
from ingest.increment import merge_increment, read_increment
from ingest.records import Dataset, FirmStatus, Provenance

EXAMPLE = Path(__file__).resolve().parent / "example"


def test_merge_upserts_by_key_and_ignores_provenance() -> None:
    base = read_dataset(EXAMPLE)
    firm = base.firms[0]
    closed = replace(firm, status=FirmStatus.CANCELLED, prov=Provenance("firms.csv", 99))
    same = replace(base.firms[1], prov=Provenance("firms.csv", 7))
    aff = base.affiliations[0]
    ended = replace(aff, end_date=date(2025, 1, 1))
    new_event = replace(base.events[0], event_id="E-new")
    inc = Dataset(firms=[closed, same], affiliations=[ended], events=[new_event])
    merged, ch = merge_increment(base, inc)
    assert ch.changed_firms == [firm.uscc] and ch.new_firms == [] and ch.old_firms[firm.uscc] == firm
    assert len(ch.changed_affiliations) == 1 and ch.new_affiliations == []
    assert ch.new_events == ["E-new"]
    assert merged.firms[0].status is FirmStatus.CANCELLED and len(merged.firms) == len(base.firms)
    assert merged.affiliations[0].end_date == date(2025, 1, 1)
    assert merged.events[-1].event_id == "E-new" and len(base.events) + 1 == len(merged.events)
    assert base.firms[0] is firm  # the base is left as it was
    again, ch2 = merge_increment(merged, inc)
    assert ch2.empty() and again.firms == merged.firms


def test_read_increment_checks_references_against_the_registry(tmp_path: Path) -> None:
    base = read_dataset(EXAMPLE)
    inc = tmp_path / "inc"
    inc.mkdir()
    shutil.copy(EXAMPLE / "affiliations.csv", inc / "affiliations.csv")
    with (inc / "affiliations.csv").open("a", encoding="utf-8") as fh:
        fh.write("person,330821197803120318,91330522MA9FBAJJ0H,supervisor,,,\n")
    firms, persons = {f.uscc for f in base.firms}, {p.person_id for p in base.persons}
    ds = read_increment(inc, firms, persons)  # no firms.csv: the registry's firms count
    assert len(ds.affiliations) == len(base.affiliations)
    assert [q.reason for q in ds.quarantine] == ["unknown_reference"]
    alone = read_increment(inc, set(), set())  # the same rows without the registry: all unknown
    assert alone.affiliations == [] and len(alone.quarantine) == len(base.affiliations) + 1
