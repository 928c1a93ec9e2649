"""The risk stage beside neighbours (issue 11, item 7): which kind of neighbour makes it collapse,
and what the thread settings do about it.

    .venv/bin/python -m bench.machine_sharing --firms 2000 --out bench/results/machine_sharing.md

The stage is the product's own `gnn.pipeline.score_risk` (train the risk model, score and explain
every subject) on the tables of a generated world loaded into the embedded store, run in a child
process so that each condition starts cold and its thread settings are its own. Neighbours, started
before the child and stopped after it:
- `cpu`: busy single-threaded processes (a pure-Python loop each): plain CPU competition;
- `omp`: one process doing small multi-threaded torch matrix products in a loop, the way LightGBM,
  torch and BLAS in the test suite's own processes do (OpenMP worker threads that spin at barriers);
- `jvm`: a Neo4j server answering a write loop (JVM threads, garbage collection);
- `memory`: a process holding most of the free memory (page cache and allocator pressure).
Each condition is run with the stage's threads fixed at 2 (what it used before), and with the
threads the product now picks (`gnn.config.usable_threads`: the CPUs the process may use, less
those its neighbours keep busy). Wall seconds and the ratio to the stage alone are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

_CPU_HOG = "while True: pass"
_OMP_HOG = (
    "import torch\ntorch.set_num_threads({threads})\na = torch.randn(64, 64)\n"
    "while True:\n    for _ in range(1000):\n        a = torch.tanh(a @ a)\n"
)
_MEM_HOG = (
    "import time\nblocks = []\nfor _ in range({gib} * 4):\n    blocks.append(bytearray(256 * 2**20))\n"
    "    for i in range(0, len(blocks[-1]), 4096):\n        blocks[-1][i] = 1\n"
    "while True:\n    time.sleep(1)\n"
)


def _world_tables(firms: int, work: Path) -> Path:
    """Generate, resolve and load a world with the product's own run; keep its graph tables."""
    from api.pipeline import run_pipeline
    from api.settings import Settings
    from graph.memory_store import MemoryStore
    from ingest.synth import generate

    generate(work / "data", firms, 7, progress=False)
    store = MemoryStore()
    settings = Settings(model_dir=work / "models", review_db_url=f"sqlite:///{work / 'q.db'}")
    summary = run_pipeline(work / "data", work / "out", settings, None, progress=False, store=store)
    path = work / "tables.pkl"
    with path.open("wb") as fh:
        pickle.dump((store.export_tables(), summary.as_of), fh)
    return path


def child(tables_path: Path, threads: int | None, spin: bool) -> None:
    """Time score_risk once (fresh model, no registry) and print the seconds. `spin`: OpenMP's own
    default wait policy (threads spin at barriers), as before gnn/__init__ set PASSIVE."""
    from datetime import date

    from gnn.config import RiskConfig

    if spin:
        os.environ.pop("OMP_WAIT_POLICY", None)  # before torch and lightgbm load the OpenMP runtime
    from gnn.pipeline import score_risk

    with tables_path.open("rb") as fh:
        tables, as_of = pickle.load(fh)  # noqa: S301 - written by this bench a moment ago
    cfg = RiskConfig(seed=0) if threads is None else RiskConfig(seed=0, threads=threads)
    t = time.perf_counter()
    score_risk(tables, date.fromisoformat(as_of), cfg, None)
    print(f"SECONDS {time.perf_counter() - t:.2f} THREADS {cfg.threads}")


def _neighbours(kind: str, n: int) -> list[subprocess.Popen]:
    if kind == "alone":
        return []
    if kind == "cpu":
        return [subprocess.Popen([sys.executable, "-c", _CPU_HOG]) for _ in range(n)]
    if kind == "omp":
        code = _OMP_HOG.format(threads=os.cpu_count() or 2)
        return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
    if kind == "memory":
        import psutil

        gib = max(1, int(psutil.virtual_memory().available / 2**30 * 0.8))
        return [subprocess.Popen([sys.executable, "-c", _MEM_HOG.format(gib=gib)])]
    raise ValueError(kind)


def measure(tables: Path, kind: str, n: int, threads: int | None, spin: bool = False) -> float:
    hogs = _neighbours(kind, n)
    try:
        time.sleep(2.0 if kind != "memory" else 20.0)  # let the neighbour get going
        arg = ([] if threads is None else ["--threads", str(threads)]) + (["--spin"] if spin else [])
        out = subprocess.run(
            [sys.executable, "-m", "bench.machine_sharing", "--child", str(tables), *arg],
            capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1],
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("SECONDS"))
        return float(line.split()[1])
    finally:
        for h in hogs:
            h.kill()
            h.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=2000)
    ap.add_argument("--child", type=Path)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--spin", action="store_true", help="child: OpenMP's default (spinning) wait policy")
    ap.add_argument("--conditions", default="alone,cpu:1,cpu:2,omp:1,memory:1")
    ap.add_argument("--settings", default="2 spin,2,1", help="stage threads ('auto': the product's "
                    "pick), ' spin' for OpenMP's default wait policy")
    ap.add_argument("--out", type=Path, default=RESULTS / "machine_sharing.md")
    a = ap.parse_args()
    if a.child is not None:
        child(a.child, a.threads, a.spin)
        return
    work = Path(tempfile.mkdtemp(prefix="machine-sharing-"))
    t0 = time.perf_counter()
    tables = _world_tables(a.firms, work)
    rows = []
    alone: dict[str, float] = {}
    for cond in a.conditions.split(","):
        kind, _, n = cond.partition(":")
        for label in a.settings.split(","):
            word, _, policy = label.partition(" ")
            threads = None if word == "auto" else int(word)
            secs = measure(tables, kind, int(n or 1), threads, spin=policy == "spin")
            if kind == "alone":
                alone.setdefault(label, secs)
            ratio = secs / alone[label] if label in alone else float("nan")
            who = kind if kind == "alone" else f"{kind} x{n or '1'}"
            rows.append(f"| {who} | {label} | {secs:.1f} | {ratio:.2f} |")
            print(rows[-1], flush=True)
    load = os.getloadavg()
    lines = [
        "# The risk stage beside neighbours (bench/machine_sharing.py)",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
        f"{time.perf_counter() - t0:.0f} s in all.",
        "",
        f"Command: `.venv/bin/python -m bench.machine_sharing --firms {a.firms}`. Stage: "
        "`gnn.pipeline.score_risk` (train, score, explain) on a generated world of "
        f"{a.firms} firms, in a fresh child process per row.",
        "",
        "| neighbour | stage threads | seconds | x alone |",
        "|---|---|---|---|",
        *rows,
        "",
    ]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
