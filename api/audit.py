"""The append-only audit log: who read whose personal data, and who decided what, when, from where.

One JSON object per line. The file is opened in append mode for each write batch and never
rewritten or truncated by credgraph; a lock keeps lines whole when worker threads write at once.
Subject ids are written in clear: the audit log is the protected record of access itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.security import Principal


class AuditLog:
    """Appends audit lines to a JSONL file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def record(
        self,
        principal: Principal,
        action: str,
        route: str,
        subjects: Iterable[str],
        client: str | None,
        **extra: Any,
    ) -> None:
        """Append one line; `action` is read or decision, `route` the route template."""
        line: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "who": principal.name,
            "role": principal.role.value,
            "action": action,
            "route": route,
            "subjects": sorted(set(subjects)),
            "client": client,
        }
        line.update(extra)
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(text)

    def read(self) -> list[dict[str, Any]]:
        """All lines, oldest first (for tests and the admin; the log itself stays append-only)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
