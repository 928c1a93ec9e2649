"""Load drivers for bench/api_load: the store floor from threads, the API from a minimal client.

`drive_store` calls a store method from threads; `drive_api` sends HTTP GETs over keep-alive
connections, closed loop (a fixed number in flight) or open loop (a fixed arrival rate, latency
from each request's due time); `measured` adds the CPU each process spent per request.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import psutil


@dataclass
class Run:
    name: str
    where: str  # floor | api
    n: int
    errors: int
    seconds: float
    lat_ms: np.ndarray
    cpu_ms: dict[str, float] | None = None  # CPU ms per request by process (client, api, neo4j)

    @property
    def rps(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return float(np.percentile(self.lat_ms, q)) if len(self.lat_ms) else math.nan


def _cpu(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far per named process; the API's worker processes are counted in."""
    out = {}
    for name, pid in pids.items():
        try:
            proc = psutil.Process(pid)
            procs = [proc, *proc.children(recursive=True)] if name == "api" else [proc]
            out[name] = sum(t.user + t.system for t in (p.cpu_times() for p in procs))
        except psutil.Error:
            out[name] = math.nan
    return out


def measured(fn: Callable[[], Run], pids: dict[str, int]) -> Run:
    """Run `fn` and attach the CPU each process spent per request: robust to a busy machine,
    where wall-clock rates mostly measure the neighbours."""
    before = _cpu(pids)
    run = fn()
    after = _cpu(pids)
    run.cpu_ms = {k: (after[k] - before[k]) * 1000 / max(run.n, 1) for k in pids}
    return run


def drive_store(name: str, fn: Callable[[str], Any], ids: list[str], seconds: float, conc: int) -> Run:
    """The floor: `fn(id)` from `conc` threads for `seconds`."""
    deadline = time.perf_counter() + seconds
    lats: list[list[float]] = [[] for _ in range(conc)]
    errors = [0] * conc

    def worker(w: int) -> None:
        rnd = random.Random(w)
        while time.perf_counter() < deadline:
            key = ids[rnd.randrange(len(ids))]
            t = time.perf_counter()
            try:
                fn(key)
            except Exception:  # noqa: BLE001 - counted, not fatal
                errors[w] += 1
            lats[w].append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(conc) as pool:
        list(pool.map(worker, range(conc)))
    elapsed = time.perf_counter() - t0
    all_lat = np.array([x for ws in lats for x in ws])
    return Run(name, "floor", len(all_lat), sum(errors), elapsed, all_lat)


class _Conn:
    """One keep-alive HTTP/1.1 connection speaking just enough to GET: a load generator that
    costs ~0.1 ms CPU a request (httpx costs ~1 ms), so the 2 cores go to the server side."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.prefix = f"Host: {host}:{port}\r\n{extra}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.prefix)
        head = await self.reader.readuntil(b"\r\n\r\n")
        m = _CONTENT_LENGTH.search(head)
        await self.reader.readexactly(int(m.group(1)) if m else 0)
        return int(head[9:12])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


_CONTENT_LENGTH = re.compile(rb"(?i)content-length:\s*(\d+)")


def _hostport(base: str) -> tuple[str, int]:
    host, port = base.split("://", 1)[1].rsplit(":", 1)
    return host, int(port)


async def _drive_http(
    name: str,
    base: str,
    path: Callable[[str], str],
    ids: list[str],
    seconds: float,
    conc: int,
    headers: dict[str, str],
) -> Run:
    """Closed loop: `conc` connections, each sending its next request when the last answered."""
    lats: list[float] = []
    errors = 0
    conns = [_Conn(*_hostport(base), headers) for _ in range(conc)]
    deadline = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal errors
        rnd = random.Random(1000 + w)
        while time.perf_counter() < deadline:
            url = path(ids[rnd.randrange(len(ids))])
            t = time.perf_counter()
            try:
                errors += await conns[w].get(url) != 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                conns[w].close()
                conns[w] = _Conn(*_hostport(base), headers)
            lats.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(conc)))
    elapsed = time.perf_counter() - t0
    for c in conns:
        c.close()
    return Run(name, "api", len(lats), errors, elapsed, np.array(lats))


async def _drive_rate(
    name: str,
    base: str,
    path: Callable[[str], str],
    ids: list[str],
    seconds: float,
    rate: float,
    headers: dict[str, str],
    max_in_flight: int = 16,
) -> Run:
    """Open loop at a fixed arrival rate (wrk2-style): request i is due at t0 + i/rate and its
    latency counts from then, so a slow server cannot hide its queue (no coordinated omission).
    The first 3 s (connections opening) run at the same rate but are not recorded."""
    warm = 3.0
    lats: list[float] = []
    errors = 0
    idle: asyncio.Queue[_Conn] = asyncio.Queue()
    for _ in range(max_in_flight):
        idle.put_nowait(_Conn(*_hostport(base), headers))
    rnd = random.Random(7)

    async def one(url: str, due: float, record: bool) -> None:
        nonlocal errors
        conn = await idle.get()
        try:
            errors += await conn.get(url) != 200
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            conn.close()
            conn = _Conn(*_hostport(base), headers)
        idle.put_nowait(conn)
        if record:
            lats.append((time.perf_counter() - due) * 1000)

    start = time.perf_counter()
    t0 = start + warm
    tasks = []
    for i in range(int((warm + seconds) * rate)):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(path(ids[rnd.randrange(len(ids))]), due, due >= t0)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    while not idle.empty():
        idle.get_nowait().close()
    return Run(name, "api", len(lats), errors, elapsed, np.array(lats))


def drive_api(
    name: str,
    base: str,
    path: Callable[[str], str],
    ids: list[str],
    seconds: float,
    conc: int,
    headers: dict[str, str],
    rate: float | None = None,
) -> Run:
    """Closed loop with `conc` clients, or open loop at `rate` requests/s when given."""
    if rate:
        return asyncio.run(_drive_rate(name, base, path, ids, seconds, rate, headers))
    return asyncio.run(_drive_http(name, base, path, ids, seconds, conc, headers))
