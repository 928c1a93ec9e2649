"""A synthetic Zhejiang credit world in the contract format, deterministic for a seed.

`generate(out_dir, n_firms, seed)` writes firms, persons, affiliations, credit records, events and
their ground truth. The generative model (which signals exist, how risk propagates, which noise the
events carry) is described in docs/synth.md.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .credit import CreditWriter
from .events import EventWriter
from .people import PersonFactory
from .regions import load_districts
from .registry import FirmFactory
from .risk import simulate
from .structures import dishonest_debtor, phoenix, shell_cluster
from .world import FastRandom, World, to_day
from .writer import CREDIT_HEADER, EventSink, used_persons, write_csv, write_hidden, write_registry

__all__ = ["SynthSummary", "generate"]


@dataclass(frozen=True)
class SynthSummary:
    """What was written, for the CLI and the benchmark."""

    out_dir: Path
    seed: int
    rows: dict[str, int]
    structures: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def generate(out_dir: Path, n_firms: int, seed: int, n_events: int | None = None,
             start: dt.date = dt.date(2019, 1, 1), end: dt.date = dt.date(2025, 12, 31),
             progress: bool = False, hidden: bool = False, workers: int | None = None) -> SynthSummary:
    """Write a complete data directory; the same arguments always give the same bytes.

    `workers` processes write the events (default: 2 from 100,000 events on, else 1); the bytes do
    not depend on it. `hidden` also writes hidden_risk.csv (structure tags and latent risk),
    outside the contract,
    for breaking benchmark results down by mechanism.
    """
    if n_firms < 20:
        raise ValueError("n_firms must be at least 20")
    if end <= start:
        raise ValueError(f"end {end} must be after start {start}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_events = 5 * n_firms if n_events is None else n_events
    workers = (2 if n_events >= 100_000 else 1) if workers is None else workers
    rnd = FastRandom(seed)
    rng = np.random.default_rng(seed)
    w = World(start=to_day(start), end=to_day(end), districts=load_districts())
    pf = PersonFactory(w, rnd)
    ff = FirmFactory(w, pf, rnd)
    secs: dict[str, float] = {}
    t = time.perf_counter()
    bar = tqdm(total=n_firms + n_events, desc="synth", unit="row", disable=not progress, mininterval=0.5)
    structures = {"shell_clusters": 0, "debtors": 0, "phoenix_pairs": 0}
    budget = {"shell_clusters": max(1, n_firms // 400), "debtors": max(1, n_firms // 300),
              "phoenix_pairs": max(1, n_firms // 250)}
    makers = {"shell_clusters": shell_cluster, "debtors": dishonest_debtor, "phoenix_pairs": phoenix}
    order = [k for k, v in budget.items() for _ in range(v)]
    rnd.shuffle(order)
    # ordinary firms interleaved with structures, so structures can take shares in earlier firms
    made = 0
    slot = max(1, n_firms // (len(order) + 1))
    while made < n_firms:
        if order and made % slot == 0 and made > 0:
            key = order.pop()
            made += len(makers[key](ff))
            structures[key] += 1
        else:
            ff.ordinary()
            made += 1
        if made % 5000 == 0:
            bar.update(5000)
    bar.update(n_firms - bar.n)
    secs["registry"] = time.perf_counter() - t
    t = time.perf_counter()
    simulate(w, rng)
    credit = CreditWriter(w, rnd)
    credit.build()
    secs["risk_and_credit"] = time.perf_counter() - t
    t = time.perf_counter()
    missing_rep_id = [rnd.random() < 0.03 for _ in range(len(w.f_uscc))]
    rows = _table_counts(w, credit, hidden)
    proc = None
    if workers > 1 and "fork" in mp.get_all_start_methods():
        # the tables are written by a forked child while the events are generated
        proc = mp.get_context("fork").Process(target=_write_tables,
                                              args=(w, out_dir, missing_rep_id, credit, hidden))
        proc.start()
    else:
        _write_tables(w, out_dir, missing_rep_id, credit, hidden)
    secs["write_registry"] = time.perf_counter() - t
    t = time.perf_counter()
    sink = EventSink(out_dir)
    for chunk in EventWriter(w, seed).chunks(n_events, workers):
        sink.write(chunk)
        bar.update(chunk.n_events)
    sink.close()
    bar.close()
    rows["events"], rows["events_truth"] = sink.events, sink.truth
    secs["events"] = time.perf_counter() - t
    if proc is not None:
        t = time.perf_counter()
        proc.join()
        if proc.exitcode != 0:
            raise RuntimeError(f"writing the registry tables failed (exit code {proc.exitcode})")
        secs["write_registry"] += time.perf_counter() - t  # only the wait beyond the events
    return SynthSummary(out_dir, seed, rows, structures, secs)


def _write_tables(w: World, out_dir: Path, missing_rep_id: list[bool], credit: CreditWriter,
                  hidden: bool) -> None:
    write_registry(w, out_dir, missing_rep_id)
    write_csv(out_dir / "credit_records.csv", CREDIT_HEADER, credit.rows)
    write_csv(out_dir / "credit_records_truth.csv", ["record_id", "subject_type", "subject_id"], credit.truth)
    if hidden:
        write_hidden(w, out_dir)


def _table_counts(w: World, credit: CreditWriter, hidden: bool) -> dict[str, int]:
    """Rows each table gets (known before writing, so a forked writer need not report back)."""
    persons = len(used_persons(w))
    rows = {"firms": len(w.f_uscc), "persons": persons, "affiliations": len(w.a_role),
            "credit_records": len(credit.rows), "credit_records_truth": len(credit.truth)}
    if hidden:
        rows["hidden_risk"] = len(w.f_uscc) + persons
    return rows
