"""A first load through `neo4j-admin database import full`, for worlds too large to MERGE over Bolt.

A Bolt load of a 200,000-firm world takes about ten times what the offline importer takes
(bench/results/load_neo4j.md), and the gap grows with the graph. The importer, though, only
builds a database from nothing and only while the server is stopped. So `credgraph run
--first-load import` writes the very rows a Bolt load would MERGE (`graph.rows`: the dataset's
nodes and relationships plus the run's links) as import files (`graph.import_csv`), stops the
server, imports, starts it again and creates the schema; the risk stage then writes its scores over
Bolt as usual, and every later load (`credgraph ingest`, a second `run`) goes through Bolt.

The server must be the one `scripts/neo4j.sh` runs on this machine (the importer works on its
files); anywhere else the files and the command line are what an operator needs, and this module
refuses rather than guess.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from graph.import_csv import ImportFiles, import_command_args, write_import_csv
from graph.rows import GraphRows, dataset_rows, link_rows
from ingest.errors import ConfigError, GraphStoreError
from ingest.records import Dataset
from resolution.links import Link

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "neo4j.sh"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def import_rows(ds: Dataset, links: Sequence[Link]) -> GraphRows:
    """What a Bolt load MERGEs (dataset rows, then the links' relationships), as one set of rows."""
    rows = dataset_rows(ds)
    _, edges = link_rows(links)  # deletes of earlier links: none in a database built from nothing
    for group, edge_rows in edges.items():
        rows.edges.setdefault(group, []).extend(edge_rows)
    return rows


@dataclass(frozen=True)
class ManagedServer:
    """The Neo4j server scripts/neo4j.sh runs, configured by the same NEO4J_* environment."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    script: Path = SCRIPT
    timeout_s: float = 3600

    @property
    def bolt_port(self) -> int:
        return int(self.env.get("NEO4J_BOLT_PORT", "7687"))

    def serves(self, uri: str) -> bool:
        """Whether `uri` points at this server (loopback, its Bolt port)."""
        parts = urlsplit(uri)
        return parts.hostname in LOCAL_HOSTS and (parts.port or 7687) == self.bolt_port

    def _call(self, *args: str) -> str:
        if not self.script.is_file():
            raise ConfigError(f"{self.script} not found: --first-load import works from a source checkout")
        done = subprocess.run(
            ["bash", str(self.script), *args], env=dict(self.env), capture_output=True, text=True,
            timeout=self.timeout_s,
        )
        if done.returncode != 0:
            said = (done.stderr or done.stdout)[-1500:]
            raise GraphStoreError(f"scripts/neo4j.sh {args[0]}", [], f"failed ({done.returncode}): {said}")
        return done.stdout

    def stop(self) -> None:
        self._call("stop")

    def start(self) -> None:
        self._call("start")

    def admin(self, args: Sequence[str]) -> str:
        return self._call("admin", *args)


@dataclass
class BulkLoadReport:
    """What the importer was given and how long each step took."""

    files: ImportFiles
    nodes: int
    relationships: int
    seconds: dict[str, float] = field(default_factory=dict)


def bulk_first_load(
    counts: Mapping[str, int],
    ds: Dataset,
    links: Sequence[Link],
    work_dir: Path,
    server: ManagedServer,
    database: str = "neo4j",
) -> BulkLoadReport:
    """Build the database from `ds` and `links` with the offline importer. `counts` are the
    store's current counts: a database that holds anything is refused (the importer would
    replace it; later loads go through Bolt)."""
    held = {k: v for k, v in counts.items() if v}
    if held:
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(held.items())[:4])
        raise ConfigError(
            f"--first-load import builds a database from nothing, and this one holds data ({shown}); "
            "load into it over Bolt (leave --first-load out), or empty it first (scripts/neo4j.sh wipe)"
        )
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    rows = import_rows(ds, links)
    files = write_import_csv(rows, work_dir)
    seconds["write_files"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    server.stop()
    try:
        server.admin(import_command_args(files, database=database))
        seconds["import"] = round(time.perf_counter() - t, 3)
    finally:
        t = time.perf_counter()
        server.start()  # back up whatever happened: the caller's store reconnects
        seconds["restart"] = round(time.perf_counter() - t, 3)
    return BulkLoadReport(
        files,
        sum(len(r) for r in rows.nodes.values()),
        sum(len(r) for r in rows.edges.values()),
        seconds,
    )
