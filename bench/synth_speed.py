"""Benchmark: the synthetic world generator at full scale, against a naive faker-per-row writer.

One command: `python -m bench.synth_speed` (options: --firms, --events, --sample). It generates the
200,000-firm world with 1,000,000 events (ours, end to end: registry, risk process, credit records,
events, all files written), records wall and CPU time and peak memory, and in the same run times a
naive peer on a small sample — one faker call per field per row (name, company, address, phone,
sentence), check digits by stdnum, csv rows written one by one — extrapolated linearly to the same
size. The peer writes far poorer data (no structures, no truth, no risk); it only shows what the
obvious approach costs. Target: under 5 minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from ingest.synth import generate

RESULTS = Path(__file__).parent / "results"
TARGET_S = 300.0


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except OSError:
        mem = float("nan")
    return f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, {cpu}"


def naive_peer(out: Path, n_firms: int, n_events: int, seed: int) -> tuple[float, float]:
    """Faker per row and field, the way a first script would do it; returns (wall, CPU) seconds."""
    from faker import Faker
    from stdnum.cn import ric, uscc

    fk = Faker("zh_CN")
    fk.seed_instance(seed)
    rnd = random.Random(seed)
    t, c = time.perf_counter(), time.process_time()
    with (out / "firms.csv").open("w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh)
        for _ in range(n_firms):
            body = "91330803MA" + "".join(rnd.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=7))
            code = body + uscc.calc_check_digit(body)
            pid17 = "330803" + fk.date_of_birth(minimum_age=22, maximum_age=70).strftime("%Y%m%d") + "123"
            wr.writerow([code, fk.company(), fk.name(), pid17 + ric.calc_check_digit(pid17 + "0"),
                         fk.address(), fk.phone_number(), fk.date_between("-20y", "today").isoformat()])
    with (out / "events.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n_events):
            text = f"{fk.company()}{fk.sentence()}{fk.name()}称{fk.sentence()}"
            fh.write(json.dumps({"event_id": f"E{i}", "occurred_at": fk.date_time_this_decade().isoformat(),
                                 "location": fk.street_name(), "text": text}, ensure_ascii=False) + "\n")
    return time.perf_counter() - t, time.process_time() - c


def plot_profile(data: Path, seconds: dict[str, float], path: Path) -> None:
    """Stage times, punitive records per year by kind, subjects per event: the world at a glance."""
    from collections import Counter

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with (data / "credit_records.csv").open(encoding="utf-8", newline="") as fh:
        per_year = Counter((r["decided_on"][:4], r["kind"]) for r in csv.DictReader(fh))
    with (data / "events_truth.csv").open(encoding="utf-8", newline="") as fh:
        per_event = Counter(r["event_id"] for r in csv.DictReader(fh))
    with (data / "events.jsonl").open(encoding="utf-8") as fh:
        n_events = sum(1 for _ in fh)
    subjects = Counter(per_event.values())
    subjects[0] = n_events - len(per_event)
    fig, ax = plt.subplots(1, 3, figsize=(15, 4))
    ax[0].barh(list(seconds), list(seconds.values()), color="#4477aa")
    ax[0].set_xlabel("seconds (wall, shared CPU)")
    ax[0].set_title("generation stages")
    years = sorted({y for y, _ in per_year})
    kinds = sorted({k for _, k in per_year})
    bottom = [0] * len(years)
    for k in kinds:
        vals = [per_year[(y, k)] for y in years]
        ax[1].bar(years, vals, bottom=bottom, label=k)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax[1].legend(fontsize=7)
    ax[1].set_title("credit records per year by kind")
    ks = sorted(subjects)
    ax[2].bar([str(k) for k in ks], [subjects[k] for k in ks], color="#228833")
    ax[2].set_xlabel("registered subjects named in the event")
    ax[2].set_title("events by number of true subjects")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=200_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument(
        "--sample", type=int, default=None, help="firms in the naive peer's run (default: all, full scale)"
    )
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth_bench_") as tmp:
        ours_dir, peer_dir = Path(tmp) / "ours", Path(tmp) / "peer"
        peer_dir.mkdir()
        load0 = os.getloadavg()[0]
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        summary = generate(ours_dir, args.firms, args.seed, args.events, progress=True)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += kids.ru_utime + kids.ru_stime  # the event workers' CPU time
        load1 = os.getloadavg()[0]
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mib = sum(p.stat().st_size for p in ours_dir.iterdir()) / 2**20
        RESULTS.mkdir(exist_ok=True)
        plot_profile(ours_dir, summary.seconds, RESULTS / "synth_speed.png")
        args.sample = args.sample or args.firms
        ratio_events = args.events / args.firms
        sample_events = int(args.sample * ratio_events)
        peer_s, peer_cpu = naive_peer(peer_dir, args.sample, sample_events, args.seed)
        peer_full = peer_s * args.firms / args.sample
        peer_cpu_full = peer_cpu * args.firms / args.sample
    libs = ", ".join(f"{p} {version(p)}" for p in ("numpy", "scipy", "faker", "python-stdnum", "opencc"))
    rows = summary.rows
    lines = [
        "# Benchmark: synthetic world generation (`credgraph synth`)",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {_machine()}",
        f"- Python {platform.python_version()}",
        f"- libraries: {libs}",
        f"- command: `python -m bench.synth_speed --firms {args.firms} --events {args.events}`"
        f" (seed {args.seed}).",
        "- Load average (1 min) at start/end of our run: "
        f"{load0:.1f} / {load1:.1f} on {os.cpu_count()} cores (above the core count, wall times are noisy;",
        "  CPU time is the steadier figure).",
        f"- Peer: a naive faker-per-row writer run on {args.sample:,} firms + {sample_events:,} events in the"
        " same run"
        + (" (full scale, nothing extrapolated)" if args.sample == args.firms else ", extrapolated linearly")
        + "; it writes far poorer data (no structures, truth or risk).",
        "",
        f"| | ours | naive peer{'' if args.sample == args.firms else ' (extrapolated)'} | ratio peer/ours |",
        "|---|---:|---:|---:|",
        f"| wall time, {args.firms:,} firms + {args.events:,} events | {wall:.1f} s | {peer_full:.1f} s | "
        f"{peer_full / wall:.1f}x |",
        f"| vs 5-minute target | {wall / TARGET_S:.0%} of target | {peer_full / TARGET_S:.0%} of target | |",
        f"| CPU time | {cpu:.1f} s | {peer_cpu_full:.1f} s | {peer_cpu_full / cpu:.1f}x |",
        f"| peak memory (RSS, ours) | {peak_mib:,.0f} MiB main process, {worker_mib:,.0f} MiB largest event"
        " worker (forked: pages shared copy-on-write) | | |",
        f"| output size | {size_mib:,.0f} MiB | | |",
        "",
        "Stage times (ours): " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.seconds.items())
        + " (with workers the tables are written by a forked child during the events stage; write_registry"
        " is only the wait beyond it).",
        "",
        "Rows written: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()),
        "",
        "![profile](synth_speed.png)",
        "",
        "Structures: " + ", ".join(f"{k} {v:,}" for k, v in summary.structures.items()),
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synth_speed.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"ours  {wall:8.1f} s wall, {cpu:.1f} s CPU, peak {peak_mib:,.0f} MiB")
    print(f"peer  {peer_full:8.1f} s wall, {peer_cpu_full:.1f} s CPU (from {args.sample:,} firms)")
    verdict = "met" if wall < TARGET_S else "MISSED"
    print(f"ratio {peer_full / wall:8.1f}x; target {TARGET_S:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()
