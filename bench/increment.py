"""A day's increment against a full rerun, in the same process, on one generated world.

    .venv/bin/python -m bench.increment --firms 20000 --events-in-day 1000 --out bench/results/increment.md

Steps (embedded store): generate a world; cut it so that the last ~`events_in_day` events (and
the credit records and registry rows dated with them) form the day's increment
(bench.increment_split); run `credgraph run` over the whole world (the full rerun, timed); run it
over the base; apply the increment as `credgraph ingest` does (api.services.increment, timed per
stage) and serve it: the entity answer of a subject the increment linked. Both paths use the same
promoted matcher (fitted on the base) and the same as-of date; the risk model is the one the full
run trained. The differential (same graph, links and scores) is tests/api/test_increment.py's job;
here the rescored subjects' scores are compared with the full run's as a check.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from datetime import UTC, date, datetime
from pathlib import Path

from api.pipeline import run_pipeline
from api.services.increment import apply_increment
from api.settings import Settings
from bench.api_load import machine
from bench.increment_split import split_by_date
from gnn.config import RiskConfig
from gnn.scoped import score_scope
from graph.memory_store import MemoryStore
from graph.model import NodeLabel
from ingest.dataset import read_dataset
from ingest.increment import read_increment
from ingest.synth import generate
from resolution.pipeline import active_resolver, fit_resolver, record_contexts
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver, ResolverConfig

LABEL = {"firm": NodeLabel.FIRM, "person": NodeLabel.PERSON}


def day_cut(world: Path, events_in_day: int) -> date:
    """The first day of the last `events_in_day` events (by occurrence)."""
    days = sorted(
        json.loads(x)["occurred_at"][:10] for x in (world / "events.jsonl").read_text().splitlines() if x
    )
    return date.fromisoformat(days[-min(events_in_day, len(days))])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--events-in-day", type=int, default=1000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/credgraph-bench-increment"))
    ap.add_argument("--out", type=Path, default=Path("bench/results/increment.md"))
    a = ap.parse_args()
    load0 = os.getloadavg()[0]
    shutil.rmtree(a.work, ignore_errors=True)
    a.work.mkdir(parents=True)
    t = {}
    t0 = time.perf_counter()
    generate(a.work / "world", a.firms, a.seed, None, progress=False)
    t["synth"] = time.perf_counter() - t0
    cut = day_cut(a.work / "world", a.events_in_day)
    sp = split_by_date(a.work / "world", a.work / "split", [cut], rename_every=10**9, deregister=False)
    base_ds = read_dataset(sp.base)
    r = Resolver.from_dataset(base_ds, ResolverConfig())
    fit_resolver(r, record_contexts(r, base_ds))
    reg = MatcherRegistry(a.work / "matcher")
    reg.promote(reg.save(r, [], {}, note="bench: fitted on the base"), "bench")
    settings = Settings(
        matcher_dir=a.work / "matcher",
        model_dir=a.work / "models",
        review_db_url=f"sqlite:///{a.work}/queue.db",
    )
    full = MemoryStore()
    t0 = time.perf_counter()
    summary = run_pipeline(a.work / "world", a.work / "full", settings, None, progress=False, store=full)
    t["full_run"] = time.perf_counter() - t0
    as_of = date.fromisoformat(summary.as_of)
    store = MemoryStore()
    t0 = time.perf_counter()
    run_pipeline(sp.base, a.work / "base", settings, as_of, progress=False, store=store)
    t["base_run"] = time.perf_counter() - t0
    inc_dir = sp.increments[0]
    t0 = time.perf_counter()
    inc = read_increment(inc_dir, {f.uscc for f in base_ds.firms}, {p.person_id for p in base_ds.persons})
    t_read = time.perf_counter() - t0

    def make(ds):  # type: ignore[no-untyped-def]
        return active_resolver(ds, ResolverConfig(), None, settings.matcher_dir)[0]

    def scope_scores(tables, day, scope):  # type: ignore[no-untyped-def]
        return score_scope(tables, day, RiskConfig(seed=settings.seed), settings.model_dir, scope)

    t0 = time.perf_counter()
    _, rep = apply_increment(store, base_ds, inc, make, scope_scores, as_of, settings.tier_thresholds)
    linked = [c for c in rep.link_changes if c["new_decision"] == "auto_link"]
    served = store.entity(LABEL[linked[0]["entity_type"]], linked[0]["entity_id"]) if linked else None
    t["increment"] = time.perf_counter() - t0 + t_read
    same = 0
    for st, sid in rep.rescored_subjects:
        want, got = full.risk(LABEL[st], sid), store.risk(LABEL[st], sid)
        same += int(want is not None and got is not None and want.score == got.score)
    rows = {k: v for k, v in rep.rows_read.items()}
    lines = [
        "# A day's increment against the full rerun (bench/increment.py)",
        "",
        f"World: `credgraph synth --firms {a.firms} --seed {a.seed}` (embedded store), cut at {cut}: the "
        f"increment holds the rows dated from that day on.",
        "",
        f"Command: `.venv/bin/python -m bench.increment --firms {a.firms} --seed {a.seed} "
        f"--events-in-day {a.events_in_day}`",
        "",
        f"Run finished {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; Python "
        f"{platform.python_version()}; load average (1 min) {load0:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at the end.",
        "",
        "| what | value |",
        "|---|---|",
        *[f"| rows in increment: {k} | {v:,} |" for k, v in rows.items()],
        f"| registry changes | {', '.join(f'{k}={v}' for k, v in rep.registry.items() if v)} |",
        f"| records resolved (new / rechecked) | {rep.records_new} / {rep.records_rechecked} |",
        f"| links added / changed / removed | {rep.links_added} / {rep.links_changed} / "
        f"{rep.links_removed} |",
        f"| subjects rescored | {rep.rescored:,} |",
        f"| rescored with the full run's score | {same:,} of {rep.rescored:,} |",
        f"| tier changes | {len(rep.tier_changes)} |",
        f"| served: entity answer of a newly linked subject | {'yes' if served else 'no'} |",
        f"| **increment applied and served (s)** | **{t['increment']:.1f}** (read {t_read:.1f}, "
        + ", ".join(f"{k} {v:.1f}" for k, v in rep.seconds.items())
        + ") |",
        f"| **full rerun over the whole world (s)** | **{t['full_run']:.1f}** "
        f"({', '.join(f'{k} {v:.1f}' for k, v in summary.seconds.items())}) |",
        f"| base run (setup, s) | {t['base_run']:.1f} |",
        f"| ratio increment / full rerun | {t['increment'] / t['full_run']:.3f} |",
        "",
    ]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
