"""The matcher registry: numbered matcher versions, one promoted, every old one loadable.

Layout (the risk model's registry in gnn/ has the same shape):
ROOT/versions/vNNNN/ holds `resolver/` (a saved Resolver), `labels.csv` (the verdicts it was
trained on) and `meta.json` (metrics, code version, date, parent); ROOT/CURRENT names the promoted
version; ROOT/log.jsonl has one line per promote / refuse with the reason; ROOT/reports/ the
retrain reports. Versions are never overwritten or deleted: a rollback is `promote(old_version)`.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.atomic import write_text_atomic
from ingest.errors import NotFoundError, StaleModelError
from ingest.records import Dataset
from resolution.decisions import DecisionRecord, StewardDecisions
from resolution.resolver import Resolver

LABEL_COLUMNS = ["source", "record_id", "entity_type", "entity_id", "verdict", "who", "decided_at"]


def code_version() -> str:
    """`git describe` of the code that built a matcher, else the package version."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        from importlib.metadata import version

        return f"credgraph {version('credgraph')}"
    except Exception:  # noqa: BLE001 - not installed: still a usable registry
        return "unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class MatcherRegistry:
    """Versions of the matcher (saved resolvers) under one folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def _versions_dir(self) -> Path:
        return self.root / "versions"

    def versions(self) -> list[str]:
        if not self._versions_dir.exists():
            return []
        return sorted(p.name for p in self._versions_dir.iterdir() if (p / "meta.json").exists())

    def path(self, version: str) -> Path:
        p = self._versions_dir / version
        if not (p / "meta.json").exists():
            raise NotFoundError(f"matcher version {version!r} not found in {self.root}")
        return p

    def meta(self, version: str) -> dict[str, Any]:
        return json.loads((self.path(version) / "meta.json").read_text(encoding="utf-8"))

    def current(self) -> str | None:
        """The promoted version, or None (then runs fit the unsupervised model on their data)."""
        f = self.root / "CURRENT"
        if f.exists():
            name = f.read_text(encoding="utf-8").strip()
            if name in self.versions():
                return name
        return None

    def save(
        self,
        resolver: Resolver,
        labels: Iterable[DecisionRecord],
        metrics: dict[str, Any],
        parent: str | None = None,
        note: str = "",
    ) -> str:
        """Save a candidate as the next version (v0001, v0002, ...); it is not promoted."""
        self._versions_dir.mkdir(parents=True, exist_ok=True)
        existing = [int(p.name[1:]) for p in self._versions_dir.iterdir() if p.name[1:].isdigit()]
        name = f"v{(max(existing) + 1 if existing else 1):04d}"
        d = self._versions_dir / name
        d.mkdir()
        resolver.save(d / "resolver")
        rows = list(labels)
        with (d / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(LABEL_COLUMNS)
            for r in rows:
                w.writerow([*r.key, r.verdict.value, r.who, r.decided_at.isoformat()])
        meta = {
            "version": name,
            "created_at": _now(),
            "code_version": code_version(),
            "model_version": resolver.model_version,
            "n_labels": len(rows),
            "parent": parent,
            "metrics": metrics,
            "note": note,
        }
        # meta.json last: a version without it is not listed (a crash mid-save leaves no version)
        write_text_atomic(d / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1))
        return name

    def labels(self, version: str) -> set[tuple[str, str, str, str]]:
        """The pair keys a version was trained on (its labels.csv)."""
        with (self.path(version) / "labels.csv").open(encoding="utf-8") as fh:
            rows = csv.DictReader(fh)
            return {(r["source"], r["record_id"], r["entity_type"], r["entity_id"]) for r in rows}

    def promote(self, version: str, reason: str) -> None:
        """Make `version` current (atomic rename) and log why."""
        self.path(version)
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(version, encoding="utf-8")
        os.replace(tmp, self.root / "CURRENT")
        self.log({"action": "promote", "version": version, "reason": reason})

    def log(self, entry: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "log.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"at": _now(), **entry}, ensure_ascii=False) + "\n")

    def history(self) -> list[dict[str, Any]]:
        f = self.root / "log.jsonl"
        if not f.exists():
            return []
        return [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]

    def auto_threshold(self, version: str | None = None) -> float | None:
        """The auto-link threshold a version (default: the promoted one) decides with, read from
        its saved settings without loading the data; None when nothing is promoted."""
        name = version or self.current()
        if name is None:
            return None
        try:
            meta = json.loads((self.path(name) / "resolver" / "resolver.json").read_text(encoding="utf-8"))
            return float(meta["config"]["auto_threshold"])
        except (OSError, KeyError, ValueError, TypeError):
            return None

    # ------------------------------------------------------------------ loading
    def load(self, version: str, ds: Dataset, decisions: StewardDecisions | None = None) -> Resolver:
        return Resolver.load(self.path(version) / "resolver", ds, decisions)

    def active(
        self, ds: Dataset, decisions: StewardDecisions | None = None
    ) -> tuple[Resolver | None, str]:
        """The promoted matcher and where it came from; (None, reason) when nothing is promoted
        and the caller fits the unsupervised model."""
        cur = self.current()
        if cur is not None:
            try:
                return self.load(cur, ds, decisions), f"promoted {cur}"
            except StaleModelError as exc:  # fitted by an older version on other comparison levels
                return None, f"promoted {cur} is stale (retrain it): {exc}"
        return None, "no promoted matcher"
