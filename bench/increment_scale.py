"""A day's increment on a city-sized world (200,000 firms), against that world's base run.

    .venv/bin/python -m bench.increment_scale prepare --firms 200000 --work bench/.work/increment_f200000_s7
    .venv/bin/python -m bench.increment_scale apply --work bench/.work/increment_f200000_s7

bench/increment.py runs the full rerun, the base run and the increment in one process with two
embedded graphs; at 200,000 firms two graphs and a run's risk stage do not fit in 24 GB, and one
base run takes about 40 minutes. So this bench has two phases over one work folder:

- `prepare`: generate the world (`credgraph synth`, seed given), cut the last day's rows off
  (bench.increment_split, as bench/increment.py does), fit and promote the matcher on the base,
  run `credgraph run`'s pipeline over the base into the embedded store (timed per stage) and save
  the graph; meta.json keeps the cut, the as-of date, the timings and the machine;
- `apply`: load the saved graph and the base dataset, export the graph's tables once and import
  torch, and build the matcher POST /resolve answers with from the graph (the state a served
  process holds: `serve --data` keeps its store's last export to patch, has scored once and holds
  its matcher, whose gazetteer the day's new one takes unchanged records' values from; timed
  apart, not counted), then apply the day as POST /jobs/ingest does (api.services.increment, the
  same matcher and as-of date), timed per stage; the report sets it against the base run.

The peer is the base run, the world without its last day: a full rerun does that work and the
day's on top, so the ratio understates the increment's advantage slightly. That scores equal a
full run's is tests/api/test_increment.py's job (and bench/increment.py's at 20,000 firms).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, date, datetime
from pathlib import Path

from api.pipeline import run_pipeline
from api.services.increment import apply_increment
from api.services.resolution import load_matcher
from api.settings import Settings
from bench.api_load import machine
from bench.increment import day_cut
from bench.increment_split import split_by_date
from gnn.config import RiskConfig
from gnn.scoped import score_scope
from graph.memory_store import MemoryStore
from ingest.dataset import read_dataset
from ingest.increment import read_increment
from ingest.synth import generate
from resolution.pipeline import active_resolver, fit_resolver, record_contexts
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver, ResolverConfig

TARGET_S = 30.0


def _settings(work: Path) -> Settings:
    return Settings(
        matcher_dir=work / "matcher", model_dir=work / "models", review_db_url=f"sqlite:///{work}/queue.db"
    )


def prepare(work: Path, firms: int, seed: int, events_in_day: int) -> dict[str, object]:
    """World, split, matcher and base run; the graph saved to work/graph.pickle."""
    load0 = os.getloadavg()[0]
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    if not (work / "world" / "events.jsonl").is_file():
        generate(work / "world", firms, seed, None, progress=False)
    t["synth"] = time.perf_counter() - t0
    cut = day_cut(work / "world", events_in_day)
    sp = split_by_date(work / "world", work / "split", [cut], rename_every=10**9, deregister=False)
    base_ds = read_dataset(sp.base)
    t0 = time.perf_counter()
    resolver = Resolver.from_dataset(base_ds, ResolverConfig())
    fit_resolver(resolver, record_contexts(resolver, base_ds))
    reg = MatcherRegistry(work / "matcher")
    reg.promote(reg.save(resolver, [], {}, note="bench: fitted on the base"), "bench")
    t["matcher"] = time.perf_counter() - t0
    store = MemoryStore()
    t0 = time.perf_counter()
    summary = run_pipeline(sp.base, work / "base", _settings(work), None, progress=False, store=store)
    t["base_run"] = time.perf_counter() - t0
    store.save(work / "graph.pickle")
    meta: dict[str, object] = {
        "firms": firms,
        "seed": seed,
        "events_in_day": events_in_day,
        "cut": str(cut),
        "as_of": summary.as_of,
        "base": str(sp.base),
        "inc": str(sp.increments[0]),
        "t": t,
        "base_stages": summary.seconds,
        "finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "load": [round(load0, 1), round(os.getloadavg()[0], 1)],
    }
    (work / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def apply(work: Path, out: Path) -> str:
    """The day applied to the saved base graph; the report written to `out` and returned."""
    meta = json.loads((work / "meta.json").read_text(encoding="utf-8"))
    settings = _settings(work)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    if not (work / "graph.pickle").is_file():
        raise SystemExit(f"{work} has no saved graph: run `prepare` first")
    store = MemoryStore.load(work / "graph.pickle", keep_tables=True)
    base_ds = read_dataset(Path(meta["base"]))
    t_state = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.export_tables()  # a served store keeps its last export (serve --data sets keep_tables)
    import gnn.train  # noqa: F401 - torch and PyG, imported by a process that has scored once

    t_tables = time.perf_counter() - t0
    t0 = time.perf_counter()
    served = load_matcher(settings, store)  # what `serve` answers POST /resolve with
    t_matcher = time.perf_counter() - t0
    t0 = time.perf_counter()
    inc = read_increment(
        Path(meta["inc"]), {f.uscc for f in base_ds.firms}, {p.person_id for p in base_ds.persons}
    )
    t_read = time.perf_counter() - t0

    def make(ds):  # type: ignore[no-untyped-def]
        return active_resolver(ds, ResolverConfig(), None, settings.matcher_dir)[0]

    def scope_scores(tables, day, scope):  # type: ignore[no-untyped-def]
        return score_scope(tables, day, RiskConfig(seed=settings.seed), settings.model_dir, scope)

    as_of = date.fromisoformat(meta["as_of"])
    t0 = time.perf_counter()
    _, rep = apply_increment(
        store, base_ds, inc, make, scope_scores, as_of, settings.tier_thresholds, previous=served.gz
    )
    total = time.perf_counter() - t0 + t_read
    t0 = time.perf_counter()
    store.save(work / "graph-after.pickle")  # `credgraph ingest` then saves the state; served already
    t_save = time.perf_counter() - t0
    (work / "graph-after.pickle").unlink()
    base_s = float(meta["t"]["base_run"])
    stages = meta.get("base_stages") or {}
    lines = [
        "# A day's increment at city size (bench/increment_scale.py)",
        "",
        f"World: `credgraph synth --firms {meta.get('firms', 200000)} --seed {meta.get('seed', 7)}` "
        f"(embedded store), cut at {meta['cut']}: the increment holds the rows dated from that day on; "
        f"as of {meta['as_of']}.",
        "",
        "Commands: `.venv/bin/python -m bench.increment_scale prepare --firms "
        f"{meta.get('firms', 200000)} --work {work}` then `... apply --work {work}`",
        "",
        f"Prepare (base run) finished {meta.get('finished', 'not recorded')}; apply finished "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; Python {platform.python_version()}; "
        f"load average (1 min) at the start of apply {load0:.1f}, at end {os.getloadavg()[0]:.1f}"
        + (f"; prepare's {meta['load'][0]} → {meta['load'][1]}" if "load" in meta else "")
        + ".",
        "",
        "| what | value |",
        "|---|---|",
        *[f"| rows in increment: {k} | {v:,} |" for k, v in rep.rows_read.items()],
        f"| registry changes | {', '.join(f'{k}={v}' for k, v in rep.registry.items() if v)} |",
        f"| records resolved (new / rechecked) | {rep.records_new:,} / {rep.records_rechecked:,} |",
        f"| links added / changed / removed | {rep.links_added} / {rep.links_changed} / "
        f"{rep.links_removed} |",
        f"| subjects rescored | {rep.rescored:,} |",
        f"| tier changes | {len(rep.tier_changes)} |",
        f"| **increment applied (s)** | **{total:.1f}** (read {t_read:.1f}, "
        + ", ".join(f"{k} {v:.1f}" for k, v in rep.seconds.items())
        + ") |",
        f"| **base run over the world without the day (s)** | **{base_s:.1f}** "
        f"({', '.join(f'{k} {v:.1f}' for k, v in stages.items())}) |",
        f"| ratio increment / base run | {total / base_s:.3f} |",
        f"| target: a day applied in under {TARGET_S:.0f} s | "
        f"{'met' if total < TARGET_S else '**not met**'} |",
        f"| state loaded before the increment (graph and dataset, not counted) (s) | {t_state:.1f} |",
        f"| the served store's kept export and the GNN's libraries (torch) imported, before the "
        f"increment (not counted) (s) | {t_tables:.1f} |",
        f"| the served matcher (POST /resolve's, built from the graph; the increment's new gazetteer "
        f"takes unchanged records' values from its gazetteer) (not counted) (s) | {t_matcher:.1f} |",
        f"| graph state saved after the increment (served before it; not counted) (s) | {t_save:.1f} |",
        "",
    ]
    text = "\n".join(lines)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=("prepare", "apply"))
    ap.add_argument("--firms", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--events-in-day", type=int, default=1000)
    ap.add_argument("--work", type=Path, default=Path("bench/.work/increment_f200000_s7"))
    ap.add_argument("--out", type=Path, default=Path("bench/results/increment_scale.md"))
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    if a.phase == "prepare":
        print(json.dumps(prepare(a.work, a.firms, a.seed, a.events_in_day), indent=1))
    else:
        print(apply(a.work, a.out))


if __name__ == "__main__":
    main()
