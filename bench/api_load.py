"""Benchmark: the HTTP API under load vs the same queries straight through the store (the floor).

One command: `python -m bench.api_load` (options below). It generates the 200,000-firm world
(ingest.synth), starts a Neo4j of its own on 127.0.0.1 (scripts/neo4j.sh, its own port and data
folder), loads the world, writes risk scores, then for each query:
  floor: Neo4jStore.risk / Neo4jStore.associates(depth 2) from `--concurrency` threads;
  API:   GET /entities/{id}/risk and /entities/{id}/associates?depth=2 served by `credgraph serve`
         (uvicorn, 1 and 2 workers) in a second process, driven from this process over
         `--concurrency` keep-alive connections (closed loop), and for risk also open loop at a
         fixed `--rate` (latency from each request's due time),
each for a fixed duration on loopback. Prints both side by side with the ratio, with the CPU
each process spent per request, and writes bench/results/api_load.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.api_load_drivers import Run, drive_api, drive_store, measured

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
RESULTS = ROOT / "bench" / "results"


# -------------------------------------------------------------------------------------- setup


def machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(
            ln.split()[1]
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        )
    )
    return f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GiB RAM"


def world(n_firms: int, n_events: int, seed: int) -> Path:
    """The synthetic world's data directory, generated once and reused."""
    from ingest.synth import generate

    out = WORK / f"api_world_f{n_firms}_e{n_events}_s{seed}"
    if not (out / "firms.csv").exists() or not (out / ".done").exists():
        print(f"generating {n_firms:,} firms, {n_events:,} events -> {out}")
        generate(out, n_firms, seed, n_events=n_events, progress=True)
        (out / ".done").write_text("ok")
    return out


def neo4j(port: int, action: str) -> None:
    env = dict(
        os.environ,
        NEO4J_BOLT_PORT=str(port),
        NEO4J_RUN_DIR=str(WORK / f"neo4j-api-{port}"),
        NEO4J_HEAP=os.environ.get("NEO4J_HEAP", "1g"),
        NEO4J_PAGECACHE=os.environ.get("NEO4J_PAGECACHE", "1g"),
    )
    subprocess.run([str(ROOT / "scripts" / "neo4j.sh"), action], check=True, env=env)


def risk_rows(ds: Any) -> list[Any]:
    """Scores with reasons in the risk stage's JSON format (gnn.explain): the lookup's cost is the
    same whichever model computed them, and a full training run is not what is measured here."""
    from graph.model import RiskScore
    from ingest.records import SubjectType

    punitive: dict[str, list[Any]] = {}
    for r in ds.credit_records:
        if r.subject_id and r.kind.punitive:
            punitive.setdefault(r.subject_id, []).append(r)
    rep: dict[str, str] = {}
    for a in ds.affiliations:
        if a.role.value in ("legal_rep", "operator") and a.holder_type == SubjectType.PERSON:
            rep.setdefault(a.firm_uscc, a.holder_id)
    rows = []
    subjects = [(SubjectType.FIRM, f.uscc) for f in ds.firms] + [
        (SubjectType.PERSON, p.person_id) for p in ds.persons
    ]
    for st, sid in subjects:
        own = punitive.get(sid, [])
        reasons: list[dict[str, Any]] = [
            {
                "type": "record",
                "record_id": r.record_id,
                "kind": r.kind.value,
                "document_no": r.document_no,
                "grounded": r.grounded,
                "contribution": 0.3,
            }
            for r in own[:3]
        ]
        holder = rep.get(sid)
        related = len(punitive.get(holder, [])) if holder else 0
        if holder and related:
            reasons.append(
                {
                    "type": "related",
                    "hops": 1,
                    "party": f"Person:{holder}",
                    "path": f"{holder} -[LEGAL_REP]-> {sid}",
                    "contribution": 0.2,
                }
            )
        reasons.append({"type": "feature", "name": "age_days", "value": 1200.0, "contribution": 0.02})
        own_s = 1 - math.exp(-0.8 * len(own)) if own else 0.05
        rel_s = 0.25 * min(related, 2)
        score = min(0.99, own_s + rel_s * (1 - own_s))
        rows.append(
            RiskScore(
                st,
                sid,
                round(score, 6),
                round(own_s, 6),
                round(score - own_s, 6),
                "bench-risk-1",
                json.dumps(reasons, ensure_ascii=False, separators=(",", ":")),
            )
        )
    return rows


