"""Benchmark: load a synthetic world into Neo4j over Bolt with our store, against the offline
`neo4j-admin database import full` of the same rows (the ceiling), in one run.

    python -m bench.load_neo4j                 # 200,000 firms, 1,000,000 events (seed 7)
    python -m bench.load_neo4j --firms 2000    # a quick check
    python -m bench.load_neo4j --memory-check  # then: the networkx store holds the same counts

Each side gets a fresh Neo4j home of its own under bench/.work/load_neo4j (Bolt server on port
7688, imported database checked on port 7689), started by scripts/neo4j.sh. Prints rows/s for
nodes and relationships, peak memory of client and server, totals and the ratio, and writes
bench/results/load_neo4j.md (machine, date, versions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import neo4j

from graph.import_csv import import_command_args, write_import_csv
from graph.neo4j_store import Neo4jStore
from graph.rows import dataset_rows
from ingest.dataset import read_dataset
from ingest.records import Dataset

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j.sh"
RESULTS = ROOT / "bench" / "results" / "load_neo4j.md"
PASSWORD = "credgraph-bench"


def sh(action: list[str], home: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "NEO4J_RUN_DIR": str(home),
        "NEO4J_BOLT_PORT": str(port),
        "NEO4J_PASSWORD": PASSWORD,
        **env,
    }
    return subprocess.run(
        ["bash", str(SCRIPT), *action], env=full, text=True, capture_output=True, check=True
    )


def server_cpu_s(home: Path) -> float:
    """User + system CPU seconds the running server has used (every thread), from /proc."""
    pid = (home / "run" / "neo4j.pid").read_text().strip()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def load_world(world: Path) -> Dataset:
    """The world's Dataset, read once and then kept as a pickle beside it (re-runs skip parsing)."""
    cache = world / "dataset.pickle"
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own file
    ds = read_dataset(world, progress=True)
    with cache.open("wb") as fh:
        pickle.dump(ds, fh, protocol=5)
    return ds


