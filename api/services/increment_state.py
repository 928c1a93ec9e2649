"""Where `credgraph ingest` keeps the state an increment is applied to: one folder, `--state DIR`.

Decision (issue 14): the current registry and records are kept as the merged `Dataset` in
DIR/dataset.pickle, written after each increment, so an increment reads only its own rows, never
the whole history again. The graph lives in its store: Neo4j keeps it; the embedded store is
snapshotted to DIR/graph.pickle. The first `ingest` into an empty folder needs `--base DATA`, the
data directory the graph was (or is now) built from: an empty graph gets the base load
(`credgraph run` into DIR/base_run, which also saves the matcher and trains the risk model
there); a Neo4j graph that already holds it is taken as is. DIR/state.json names the base, the
matcher and model folders and every increment applied (name, sha256 of its files, when, counts);
DIR/reports/ holds each increment's report and quarantine.
"""

from __future__ import annotations

import json
import os
import pickle
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.records import Dataset


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass
class IncrementState:
    """The state folder of a served graph that takes increments."""

    root: Path
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> IncrementState:
        root = Path(root)
        f = root / "state.json"
        meta = json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}
        return cls(root, meta)

    @property
    def initialised(self) -> bool:
        return bool(self.meta) and (self.root / "dataset.pickle").is_file()

    @property
    def graph_snapshot(self) -> Path:
        return self.root / "graph.pickle"

    @property
    def base_run(self) -> Path:
        return self.root / "base_run"

    def dataset(self) -> Dataset:
        with (self.root / "dataset.pickle").open("rb") as fh:
            ds: Dataset = pickle.load(fh)  # noqa: S301 - our own state file
        return ds

    def save_dataset(self, ds: Dataset) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        kept = Dataset(
            firms=ds.firms,
            persons=ds.persons,
            affiliations=ds.affiliations,
            credit_records=ds.credit_records,
            events=ds.events,
        )
        _atomic_write(self.root / "dataset.pickle", pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))

    def save_meta(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write(
            self.root / "state.json", json.dumps(self.meta, ensure_ascii=False, indent=1).encode()
        )

    def record(self, name: str, sha256: str, report: dict[str, Any]) -> Path:
        """Log an applied increment and keep its report; returns the report's path."""
        entries = self.meta.setdefault("increments", [])
        n = len(entries) + 1
        reports = self.root / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        path = reports / f"{n:04d}-{name}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        counts = {k: report.get(k) for k in ("links_added", "links_changed", "links_removed", "rescored")}
        entries.append(
            {
                "name": name,
                "sha256": sha256,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "report": str(path),
                **counts,
            }
        )
        self.save_meta()
        return path
