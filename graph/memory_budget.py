"""How much memory a `credgraph run` on the embedded (networkx) store will need, before it needs it.

The embedded store holds the whole graph, and the run holds the dataset, the resolver's indexes
and the GNN's arrays beside it, all in one process. When that outgrows the machine the kernel kills
the run near its end and everything is lost; a user is better served by a refusal at the start
that names the way out (a Neo4j server: `--graph bolt://…`).

The estimate is linear in input rows, with the slope measured on the one city-size run on record
(issue 10: a world of 200,000 firms, 332,000 persons, about 620,000 affiliations, 214,000 events
and 250,000 credit records peaked at 12.4 GB end to end, i.e. about 7.8 kB per input row). It is
an estimate, not a bound: text-heavy events cost more than registry rows, so the refusal leaves
a margin and can be overridden. A second measurement agrees (2026-12-04, bench/increment_scale.py's
prepare phase): 2.3 million rows, 995,000 of them events, peaked at 20.8 GiB with a spare fitted
matcher of about 3 GiB alive beside the run, i.e. about 7.8 kB per row for the run itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# peak resident bytes of a whole run per input row, and what a run needs whatever its size
BYTES_PER_ROW = 7_800
BASE_BYTES = 600 * 2**20
# warn above this share of the memory the process may use; refuse above the whole of it
WARN_SHARE = 0.7


@dataclass(frozen=True)
class MemoryVerdict:
    """The estimate for one run against the memory available to it."""

    rows: int
    needed_bytes: int
    available_bytes: int

    @property
    def share(self) -> float:
        return self.needed_bytes / self.available_bytes if self.available_bytes else 0.0

    @property
    def refuse(self) -> bool:
        return self.share > 1.0

    @property
    def warn(self) -> bool:
        return self.share > WARN_SHARE

    def message(self) -> str:
        gib = 2**30
        return (
            f"the embedded graph store would need about {self.needed_bytes / gib:.1f} GiB for "
            f"{self.rows:,} input rows, and {self.available_bytes / gib:.1f} GiB are available to this "
            "process: use a Neo4j server instead (`scripts/neo4j.sh start`, then "
            "`credgraph run DATA --graph bolt://127.0.0.1:7687`), or pass --no-memory-check to try anyway"
        )


def estimate_run_bytes(rows_read: Mapping[str, int]) -> int:
    """Peak bytes of a whole embedded-store run over these input files (rows read per file)."""
    return BASE_BYTES + BYTES_PER_ROW * sum(rows_read.values())


def largest_rows(available_bytes: int) -> int:
    """The most input rows a run can hold in this much memory (for the README and the message)."""
    return max(0, (available_bytes - BASE_BYTES) // BYTES_PER_ROW)


def judge(rows_read: Mapping[str, int], available_bytes: int) -> MemoryVerdict:
    return MemoryVerdict(sum(rows_read.values()), estimate_run_bytes(rows_read), available_bytes)


def available_from(meminfo: str, cgroup_max: str | None = None, cgroup_current: str | None = None) -> int:
    """Bytes this process may still use: MemAvailable, capped by what a cgroup limit leaves.

    Takes the files' text (read at the edge) so the rule itself is plain logic."""
    available = 0
    for line in meminfo.splitlines():
        if line.startswith("MemAvailable:"):
            available = int(line.split()[1]) * 1024
            break
    if cgroup_max and cgroup_max.strip().isdigit():
        used = int(cgroup_current.strip()) if cgroup_current and cgroup_current.strip().isdigit() else 0
        left = max(0, int(cgroup_max.strip()) - used)
        available = min(available, left) if available else left
    return available
