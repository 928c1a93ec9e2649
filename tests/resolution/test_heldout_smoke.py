"""Held-out events (bench/heldout, phrased apart from our generator): the writer is deterministic,
its truth is honest, and on records nobody could doubt the resolver makes no false auto link."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

# bench/ is a folder of runnable benchmarks, not an installed package: import it from the checkout
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.heldout import write_heldout  # noqa: E402
from bench.heldout.score import read_pairs, score  # noqa: E402
from ingest.dataset import read_dataset  # noqa: E402
from ingest.readers import read_events  # noqa: E402
from ingest.records import Dataset  # noqa: E402
from ingest.synth import generate  # noqa: E402
from resolution.pipeline import resolve_dataset  # noqa: E402
from resolution.resolver import ResolverConfig  # noqa: E402


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("world")
    generate(out, 200, seed=11, n_events=20)
    return read_dataset(out)


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_writer_is_deterministic_for_a_seed(world: Dataset, tmp_path: Path) -> None:
    write_heldout(world, tmp_path / "a", 60, seed=5)
    write_heldout(world, tmp_path / "b", 60, seed=5)
    write_heldout(world, tmp_path / "c", 60, seed=6)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")["events.jsonl"] != _files(tmp_path / "c")["events.jsonl"]


def test_events_follow_the_contract_and_truth_names_registered(world: Dataset, tmp_path: Path) -> None:
    write_heldout(world, tmp_path, 200, seed=3)
    events = read_events(tmp_path / "events.jsonl")
    assert len(events.records) == 200 and not events.quarantine
    firms = {f.uscc for f in world.firms}
    persons = {p.person_id for p in world.persons}
    truth = read_pairs(tmp_path / "events_truth.csv")
    assert truth, "a held-out set with no truth would score nothing"
    for _, kind, ent in truth:
        assert ent in (firms if kind == "firm" else persons)
    # events about no registered subject exist and carry no truth row
    with (tmp_path / "events_tags.csv").open(encoding="utf-8") as fh:
        tags = {r["event_id"]: r for r in csv.DictReader(fh)}
    no_subject = [e for e, r in tags.items() if "no_subject" in r["tags"]]
    assert no_subject and not {t[0] for t in truth} & set(no_subject)


def test_clean_heldout_events_resolve_without_false_auto_links(world: Dataset, tmp_path: Path) -> None:
    write_heldout(world, tmp_path, 30, seed=2, clean=True)
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30 and all(json.loads(x)["region_code"] for x in lines)
    events = read_events(tmp_path / "events.jsonl").records
    truth = read_pairs(tmp_path / "events_truth.csv")
    assert {t[0] for t in truth} == {e.event_id for e in events}, "every clean record names a subject"
    ds = Dataset(firms=world.firms, persons=world.persons, affiliations=world.affiliations, events=events)
    links = [
        (lk.record_id, lk.entity_type.value, lk.entity_id, lk.decision.value)
        for lk in resolve_dataset(ds, ResolverConfig())
    ]
    s = score(links, [e.event_id for e in events], truth, set(), {})
    assert s.overall.auto > 0
    assert s.overall.strict_precision == 1.0, s.false_auto
    assert s.overall.recall >= 0.9, s.missed
