"""Scaling curve of resolution: the single process, its forked workers and Spark, on one world.

    python -m bench.spark_scale --firms 20000 200000 [--seed 2031] [--engines ...]

For each world size (synthetic, `ingest.synth.generate`, about five events per firm, generated into
bench/.work/ on a seed resolution was not tuned on) every engine runs the product's own path in a
fresh process: read the data folder, fit the resolver (EM), resolve every event and masked credit
record. Engines:

- `local` — one process, `ResolverConfig(workers=1)`: what `credgraph run` does by default;
- `forked2` — the same with two forked workers (`workers=2`);
- `spark1`, `spark2` — `--engine spark` on a standalone cluster of 1 or 2 workers (one core each)
  started on loopback by bench/spark_cluster.py, the driver in the measured process.

Reported per engine: seconds for ingest, fit and resolve, records per second of the resolve stage,
and peak memory of everything the engine runs (the process, its children, and for Spark the
cluster's JVMs and executor Python processes), as the sum of PSS sampled every second, so pages
shared between forked workers count once. Every engine's links are hashed; the report says whether
all engines wrote the same links. Results: bench/results/spark_scale.md (+ .json, + a chart).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
RESULTS = ROOT / "bench" / "results"
ENGINES = ("local", "forked2", "spark1", "spark2")


# ----------------------------------------------------------------------------- one engine, one world
def run_engine(data: Path, engine: str, master: str | None, out: Path) -> None:
    """Child process: the product path, timed by stage; writes a JSON line to `out`."""
    from ingest.dataset import read_dataset
    from resolution.pipeline import resolve_with
    from resolution.resolver import Resolver, ResolverConfig

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    ds = read_dataset(data, progress=False)
    seconds["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    resolver = Resolver.from_dataset(ds, ResolverConfig(workers=2 if engine == "forked2" else 1))
    seconds["fit"] = time.perf_counter() - t
    t = time.perf_counter()
    extra: dict[str, Any] = {}
    if engine.startswith("spark"):
        from resolution.spark_engine import SparkOptions, resolve_dataset_on_spark

        assert master is not None
        conf = {
            "spark.driver.memory": "4g", "spark.executor.memory": "2g", "spark.driver.maxResultSize": "4g",
        }
        links, stats = resolve_dataset_on_spark(resolver, ds, SparkOptions(master=master, conf=conf))
        extra = {"units": stats.units, "partitions": stats.partitions, "executors": stats.executors_seen,
                 "spark_seconds": stats.seconds}
    else:
        links = resolve_with(resolver, ds)
    seconds["resolve"] = time.perf_counter() - t
    digest = hashlib.sha256()
    for lk in links:
        digest.update(
            f"{lk.source.value}|{lk.record_id}|{lk.entity_type.value}|{lk.entity_id}|{lk.score:.6f}|"
            f"{lk.decision.value}|{lk.evidence}\n".encode()
        )
    records = len(ds.events) + sum(1 for r in ds.credit_records if r.needs_resolution)
    out.write_text(json.dumps({
        "seconds": seconds, "records": records, "links": len(links), "links_sha256": digest.hexdigest(),
        **extra,
    }))


# ----------------------------------------------------------------------------- memory of a process tree
class PssSampler:
    """Peak of the summed PSS of some process trees, sampled every `every_s` seconds."""

    def __init__(self, roots: list[int], every_s: float = 1.0) -> None:
        self.roots, self.every_s, self.peak = roots, every_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for root in self.roots:
            try:
                procs = [psutil.Process(root)]
                procs += procs[0].children(recursive=True)
            except psutil.NoSuchProcess:
                continue
            for p in procs:
                try:
                    total += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.every_s)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    firms: int
    engine: str
    records: int
    seconds: dict[str, float]
    peak_gb: float
    links: int
    links_sha256: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def per_s(self) -> float:
        return self.records / self.seconds["resolve"] if self.seconds["resolve"] else 0.0


def measure(data: Path, firms: int, engine: str, tmp: Path) -> Measured:
    from bench.spark_cluster import start_local_cluster

    out = tmp / f"{engine}_{firms}.json"
    cluster = None
    if engine.startswith("spark"):
        cluster = start_local_cluster(tmp / f"cluster_{engine}_{firms}", workers=int(engine[-1]), cores=1,
                                      memory="8g")
    try:
        cmd = [sys.executable, "-m", "bench.spark_scale", "--child", str(data), engine,
               cluster.master_url if cluster else "", str(out)]
        roots = [p.pid for p in cluster.processes] if cluster else []
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        with PssSampler([proc.pid, *roots]) as sampler:
            rc = proc.wait()
        if rc != 0:
            raise RuntimeError(f"{engine} at {firms} firms exited {rc}")
    finally:
        if cluster is not None:
            cluster.stop()
    got = json.loads(out.read_text())
    extra = {k: v for k, v in got.items() if k not in ("seconds", "records", "links", "links_sha256")}
    return Measured(firms, engine, got["records"], {k: round(v, 1) for k, v in got["seconds"].items()},
                    round(sampler.peak / 2**30, 2), got["links"], got["links_sha256"], extra)


# ----------------------------------------------------------------------------- report
def _machine() -> str:
    from bench.api_load import machine

    return machine()


def _versions() -> str:
    import pyspark

    return f"Python {platform.python_version()}, pyspark {pyspark.__version__}, Java " + (
        subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    )


def chart(rows: list[Measured], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    for engine in ENGINES:
        mine = sorted((r for r in rows if r.engine == engine), key=lambda r: r.firms)
        if not mine:
            continue
        xs = [r.firms for r in mine]
        a.plot(xs, [r.seconds["fit"] + r.seconds["resolve"] for r in mine], marker="o", label=engine)
        b.plot(xs, [r.peak_gb for r in mine], marker="o", label=engine)
    for ax, title in ((a, "fit + resolve, seconds"), (b, "peak memory (PSS sum), GB")):
        ax.set_xscale("log")
        ax.set_xlabel("registered firms (about 5 events each)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


PROVINCE_FIRMS = (1_000_000, 2_000_000, 10_000_000)


def extrapolation(rows: list[Measured]) -> list[str]:
    """Per-record cost and peak memory of the single process, fitted as power laws of the number
    of firms through the two largest measured sizes, carried to province sizes. Assumptions are
    printed with the figures: they are the report's, not facts."""
    local = sorted((r for r in rows if r.engine == "local"), key=lambda r: r.firms)
    if len(local) < 2:
        return []
    a, b = local[-2], local[-1]
    ratio = b.firms / a.firms
    cost_a, cost_b = a.seconds["resolve"] / a.records, b.seconds["resolve"] / b.records
    k_cost = math.log(cost_b / cost_a) / math.log(ratio)
    k_mem = math.log(b.peak_gb / a.peak_gb) / math.log(ratio)
    per_firm = b.records / b.firms
    out = [
        "## Carried to province size (extrapolation, not measurement)",
        "",
        f"From the single process at {a.firms:,} and {b.firms:,} firms: seconds per record grow as "
        f"firms^{k_cost:.2f} ({cost_a * 1e3:.2f} → {cost_b * 1e3:.2f} ms: a larger registry gives each "
        f"record more candidates), peak memory as firms^{k_mem:.2f}. Assumed: {per_firm:.1f} records "
        "to resolve per firm (this world's ratio of events and masked credit records); the same mix of "
        "texts; Spark executors that each do the single process's work per record (measured above: "
        "their scoring seconds match the single process's) plus the overheads measured above; every "
        "executor holds the whole fitted matcher (the broadcast), so it needs nearly the single "
        "process's peak (all of it but the dataset's records).",
        "",
        "| firms | records | ms per record | core-hours to resolve | hours on 2 cores | hours on 64 cores "
        "| peak GB of the single process |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for firms in PROVINCE_FIRMS:
        x = firms / b.firms
        cost = cost_b * x**k_cost
        records = per_firm * firms
        core_h = cost * records / 3600
        out.append(
            f"| {firms:,} | {records:,.0f} | {cost * 1e3:.2f} | {core_h:,.1f} | {core_h / 2:,.1f} "
            f"| {core_h / 64:,.2f} | {b.peak_gb * x**k_mem:,.0f} |"
        )
    out += [
        "",
        "What this says: time is not the wall at province size; memory is. Spark spreads the records, "
        "not the registry: every executor unpickles the whole matcher, so the largest registry it can "
        "serve is the largest one a single executor's memory holds, the same limit as the single "
        "process. Past that the registry itself must be split (by city, with a small cross-city index "
        "for the names that travel), which credgraph does not do yet.",
        "",
    ]
    return out


def report(rows: list[Measured], seed: int, load: tuple[float, float], path: Path) -> str:
    lines = [
        "# Resolution scaling: single process, forked workers and Spark (issue 13)",
        "",
        f"`python -m bench.spark_scale --firms {' '.join(str(f) for f in sorted({r.firms for r in rows}))}"
        f" --seed {seed}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {_machine()}; {_versions()}; "
        f"load average at start {load[0]:.1f}, at end {load[1]:.1f}.",
        "",
        "Each engine in a fresh process, the same world, the product's own path (read, fit, resolve). "
        "Spark: a standalone cluster on loopback (one core per worker), driver in the measured process. "
        "Peak: summed PSS of every process the engine runs, sampled each second.",
        "",
        "| firms | engine | records | ingest s | fit s | resolve s | records/s (resolve) | vs local "
        "| peak GB | same links as local |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for firms in sorted({r.firms for r in rows}):
        mine = [r for r in rows if r.firms == firms]
        base = next((r for r in mine if r.engine == "local"), None)
        for r in mine:
            ratio = f"{base.seconds['resolve'] / r.seconds['resolve']:.2f}x" if base else "-"
            same = "-" if base is None else ("yes" if r.links_sha256 == base.links_sha256 else "**NO**")
            lines.append(
                f"| {firms:,} | {r.engine} | {r.records:,} | {r.seconds['ingest']:.1f} "
                f"| {r.seconds['fit']:.1f} | {r.seconds['resolve']:.1f} | {r.per_s:,.0f} | {ratio} "
                f"| {r.peak_gb:.2f} | {same} |"
            )
    spark = [r for r in rows if r.engine.startswith("spark")]
    if spark:
        lines += ["", "Inside Spark's resolve stage, seconds: starting the session, broadcasting the fitted "
                  "matcher, scoring (wall, from the driver), and the seconds the executors spent in "
                  "credgraph's own scoring (summed over executors; the rest of the wall time is Spark's "
                  "shuffle, Arrow transfer and collection): "
                  + "; ".join(f"{r.firms:,} firms {r.engine}: " + ", ".join(
                      f"{k} {v:.1f}" for k, v in r.extra.get("spark_seconds", {}).items()) for r in spark)]
    lines += ["", f"![scaling]({path.with_suffix('.png').name})", ""]
    lines += extrapolation(rows)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, nargs="+", default=[20_000])
    ap.add_argument("--seed", type=int, default=2031)
    ap.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    ap.add_argument("--child", nargs=4, metavar=("DATA", "ENGINE", "MASTER", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=RESULTS / "spark_scale.md")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the .json of the last run (after a run was cut short)")
    args = ap.parse_args()
    if args.report_only:
        rows = [Measured(**r) for r in json.loads(args.out.with_suffix(".json").read_text())]
        chart(rows, args.out.with_suffix(".png"))
        load = os.getloadavg()[0]
        args.out.write_text(report(rows, args.seed, (load, load), args.out))
        print(args.out.read_text())
        return
    if args.child:
        data, engine, master, out = args.child
        run_engine(Path(data), engine, master or None, Path(out))
        return
    from ingest.synth import generate

    load0 = os.getloadavg()[0]
    rows: list[Measured] = []
    tmp = WORK / "spark_scale"
    tmp.mkdir(parents=True, exist_ok=True)
    for firms in args.firms:
        data = WORK / f"scale_world_f{firms}_s{args.seed}"
        if not (data / "events.jsonl").exists():
            print(f"generating {firms:,} firms into {data}", flush=True)
            generate(data, firms, args.seed, progress=True)
        for engine in args.engines:
            print(f"{firms:,} firms: {engine}", flush=True)
            m = measure(data, firms, engine, tmp)
            print(f"  {asdict(m)}", flush=True)
            rows.append(m)
            args.out.with_suffix(".json").write_text(json.dumps([asdict(r) for r in rows], indent=1))
    chart(rows, args.out.with_suffix(".png"))
    args.out.write_text(report(rows, args.seed, (load0, os.getloadavg()[0]), args.out))
    print(args.out.read_text())


if __name__ == "__main__":
    main()
