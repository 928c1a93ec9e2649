"""The contract example loads whole: nothing quarantined, every row read, values normalised."""

import csv
from datetime import datetime
from pathlib import Path

from ingest.dataset import read_dataset, read_truth
from ingest.records import CreditKind, EventSource, FirmKind, SubjectType


def _data_rows(path: Path) -> int:
    if path.suffix == ".jsonl":
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_example_loads_with_nothing_quarantined(example_dir: Path) -> None:
    ds = read_dataset(example_dir)
    assert ds.quarantine == []
    assert ds.warnings == []
    expected = {
        name: _data_rows(example_dir / name)
        for name in ("firms.csv", "persons.csv", "affiliations.csv", "credit_records.csv", "events.jsonl")
    }
    assert ds.rows_read == expected
    assert len(ds.firms) == expected["firms.csv"]
    assert len(ds.persons) == expected["persons.csv"]
    assert len(ds.affiliations) == expected["affiliations.csv"]
    assert len(ds.credit_records) == expected["credit_records.csv"]
    assert len(ds.events) == expected["events.jsonl"]


def test_example_values(example_dir: Path) -> None:
    ds = read_dataset(example_dir)
    firms = {f.uscc: f for f in ds.firms}
    snack = firms["92330803MA2D00010P"]
    assert snack.kind is FirmKind.INDIVIDUAL_BUSINESS
    assert snack.other_names == ("杜泽老街小吃店", "老街小吃")
    assert snack.registered_capital_wan is None
    assert snack.prov.source == "firms.csv" and snack.prov.row == 2
    assert firms["91330803MA2D00029P"].phone == "0570-3456789"
    assert firms["91330803MA2D00037J"].address == firms["91330803MA2D00045D"].address

    # the homonym: two people named 张伟, told apart by their IDs
    zhang = [p for p in ds.persons if p.name == "张伟"]
    assert len({p.person_id for p in zhang}) == 2


def test_example_masked_credit_record(example_dir: Path) -> None:
    records = {r.record_id: r for r in read_dataset(example_dir).credit_records}
    c2 = records["C2"]
    assert c2.subject_type is SubjectType.PERSON
    assert c2.subject_id is None and c2.needs_resolution
    assert c2.masked_id == "330821********0177"
    assert c2.kind is CreditKind.DISHONEST_DEBTOR and c2.grounded
    assert c2.amount_yuan == 850000
    assert records["C1"].subject_id == "91330803MA2D00045D" and not records["C1"].needs_resolution


def test_example_event_traditional_fullwidth(example_dir: Path) -> None:
    events = {e.event_id: e for e in read_dataset(example_dir).events}
    e8 = events["E8"]
    assert e8.source is EventSource.GRID_PATROL
    assert e8.occurred_at == datetime(2024, 11, 20, 16, 45)
    assert "衢州宏达物流有限公司" in e8.text and "13905708888" in e8.text
    assert "宏達" in e8.raw_text and "１３９０５７０８８８８" in e8.raw_text
    assert e8.location == "廿里镇"
    assert e8.prov.row == 8
    assert events["E2"].location is None  # "" in the file means unknown


def test_truth(example_dir: Path) -> None:
    truth = read_truth(example_dir)
    assert ("E8", "firm", "91330802MA2D00053R") in truth.events
    assert truth.credit_records == [("C2", "person", "330821196911200177")]
    assert read_truth(example_dir / "nowhere").events == []


def test_progress_bars_do_not_change_the_result(example_dir: Path) -> None:
    quiet, loud = read_dataset(example_dir), read_dataset(example_dir, progress=True)
    assert (quiet.firms, quiet.events, quiet.rows_read) == (loud.firms, loud.events, loud.rows_read)


def test_every_reason_is_documented() -> None:
    from ingest.quarantine import Reason

    assert all(r.value in (Reason.__doc__ or "") for r in Reason)