def subject_ids(data_dir: Path) -> tuple[list[str], list[str]]:
    """Firm and person keys straight from the CSVs (cheaper than reading the whole dataset)."""
    import csv

    with (data_dir / "firms.csv").open(encoding="utf-8") as fh:
        firms = [r["uscc"] for r in csv.DictReader(fh)]
    with (data_dir / "persons.csv").open(encoding="utf-8") as fh:
        persons = [r["person_id"] for r in csv.DictReader(fh)]
    return firms, persons


def load(store: Any, data_dir: Path, firms: list[str], persons: list[str]) -> dict[str, float]:
    """Load the world and its risk scores unless the database already holds them (a later run
    reuses them and reports the timings the loading run saved)."""
    from graph.model import NodeLabel
    from ingest.dataset import read_dataset

    saved = WORK / f"api_load_timings_{data_dir.name}.json"
    counts = store.counts()
    loaded = counts.get("Firm") == len(firms) and bool(counts.get("LEGAL_REP"))
    sample = store.risk(NodeLabel.FIRM, firms[-1]) if loaded else None
    if loaded and sample is not None and sample.model_version == "bench-risk-1" and saved.exists():
        return {**json.loads(saved.read_text()), "reused": 1.0}
    t0 = time.perf_counter()
    ds = read_dataset(data_dir, progress=True)
    timings = {"read_s": time.perf_counter() - t0}
    if not loaded:
        store.clear()
        t0 = time.perf_counter()
        store.load_dataset(ds, progress=True)
        timings["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.write_risk_scores(risk_rows(ds))
    timings["risk_write_s"] = time.perf_counter() - t0
    saved.write_text(json.dumps(timings))
    return timings


# -------------------------------------------------------------------------------------- server


def serve(uri: str, port: int, keys: dict[str, str], workers: int = 1) -> subprocess.Popen[bytes]:
    """`credgraph serve` in a second process, configured through the environment as in production."""
    from api.security import hash_key

    keys_file = WORK / "api_load_keys.json"
    keys_file.write_text(
        json.dumps({hash_key(k): {"name": f"bench-{r}", "role": r} for r, k in keys.items()})
    )
    env = dict(
        os.environ,
        CREDGRAPH_GRAPH_URI=uri,
        CREDGRAPH_API_KEYS_FILE=str(keys_file),
        CREDGRAPH_AUDIT_LOG=str(WORK / "api_load_audit.jsonl"),
        CREDGRAPH_REVIEW_DB_URL=f"sqlite:///{WORK / 'api_load_review.db'}",
    )
    # workers must verify each other's tokens (serve refuses --workers N without a shared secret)
    env.setdefault("CREDGRAPH_API_TOKEN_SECRET", secrets.token_urlsafe(32))
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
    )
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"credgraph serve exited ({proc.returncode}) before it was ready")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the API did not become ready")


# -------------------------------------------------------------------------------------- report


def cpu(r: Run) -> str:
    c = r.cpu_ms or {}
    api = f"{c['api']:.2f}" if "api" in c else "-"
    return f"{c.get('client', math.nan):.2f} / {api} / {c.get('neo4j', math.nan):.2f}"


