"""Write the sealed bank over one registry directory: a copy of its registry files, new events and
new credit records with their truth (contract format), plus tag files for aggregate breakdowns."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.sealed.credit import CreditWriter
from bench.sealed.events import EventWriter
from bench.sealed.registry import Registry

REGISTRY_FILES = ("firms.csv", "persons.csv", "affiliations.csv")


@dataclass(frozen=True)
class SealedSize:
    """One fixed configuration: the registry (`credgraph synth --firms --seed`) and the bank's seed."""

    firms: int
    synth_seed: int
    bank_seed: int
    events: int
    credit_records: int


# Fixed before any run of credgraph on the bank's output. Do not change.
SIZES: dict[str, SealedSize] = {
    "20k": SealedSize(firms=20_000, synth_seed=1061, bank_seed=610_001, events=8_000, credit_records=3_000),
    "200k": SealedSize(
        firms=200_000, synth_seed=1062, bank_seed=610_002, events=20_000, credit_records=8_000
    ),
}


@dataclass
class SealedSummary:
    events: int
    credit_records: int
    event_forms: dict[str, int]
    credit_cases: dict[str, int]


def write_sealed(registry_dir: Path, out_dir: Path, n_events: int, n_credit: int, seed: int) -> SealedSummary:
    """Copy the registry of `registry_dir` to `out_dir` and write the sealed events and credit
    records about it (events.jsonl, events_truth.csv, credit_records.csv, credit_records_truth.csv)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in REGISTRY_FILES:
        shutil.copyfile(registry_dir / name, out_dir / name)
    reg = Registry(registry_dir)
    forms = EventWriter(reg, random.Random(seed)).write(out_dir, n_events)
    cases = CreditWriter(reg, random.Random(seed + 1)).write(out_dir, n_credit)
    return SealedSummary(n_events, n_credit, forms, cases)
