"""How the Neo4j store sends many batches: concurrently for nodes, in deadlock-free lanes for
relationships. `write(name, statement, rows=...)` runs one batch as one retried transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from graph.rows import EdgeGroup, Row

Job = tuple[str, str, Sequence[Row]]  # (statement name, statement text, batch of rows)
Write = Callable[..., int]


def batches(rows: Sequence[Row], size: int) -> Iterable[Sequence[Row]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def per_type(edges: dict[EdgeGroup, list[Row]]) -> Counter[str]:
    """Rows per relationship type."""
    out: Counter[str] = Counter()
    for (_, rel, _), rows in edges.items():
        out[str(rel)] += len(rows)
    return out


def run_jobs(write: Write, jobs: Sequence[Job], workers: int, bar: Any = None) -> int:
    """Write batches, `workers` transactions at a time. Meant for node rows: they are unique per
    key, so concurrent batches never wait on each other's locks."""
    written = 0
    if workers <= 1:
        for name, text, batch in jobs:
            written += write(name, text, rows=list(batch))
            if bar is not None:
                bar.update(len(batch))
        return written
    with ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(write, name, text, rows=list(batch)): len(batch) for name, text, batch in jobs}
        for future in as_completed(futures):
            written += future.result()
            if bar is not None:
                bar.update(futures[future])
    return written


def run_lanes(write: Write, lanes: Sequence[Sequence[Job]], bar: Any = None) -> int:
    """Write each lane's batches in order, the lanes side by side (one thread each); lanes come
    from graph.rows.edge_waves, so no two of them lock the same nodes."""

    def lane(jobs: Sequence[Job]) -> int:
        return run_jobs(write, jobs, 1, bar)

    if len(lanes) == 1:
        return lane(lanes[0])
    with ThreadPoolExecutor(len(lanes)) as pool:
        return sum(pool.map(lane, lanes))
