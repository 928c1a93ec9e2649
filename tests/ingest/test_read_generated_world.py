"""A world from the synthetic generator reads back whole: the two sides of the contract agree."""

from pathlib import Path

from ingest.dataset import read_dataset, read_truth
from ingest.normalize import parse_masked_id
from ingest.synth import generate


def test_generated_world_reads_without_quarantine(tmp_path: Path) -> None:
    summary = generate(tmp_path, 300, seed=11, n_events=1500)
    ds = read_dataset(tmp_path)
    assert ds.quarantine == []
    assert ds.warnings == []
    assert ds.rows_read == {
        "firms.csv": summary.rows["firms"],
        "persons.csv": summary.rows["persons"],
        "affiliations.csv": summary.rows["affiliations"],
        "credit_records.csv": summary.rows["credit_records"],
        "events.jsonl": summary.rows["events"],
    }
    firms = {f.uscc for f in ds.firms}
    persons = {p.person_id for p in ds.persons}
    truth = read_truth(tmp_path)
    known = {"firm": firms, "person": persons}
    assert all(code in known[kind] for _, kind, code in truth.events)
    assert all(code in known[kind] for _, kind, code in truth.credit_records)
    masked = [r for r in ds.credit_records if r.needs_resolution]
    truth_by_record = {rid: code for rid, _, code in truth.credit_records}
    for record in masked:
        if record.masked_id and record.record_id in truth_by_record:
            mask = parse_masked_id(record.masked_id)
            assert mask is not None and mask.matches(truth_by_record[record.record_id])