def server_peak_rss_mb(home: Path) -> float | None:
    """VmHWM (peak resident set) of the running server, read from /proc."""
    pid_file = home / "run" / "neo4j.pid"
    try:
        for line in Path(f"/proc/{pid_file.read_text().strip()}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def machine() -> dict[str, str]:
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
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    try:
        import importlib.metadata as md

        rust = md.version("neo4j-rust-ext")
    except Exception:  # noqa: BLE001 - optional package
        rust = "not installed"
    return {
        "nproc": str(os.cpu_count()),
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "driver": neo4j.__version__,
        "rust_ext": rust,
        "java": java,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def ensure_world(work: Path, firms: int, seed: int) -> Path:
    world = work / f"world-{firms}-{seed}"
    if not (world / ".complete").exists():
        from ingest.synth import generate

        t = time.perf_counter()
        generate(world, firms, seed, progress=True)
        (world / ".complete").write_text(f"{time.perf_counter() - t:.1f}\n")
    return world


def bolt_load(ds, work: Path, batch_size: int, workers: int) -> dict:  # noqa: ANN001
    home = work / "neo4j-bolt"
    sh(["wipe"], home, 7688)
    sh(["start"], home, 7688)
    driver = neo4j.GraphDatabase.driver("bolt://127.0.0.1:7688", auth=("neo4j", PASSWORD))
    try:
        store = Neo4jStore(driver, "neo4j", batch_size=batch_size, workers=workers)
        store.ensure_schema()
        cpu0, client0 = server_cpu_s(home), time.process_time()
        report = store.load_dataset(ds, progress=True)
        cpu = {"server": server_cpu_s(home) - cpu0, "client": time.process_time() - client0}
        counts = store.counts()
        server_rss = server_peak_rss_mb(home)
    finally:
        driver.close()
        sh(["stop"], home, 7688)
    return {
        "report": report,
        "counts": counts,
        "server_rss_mb": server_rss,
        "cpu": cpu,
        "client_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def admin_import(ds, work: Path) -> dict:  # noqa: ANN001
    home, csv_dir = work / "neo4j-import", work / "import-csv"
    t0 = time.perf_counter()
    files = write_import_csv(dataset_rows(ds), csv_dir)
    t1 = time.perf_counter()
    sh(["wipe"], home, 7689)
    cpu0 = children_cpu_s()
    out = sh(["admin", *import_command_args(files)], home, 7689, NEO4J_ADMIN_HEAP="1g")
    t2, cpu = time.perf_counter(), children_cpu_s() - cpu0
    sh(["start"], home, 7689)  # check the imported database holds the same graph
    driver = neo4j.GraphDatabase.driver("bolt://127.0.0.1:7689", auth=("neo4j", PASSWORD))
    try:
        counts = Neo4jStore(driver, "neo4j").counts()
    finally:
        driver.close()
        sh(["stop"], home, 7689)
    tail = [ln.strip() for ln in out.stdout.splitlines() if "IMPORT DONE" in ln or "Peak memory" in ln]
    # the tool's own figure: RUSAGE_CHILDREN would count the forked Python before exec
    peak = next((ln.split(":", 1)[1].strip() for ln in tail if ln.startswith("Peak memory")), "?")
    return {
        "csv_s": t1 - t0,
        "import_s": t2 - t1,
        "cpu_s": cpu,
        "counts": counts,
        "rss_mb": peak,
        "log": tail,
    }


def memory_load(ds) -> dict:  # noqa: ANN001
    from graph.memory_store import MemoryStore

    store = MemoryStore()
    report = store.load_dataset(ds)
    return {
        "report": report,
        "counts": store.counts(),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def memory_check(ds, work: Path, out: Path) -> None:  # noqa: ANN001
    """Load the networkx store and compare its counts with the database the last run imported;
    the line is appended to the results (for a separate, memory-hungry run after the main one)."""
    mem = memory_load(ds)
    home = work / "neo4j-import"
    sh(["start"], home, 7689)
    driver = neo4j.GraphDatabase.driver("bolt://127.0.0.1:7689", auth=("neo4j", PASSWORD))
    try:
        counts = Neo4jStore(driver, "neo4j").counts()
    finally:
        driver.close()
        sh(["stop"], home, 7689)
    line = (
        f"Networkx store (MemoryStore, separate run) loaded the same world in {mem['report'].seconds:.1f} s, "
        f"peak RSS {mem['rss_mb']:,.0f} MiB; counts identical to the imported database: "
        f"**{mem['counts'] == counts}** ({sum(mem['counts'].values()):,} nodes + relationships).\n"
    )
    print(line)
    with out.open("a", encoding="utf-8") as fh:
        fh.write(line)


def render(args: argparse.Namespace, m: dict, sizes: dict, bolt: dict, imp: dict, mem: dict | None) -> str:
    rep = bolt["report"]
    n_nodes, n_rels = sum(rep.nodes.values()), sum(rep.relationships.values())
    ph = rep.phase_seconds
    ratio = rep.seconds / imp["import_s"]
    rows = [
        ("nodes written", f"{n_nodes:,}", f"{sum(imp['counts'][k] for k in rep.nodes):,} (in db)", ""),
        (
            "relationships written",
            f"{n_rels:,}",
            f"{sum(imp['counts'][k] for k in rep.relationships):,} (in db)",
            "",
        ),
        ("node rows/s", f"{n_nodes / ph['nodes']:,.0f}", "", ""),
        ("relationship rows/s", f"{n_rels / ph['relationships']:,.0f}", "", ""),
        ("records -> rows (s)", f"{ph['rows']:.1f}", f"{imp['csv_s']:.1f} (rows + CSV files)", ""),
        ("nodes phase (s)", f"{ph['nodes']:.1f}", "", ""),
        ("relationships phase (s)", f"{ph['relationships']:.1f}", "", ""),
        (
            "**total (s)**",
            f"**{rep.seconds:.1f}**",
            f"**{imp['import_s']:.1f}** (neo4j-admin alone)",
            f"**{ratio:.2f}x**",
        ),
        (
            "total incl. CSV writing (s)",
            f"{rep.seconds:.1f}",
            f"{imp['csv_s'] + imp['import_s']:.1f}",
            f"{rep.seconds / (imp['csv_s'] + imp['import_s']):.2f}x",
        ),
        (
            "peak RSS client (MiB)",
            f"{bolt['client_rss_mb']:,.0f}",
            f"{imp['rss_mb']} (neo4j-admin's own peak)",
            "",
        ),
        ("peak RSS server (MiB)", f"{bolt['server_rss_mb'] or float('nan'):,.0f}", "-", ""),
        (
            "CPU seconds (client + server)",
            f"{bolt['cpu']['client']:.0f} + {bolt['cpu']['server']:.0f}",
            f"{imp['cpu_s']:.0f} (neo4j-admin)",
            f"{(bolt['cpu']['client'] + bolt['cpu']['server']) / imp['cpu_s']:.2f}x",
        ),
    ]
    same = bolt["counts"] == imp["counts"]
    lines = [
        "# Loading a synthetic world into Neo4j: Bolt (our store) vs neo4j-admin import",
        "",
        f"Run `NEO4J_HEAP={os.environ.get('NEO4J_HEAP', '1g')} "
        f"NEO4J_PAGECACHE={os.environ['NEO4J_PAGECACHE']} "
        f"nice -n 10 python -m bench.load_neo4j --firms {args.firms} --seed {args.seed} --batch-size "
        f"{args.batch_size} --workers {args.workers}` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram']} RAM; load average at start "
        f"{m['load']}, at end {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(the machine is shared with other agents' work; the client ran under `nice -n 10`)",
        "- Neo4j Community 5.26.31 (Maven Central, scripts/neo4j.sh; "
        f"heap {os.environ.get('NEO4J_HEAP', '1g')}, "
        f"page cache {os.environ.get('NEO4J_PAGECACHE', '1g')}), {m['java']}; Python {m['python']}, driver "
        f"neo4j {m['driver']}, neo4j-rust-ext {m['rust_ext']}",
        f"- world: {', '.join(f'{k} {v:,}' for k, v in sizes.items())}",
        "",
        "| metric | Bolt: Neo4jStore.load_dataset | neo4j-admin database import full | Bolt / import |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        f"Counts per label and type identical in the Bolt-loaded and the imported database: **{same}**.",
    ]
    if mem is not None:
        lines.append(
            f"Networkx store (MemoryStore) loaded in {mem['report'].seconds:.1f} s; counts identical "
            f"to the Bolt-loaded database: **{mem['counts'] == bolt['counts']}**."
        )
    lines += [
        "",
        "Bolt load: batched `UNWIND $rows` MERGE on key constraints (created first, so the Bolt side also "
        "maintains 6 unique indexes and 2 text indexes), nodes then relationships, "
        f"{args.workers} concurrent write transactions of {args.batch_size:,} rows. neo4j-admin builds the "
        "store offline without indexes or constraints. Import log: " + "; ".join(imp["log"]),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=2_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / ".work" / "load_neo4j")
    ap.add_argument("--no-memory-store", action="store_true", help="skip loading the networkx store too")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--memory-check", action="store_true", help="only load the networkx store and compare")
    args = ap.parse_args()
    os.environ.setdefault("NEO4J_PAGECACHE", "1g")
    m = machine()
    world = ensure_world(args.work, args.firms, args.seed)
    t = time.perf_counter()
    ds = load_world(world)
    print(f"read {world} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    sizes = {
        "firms": len(ds.firms),
        "persons": len(ds.persons),
        "affiliations": len(ds.affiliations),
        "credit records": len(ds.credit_records),
        "events": len(ds.events),
    }
    if args.memory_check:
        memory_check(ds, args.work, args.out)
        return
    bolt = bolt_load(ds, args.work, args.batch_size, args.workers)
    imp = admin_import(ds, args.work)
    mem = None if args.no_memory_store else memory_load(ds)
    text = render(args, m, sizes, bolt, imp, mem)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