def table(runs: list[Run], targets: dict[str, str]) -> str:
    lines = [
        "| query | where | requests | errors | rps | p50 ms | p95 ms | p99 ms | rps api/floor | "
        "p99 api/floor | CPU ms/req: client / api / neo4j | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    floors = {r.name: r for r in runs if r.where == "floor"}
    for r in runs:
        f = floors.get(r.name)
        ratio = f"{r.rps / f.rps:.2f}" if r.where != "floor" and f and f.rps else ""
        pratio = f"{r.pct(99) / f.pct(99):.2f}" if r.where != "floor" and f and f.pct(99) else ""
        lines.append(
            f"| {r.name} | {r.where} | {r.n:,} | {r.errors} | {r.rps:,.0f} | {r.pct(50):.1f} | "
            f"{r.pct(95):.1f} | {r.pct(99):.1f} | {ratio} | {pratio} | {cpu(r)} | "
            f"{targets.get(r.name, '') if r.where != 'floor' else ''} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--firms", type=int, default=200_000)
    ap.add_argument("--events", type=int, default=20_000, help="events are not read by these queries")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=20.0, help="duration of each measured run")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--bolt-port", type=int, default=7697)
    ap.add_argument("--api-port", type=int, default=8765)
    ap.add_argument(
        "--api-workers",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 2],
        help="uvicorn worker processes; a list runs the API once per entry (default 1,2)",
    )
    ap.add_argument(
        "--rate", type=float, default=300.0, help="also drive risk open-loop at this fixed rate (0: skip)"
    )
    ap.add_argument("--keep-neo4j", action="store_true", help="leave the benchmark's Neo4j running")
    args = ap.parse_args()

    from graph.model import NodeLabel
    from graph.store import open_store

    WORK.mkdir(parents=True, exist_ok=True)
    data_dir = world(args.firms, args.events, args.seed)
    neo4j(args.bolt_port, "start")
    uri = f"bolt://127.0.0.1:{args.bolt_port}"
    password = os.environ.get("NEO4J_PASSWORD", "credgraph-dev")
    store = open_store(uri, user="neo4j", password=password)
    proc = None
    try:
        all_firms, all_persons = subject_ids(data_dir)
        timings = load(store, data_dir, all_firms, all_persons)
        rnd = random.Random(args.seed)
        firm_ids = rnd.sample(all_firms, min(5000, len(all_firms)))
        person_ids = rnd.sample(all_persons, min(2000, len(all_persons)))
        risk_ids = firm_ids[:3500] + person_ids[:1500]
        labels = {k: NodeLabel.FIRM for k in firm_ids} | {k: NodeLabel.PERSON for k in person_ids}
        sizes = [len(store.associates(NodeLabel.FIRM, k, 2, limit=51)) for k in firm_ids[:200]]

        keys = {"service": secrets.token_urlsafe(24), "investigator": secrets.token_urlsafe(24)}
        base = f"http://127.0.0.1:{args.api_port}"
        neo_pid = int((WORK / f"neo4j-api-{args.bolt_port}" / "run" / "neo4j.pid").read_text().split()[0])
        svc, inv = {"X-API-Key": keys["service"]}, {"X-API-Key": keys["investigator"]}
        sec, conc = args.seconds, args.concurrency

        def risk_floor(k: str) -> Any:
            return store.risk(labels[k], k)

        def assoc_floor(k: str) -> Any:
            return store.associates(NodeLabel.FIRM, k, 2, limit=51)

        def risk_url(k: str) -> str:
            return f"/entities/{k}/risk"

        def assoc_url(k: str) -> str:
            return f"/entities/{k}/associates?depth=2&limit=50"

        drive_store("risk", risk_floor, risk_ids, 3, conc)  # warm the driver pool and page cache
        pids = {"client": os.getpid(), "neo4j": neo_pid}
        runs = [
            measured(lambda: drive_store("risk", risk_floor, risk_ids, sec, conc), pids),
            measured(lambda: drive_store("associates depth 2", assoc_floor, firm_ids, sec, conc), pids),
        ]
        for workers in args.api_workers:
            proc = serve(uri, args.api_port, keys, workers)
            where = f"api, {workers} worker{'s' if workers > 1 else ''}"
            drive_api("risk", base, risk_url, risk_ids, 3, conc, svc)  # warm-up
            wp = {**pids, "api": proc.pid}
            plan: list[tuple[str, Callable[[str], str], list[str], dict[str, str], float | None]] = [
                ("risk", risk_url, risk_ids, svc, None),
                ("associates depth 2", assoc_url, firm_ids, inv, None),
            ]
            if args.rate:
                plan.insert(1, ("risk", risk_url, risk_ids, svc, args.rate))
            for name, url, ids, hdr, rate in plan:
                run = measured(partial(drive_api, name, base, url, ids, sec, conc, hdr, rate), wp)
                run.where = where + (f", open loop {rate:g}/s" if rate else "")
                runs.append(run)
            proc.terminate()
            proc.wait(timeout=20)
            proc = None
        runs.sort(key=lambda r: (r.name != "risk", r.where != "floor", r.where))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        store.close()
        if not args.keep_neo4j:
            neo4j(args.bolt_port, "stop")

    targets = {"risk": ">= 300 rps, p99 <= 50 ms", "associates depth 2": "p99 <= 150 ms"}
    md_table = table(runs, targets)
    print(md_table)
    verdicts = []
    for r in runs:
        if r.where == "floor":
            continue
        if r.name == "risk":
            ok = r.rps >= 300 * 0.98 and r.pct(99) <= 50
            verdicts.append(
                f"risk ({r.where}): {r.rps:,.0f} rps, p99 {r.pct(99):.0f} ms: {'met' if ok else 'NOT met'}"
            )
        else:
            ok = r.pct(99) <= 150
            verdicts.append(
                f"associates depth 2 ({r.where}): p99 {r.pct(99):.0f} ms: {'met' if ok else 'NOT met'}"
            )
    cpu_note = "; ".join(
        f"{r.name} ({r.where}) {2000 / sum((r.cpu_ms or {}).values()):,.0f} rps"
        for r in runs
        if r.where != "floor" and r.cpu_ms
    )
    libs = ", ".join(
        f"{p} {version(p)}" for p in ("fastapi", "uvicorn", "starlette", "pydantic", "neo4j", "httpx")
    )
    loadavg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    loaded = f"read {timings['read_s']:.0f} s"
    loaded += f", load {timings['load_s']:.0f} s" if "load_s" in timings else ""
    loaded += f", risk scores {timings['risk_write_s']:.0f} s"
    loaded += "; this run reused the database an earlier run loaded" if timings.get("reused") else ""
    workers = "/".join(map(str, args.api_workers))
    text = f"""# Benchmark: the API under load vs the store directly (Neo4j)

- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}; Python {platform.python_version()}
- libraries: {libs}; Neo4j Community 5.26 (scripts/neo4j.sh, heap and page cache 1 GiB)
- command: `python -m bench.api_load --seconds {args.seconds:g} --concurrency {args.concurrency}`
- world: `ingest.synth.generate(n_firms={args.firms:,}, seed={args.seed}, n_events={args.events:,})`,
  loaded with `Neo4jStore.load_dataset` and `write_risk_scores` ({loaded}). Every firm and
  person has a score with reasons in the risk stage's JSON format; the scores are synthetic
  (a lookup costs the same whichever model computed them).
- floor: the same store calls (`Neo4jStore.risk`, `Neo4jStore.associates(depth=2, limit=51)`)
  from {args.concurrency} threads in this process.
- API: `credgraph serve` (uvicorn with httptools and uvloop; {workers} worker processes) in a
  second process on 127.0.0.1, driven over {args.concurrency} keep-alive connections by a minimal
  asyncio HTTP/1.1 client (closed loop) for {args.seconds:g} s per query after a 3 s warm-up;
  risk also open loop at a fixed {args.rate:g} requests/s (wrk2-style: latency counted from each
  request's due time, at most 16 in flight), which is how the target is phrased.
- ids at random: 3,500 firms + 1,500 persons for risk (service role: masked, audited when a
  person) and 5,000 firms for associates (investigator role; associates found at depth 2,
  capped at 51: median {int(np.median(sizes))}, p90 {int(np.percentile(sizes, 90))}, max {max(sizes)}).
- the load generator, the API, Neo4j and other agents' work (about 8 agents) shared the 2 cores
  (load average {loadavg}), and per the team's rules every benchmark process ran at
  `nice -n 10`, so the neighbours pre-empt it: latency tails (p95/p99) show those stalls and
  absolute numbers are noisy. Ratios within one run are the fairer reading, and "CPU ms/req"
  (CPU time each process spent per request, from psutil) is what each part costs independent
  of the neighbours: 2 cores / (client + api + neo4j) is the rate this machine could sustain
  alone, load generator included.

{md_table}

Targets on 2 cores (risk lookups >= 300 rps with p99 <= 50 ms; associates depth 2 p99 <= 150 ms),
as measured on the shared machine:
{chr(10).join("- " + v for v in verdicts)}

Capacity from CPU per request (2 cores / (client + api + neo4j CPU ms)): {cpu_note}.
"""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api_load.md").write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS / 'api_load.md'}")


if __name__ == "__main__":
    main()
