"""The model registry folder: numbered versions, one promoted as current, every old one loadable.

Layout: ROOT/versions/vNNNN/ (meta.json + artefacts), ROOT/CURRENT (name of the promoted version),
ROOT/log.jsonl (one line per promote / refuse, with the reason). Versions are never overwritten or
deleted, so a rollback is `promote(old_version)`.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.errors import NotFoundError


def code_version() -> str:
    """The git sha of the code that trained a model ('unknown' outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class ModelRegistry:
    """Versions of the risk model under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def _versions_dir(self) -> Path:
        return self.root / "versions"

    def versions(self) -> list[str]:
        if not self._versions_dir.exists():
            return []
        return sorted(p.name for p in self._versions_dir.iterdir() if (p / "meta.json").exists())

    def new_version(self) -> tuple[str, Path]:
        """Reserve the next version folder (v0001, v0002, ...)."""
        self._versions_dir.mkdir(parents=True, exist_ok=True)
        existing = [int(p.name[1:]) for p in self._versions_dir.iterdir() if p.name[1:].isdigit()]
        name = f"v{(max(existing) + 1 if existing else 1):04d}"
        path = self._versions_dir / name
        path.mkdir()
        return name, path

    def path(self, version: str) -> Path:
        p = self._versions_dir / version
        if not (p / "meta.json").exists():
            raise NotFoundError(f"model version {version!r} not found in {self.root}")
        return p

    def meta(self, version: str) -> dict[str, Any]:
        return json.loads((self.path(version) / "meta.json").read_text())

    def current(self) -> str | None:
        f = self.root / "CURRENT"
        if f.exists():
            name = f.read_text().strip()
            if name in self.versions():
                return name
        return None

    def latest(self) -> str | None:
        """The version in use: the promoted one, else the newest saved one, else None."""
        cur = self.current()
        if cur is not None:
            return cur
        vs = self.versions()
        return vs[-1] if vs else None

    def promote(self, version: str, reason: str) -> None:
        """Make `version` current (atomic rename) and log why."""
        self.path(version)
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(version)
        os.replace(tmp, self.root / "CURRENT")
        self.log({"action": "promote", "version": version, "reason": reason})

    def log(self, entry: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **entry}
        with (self.root / "log.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def history(self) -> list[dict[str, Any]]:
        f = self.root / "log.jsonl"
        if not f.exists():
            return []
        return [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
