"""The sealed bank's writer (bench/sealed): contract-valid files that ingest reads without
quarantine, truth that points at registered subjects, masks consistent with the truth, subjects
outside the registry where the bank says so, and the same bytes for the same seed."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

# bench/ is a folder of runnable benchmarks, not an installed package: import it from the checkout
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.sealed import write_sealed  # noqa: E402
from bench.sealed.credit import mask  # noqa: E402
from bench.sealed.noise import traditional  # noqa: E402
from ingest.codes import parse_masked_id  # noqa: E402
from ingest.dataset import read_dataset  # noqa: E402
from ingest.synth import generate  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contract-example"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registry")
    generate(out, 300, seed=23, n_events=10)
    return out


@pytest.fixture(scope="module")
def bank(registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sealed")
    write_sealed(registry, out, 600, 400, seed=9)
    return out


def _check_contract(bank: Path) -> None:
    ds = read_dataset(bank)
    assert ds.quarantine == [], ds.quarantine[:3]
    firms = {f.uscc for f in ds.firms}
    persons = {p.person_id for p in ds.persons}
    events = {e.event_id for e in ds.events}
    for r in _rows(bank / "events_truth.csv"):
        assert r["event_id"] in events
        assert r["entity_id"] in (firms if r["entity_type"] == "firm" else persons), r
    needing = {c.record_id: c for c in ds.credit_records if c.needs_resolution}
    for r in _rows(bank / "credit_records_truth.csv"):
        assert r["record_id"] in needing, "truth only for records published without a full code"
        assert r["subject_id"] in (firms if r["subject_type"] == "firm" else persons), r


def test_contract_example_registry_gives_valid_files(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    reg.mkdir()
    for name in ("firms.csv", "persons.csv", "affiliations.csv"):
        shutil.copyfile(EXAMPLE / name, reg / name)
    summary = write_sealed(reg, tmp_path / "bank", 80, 40, seed=3)
    assert summary.events == 80
    _check_contract(tmp_path / "bank")


def test_synth_registry_gives_valid_files_and_honest_truth(bank: Path) -> None:
    _check_contract(bank)


def test_event_mix_has_every_form_and_a_share_about_nobody(bank: Path) -> None:
    tags = _rows(bank / "events_tags.csv")
    forms = Counter(t["form"] for t in tags)
    for form in ("zihao", "zihao_word", "address_kind", "surname_role", "full_person", "code", "multi"):
        assert forms[form] > 0, form
    truth_events = {r["event_id"] for r in _rows(bank / "events_truth.csv")}
    nobody = [t for t in tags if t["event_id"] not in truth_events]
    assert all(t["form"].startswith("none") for t in nobody)
    assert 0.12 <= len(nobody) / len(tags) <= 0.30
    styles = Counter(t["style"] for t in tags)
    assert len(styles) == 8


def test_named_person_in_truth_appears_in_the_text(bank: Path, registry: Path) -> None:
    names = {r["person_id"]: r["name"] for r in _rows(registry / "persons.csv")}
    texts = {}
    with (bank / "events.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            texts[e["event_id"]] = e["text"]
    forms = {t["event_id"]: t["form"] for t in _rows(bank / "events_tags.csv")}
    checked = 0
    for r in _rows(bank / "events_truth.csv"):
        if r["entity_type"] == "person" and forms[r["event_id"]] == "full_person":
            text = texts[r["event_id"]]
            name = names[r["entity_id"]]
            assert name in text or traditional(name) in text, (name, text)
            checked += 1
    assert checked > 0


def test_masks_agree_with_the_true_code_and_outsiders_are_not_registered(bank: Path, registry: Path) -> None:
    persons = {r["person_id"]: r["name"] for r in _rows(registry / "persons.csv")}
    truth = {r["record_id"]: r["subject_id"] for r in _rows(bank / "credit_records_truth.csv")}
    cases = {r["record_id"]: r["case"] for r in _rows(bank / "credit_tags.csv")}
    outsiders = 0
    for r in _rows(bank / "credit_records.csv"):
        case = cases[r["record_id"]]
        if case == "person_registered":
            pid, shown = truth[r["record_id"]], r["subject_id"]
            assert parse_masked_id(shown) is not None, shown
            assert shown[:1] == pid[:1] and shown[-4:] == pid[-4:]
        if case in ("person_unregistered", "firm_unregistered"):
            assert r["record_id"] not in truth
            outsiders += 1
    assert outsiders / len(cases) > 0.1
    assert len(persons) > 0


def test_every_mask_shape_is_readable() -> None:
    import random

    pid = "330821196911200177"
    for shape in ("6-8-4", "4-10-4", "6-4-8", "10-4-4", "1-13-4", "dots", "short"):
        shown = mask(pid, shape, random.Random(0))
        assert shown != pid and parse_masked_id(shown) is not None, shape


def test_same_seed_same_bytes(registry: Path, tmp_path: Path) -> None:
    write_sealed(registry, tmp_path / "a", 50, 30, seed=4)
    write_sealed(registry, tmp_path / "b", 50, 30, seed=4)
    write_sealed(registry, tmp_path / "c", 50, 30, seed=5)
    for name in ("events.jsonl", "credit_records.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes()
