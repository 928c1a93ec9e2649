"""A soak of mixed API traffic (issue 11, item 6): latency, errors and memory over time.

    .venv/bin/python -m bench.soak --firms 20000 --seconds 600 --rate 300

Sets up as bench/api_load does (a generated world in a Neo4j server of its own on 127.0.0.1,
scores written, `credgraph serve` in a second process configured through the environment), then
drives it from this process, open loop at `--rate` requests/s (each request due at a fixed time and
timed from then, so a stalled server cannot hide its queue), for `--seconds`, and stops by itself.
The mix: 80 % risk of a firm or person (service role, masked: systems asking for related-party
risk), 10 % entity, 8 % associates at depth 2, 2 % search by name (investigators). Every 10 s:
requests, errors, latency p50/p95/p99, and the resident memory of the API process and of Neo4j.
Memory is called flat when the API's resident size in the last minute is within 10 % of the second
minute's (the first minute warms caches). Writes bench/results/soak.md and soak.png.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import numpy as np
import psutil

from bench.api_load import RESULTS, WORK, load, neo4j, serve, subject_ids, world
from bench.api_load_drivers import _Conn, _hostport

WINDOW_S = 10.0


@dataclass
class Soak:
    done: list[tuple[float, float, int]] = field(default_factory=list)  # (due - t0, latency ms, status)
    rss: list[tuple[float, float, float]] = field(default_factory=list)  # (t - t0, api MiB, neo4j MiB)
    cut_off: int = 0  # requests still unanswered 10 s after the schedule ended


def _rss_mib(pid: int) -> float:
    try:
        p = psutil.Process(pid)
        return sum(x.memory_info().rss for x in [p, *p.children(recursive=True)]) / 2**20
    except psutil.Error:
        return float("nan")


async def _drive(base: str, plan: list[tuple[str, dict[str, str]]], seconds: float, rate: float,
                 out: Soak, t0: float, max_in_flight: int = 32) -> None:
    pools: dict[str, asyncio.Queue[_Conn]] = {}
    for _, hdr in plan:
        key = hdr["X-API-Key"]
        if key not in pools:
            pools[key] = asyncio.Queue()
            for _ in range(max_in_flight // 2):
                pools[key].put_nowait(_Conn(*_hostport(base), hdr))

    async def one(url: str, hdr: dict[str, str], due: float) -> None:
        q = pools[hdr["X-API-Key"]]
        conn = await q.get()
        try:
            status = await conn.get(url)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 599
            conn.close()
            conn = _Conn(*_hostport(base), hdr)
        q.put_nowait(conn)
        out.done.append((due - t0, (time.perf_counter() - due) * 1000, status))

    tasks = []
    for i in range(int(seconds * rate)):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        url, hdr = plan[i % len(plan)]
        tasks.append(asyncio.create_task(one(url, hdr, due)))
        if len(tasks) > 5000:
            tasks = [t for t in tasks if not t.done()]
    # bounded: what the server has not answered 10 s after the last request was due is cut off and
    # counted as not served (a soak that outlives its schedule would measure its own backlog)
    _, late = await asyncio.wait(tasks, timeout=10.0) if tasks else (set(), set())
    for t in late:
        t.cancel()
    out.cut_off = len(late)


def _warmup_line(warm: Soak, a: argparse.Namespace) -> list[str]:
    """What the warm-up before the soak saw (the cold start a freshly started server pays)."""
    if not warm.done:
        return ["- no warm-up: the soak starts on a server just started"]
    lat = np.array([d[1] for d in warm.done])
    bad = sum(1 for d in warm.done if d[2] != 200) + warm.cut_off
    return [
        f"- warm-up before the soak (not counted below): {len(warm.done):,} requests in {a.warmup:g} s at "
        f"{a.rate / 3:g}/s on the server just started, errors {bad}, p50 {np.percentile(lat, 50):.1f} ms, "
        f"p99 {np.percentile(lat, 99):.1f} ms"
    ]


def _windows(s: Soak, seconds: float) -> list[dict[str, float]]:
    arr = np.array(s.done, dtype=float) if s.done else np.zeros((0, 3))
    rss = np.array(s.rss, dtype=float) if s.rss else np.zeros((0, 3))
    rows = []
    for w0 in np.arange(0.0, seconds, WINDOW_S):
        sel = arr[(arr[:, 0] >= w0) & (arr[:, 0] < w0 + WINDOW_S)]
        rs = rss[(rss[:, 0] >= w0) & (rss[:, 0] < w0 + WINDOW_S)]
        lat = sel[:, 1]
        rows.append({
            "t": float(w0 + WINDOW_S),
            "n": float(len(sel)),
            "errors": float((sel[:, 2] != 200).sum()),
            "p50": float(np.percentile(lat, 50)) if len(lat) else np.nan,
            "p95": float(np.percentile(lat, 95)) if len(lat) else np.nan,
            "p99": float(np.percentile(lat, 99)) if len(lat) else np.nan,
            "api_mib": float(np.nanmean(rs[:, 1])) if len(rs) else np.nan,
            "neo4j_mib": float(np.nanmean(rs[:, 2])) if len(rs) else np.nan,
        })
    return rows


def _plot(rows: list[dict[str, float]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = [r["t"] for r in rows]
    fig, (a, b) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for q in ("p50", "p95", "p99"):
        a.plot(t, [r[q] for r in rows], label=q)
    a.set_yscale("log")
    a.set_ylabel("latency ms (from due time)")
    a.legend()
    a.set_title(title)
    b.plot(t, [r["api_mib"] for r in rows], label="API process (RSS)")
    b.plot(t, [r["neo4j_mib"] for r in rows], label="Neo4j (RSS)")
    b.set_ylabel("MiB")
    b.set_xlabel("seconds")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=20_000)
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--rate", type=float, default=300.0)
    ap.add_argument("--bolt-port", type=int, default=7698)
    ap.add_argument("--api-port", type=int, default=8766)
    ap.add_argument("--workers", type=int, default=1, help="`credgraph serve --workers`")
    ap.add_argument("--warmup", type=float, default=60.0,
                    help="seconds of the mix at a third of --rate before the soak (reported, not counted)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    from graph.store import open_store

    WORK.mkdir(parents=True, exist_ok=True)
    data = world(a.firms, a.events, a.seed)
    neo4j(a.bolt_port, "start")
    uri = f"bolt://127.0.0.1:{a.bolt_port}"
    run_dir = WORK / f"neo4j-api-{a.bolt_port}"
    password = os.environ.get("NEO4J_PASSWORD") or (run_dir / "password").read_text().strip()
    os.environ["NEO4J_PASSWORD"] = password
    store = open_store(uri, user="neo4j", password=password)
    proc = None
    try:
        firms, persons = subject_ids(data)
        load(store, data, firms, persons)
        import csv

        with (data / "firms.csv").open(encoding="utf-8") as fh:
            names = [r["name"] for r in csv.DictReader(fh)]
        keys = {"service": secrets.token_urlsafe(24), "investigator": secrets.token_urlsafe(24)}
        svc, inv = {"X-API-Key": keys["service"]}, {"X-API-Key": keys["investigator"]}
        rnd = random.Random(a.seed)
        plan: list[tuple[str, dict[str, str]]] = []
        for i in range(20_000):
            k = i % 50
            if k < 40:  # systems asking for related-party risk
                sid = rnd.choice(firms) if k % 4 else rnd.choice(persons)
                plan.append((f"/entities/{sid}/risk", svc))
            elif k < 45:  # investigators
                plan.append((f"/entities/{rnd.choice(firms)}", inv))
            elif k < 49:
                plan.append((f"/entities/{rnd.choice(firms)}/associates?depth=2&limit=50", inv))
            else:
                plan.append((f"/entities/search?q={quote(rnd.choice(names)[:4])}", inv))
        proc = serve(uri, a.api_port, keys, a.workers)
        neo_pid = int((run_dir / "run" / "neo4j.pid").read_text().split()[0])
        soak = Soak()
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                soak.rss.append((time.perf_counter() - t0, _rss_mib(proc.pid), _rss_mib(neo_pid)))
                stop.wait(2.0)

        warm = Soak()
        if a.warmup > 0:  # a server just started: Neo4j's page cache and both JITs are cold
            w0 = time.perf_counter() + 1.0
            asyncio.run(_drive(f"http://127.0.0.1:{a.api_port}", plan, a.warmup, a.rate / 3, warm, w0))
        t0 = time.perf_counter() + 1.0
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = datetime.now(UTC)
        asyncio.run(_drive(f"http://127.0.0.1:{a.api_port}", plan, a.seconds, a.rate, soak, t0))
        stop.set()
        sampler.join()
        load_avg = os.getloadavg()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        store.close()
        neo4j(a.bolt_port, "stop")
    rows = _windows(soak, a.seconds)
    lat = np.array([d[1] for d in soak.done])
    errors = sum(1 for d in soak.done if d[2] != 200) + soak.cut_off
    second = [r["api_mib"] for r in rows if 60 < r["t"] <= 120]
    last = [r["api_mib"] for r in rows if r["t"] > a.seconds - 60]
    growth = float(np.nanmean(last) / np.nanmean(second) - 1) if second and last else float("nan")
    a.out.mkdir(parents=True, exist_ok=True)
    _plot(rows, a.out / "soak.png", f"soak: {a.rate:g} req/s mixed, {a.firms:,} firms, Neo4j")
    lines = [
        "# Soak: mixed API traffic over time (bench/soak.py)",
        "",
        f"Started {started:%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}; "
        f"load average at the end {load_avg[0]:.1f} / {load_avg[1]:.1f} / {load_avg[2]:.1f} (the load "
        "generator, the API and Neo4j share the machine).",
        "",
        f"Command: `.venv/bin/python -m bench.soak --firms {a.firms} --seconds {a.seconds:g} "
        f"--rate {a.rate:g} --workers {a.workers} --warmup {a.warmup:g}`. World: `credgraph synth` "
        f"{a.firms:,} firms in Neo4j 5.26 (scripts/neo4j.sh); `credgraph serve --workers {a.workers}`. "
        "Mix: 80 % risk (service role), 10 % entity, 8 % associates depth 2, 2 % search (investigator). "
        "Latency is counted from each request's due time; requests still unanswered 10 s after the "
        "schedule ended are cut off and counted as errors.",
        "",
        "## Verdict",
        "",
        *_warmup_line(warm, a),
        f"- requests: {len(soak.done):,} in {a.seconds:g} s (target rate {a.rate:g}/s: "
        f"{len(soak.done) / a.seconds:.0f}/s served); errors: {errors} "
        f"({errors / max(len(soak.done), 1):.4%}; {soak.cut_off} of them cut off unanswered at the end)",
        f"- latency over the whole soak: p50 {np.percentile(lat, 50):.1f} ms, p95 "
        f"{np.percentile(lat, 95):.1f} ms, p99 {np.percentile(lat, 99):.1f} ms",
        f"- API resident memory, second minute → last minute: {np.nanmean(second):.0f} → "
        f"{np.nanmean(last):.0f} MiB ({growth:+.1%}): **{'flat' if abs(growth) <= 0.10 else 'not flat'}**",
        "",
        "![soak](soak.png)",
        "",
        "| t (s) | requests | errors | p50 ms | p95 ms | p99 ms | API MiB | Neo4j MiB |",
        "|---|---|---|---|---|---|---|---|",
        *[
            f"| {r['t']:.0f} | {r['n']:.0f} | {r['errors']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['api_mib']:.0f} | {r['neo4j_mib']:.0f} |"
            for r in rows
        ],
        "",
    ]
    (a.out / "soak.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:14]))


if __name__ == "__main__":
    main()
