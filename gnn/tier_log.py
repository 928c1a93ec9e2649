"""The tier history as a SQL table (`tier_history`, any SQLAlchemy URL): the API's copy of what
gnn.tiers.record keeps in a folder for the CLI.

The table's schema is migrations/versions/0003_tier_history.py (the database is shared with the
review queue and the punishment tasks, and brought to Alembic's head on open).
Append-only: a change is stored once under its content-derived id (gnn.tiers.change_id), so
recording the same run again, or the same feedback twice, adds no row. Rows come back in the order
they were recorded, which is the order that decides each subject's last tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Float, Integer, String, Text, create_engine, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import migrations
from gnn.tiers import TierRow, diff, last_tiers


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "tier_history"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    on: Mapped[date] = mapped_column(Date)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    from_tier: Mapped[str | None] = mapped_column(String(4), nullable=True)
    to_tier: Mapped[str] = mapped_column(String(4))
    direction: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))
    run: Mapped[str] = mapped_column(String(128), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


_COLUMNS = ("change_id", "on", "subject_type", "subject_id", "from_tier", "to_tier", "direction", "score",
            "reason", "source", "run")
_CHUNK = 500  # ids per IN (...) lookup: well under SQLite's bound-parameter limit


def _as_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.change_id, "date": r.on.isoformat(), "subject_type": r.subject_type,
        "subject_id": r.subject_id, "from": r.from_tier, "to": r.to_tier, "direction": r.direction,
        "score": r.score, "reason": r.reason, "source": r.source, "run": r.run,
    }


def merged(*logs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Changes of several logs in one history, by date; on one date a log named earlier comes first
    (each log keeps its own recorded order)."""
    return sorted((c for log in logs for c in log), key=lambda c: c["date"])


class TierLog:
    """Tier changes from runs, feedback and rescores, append-only and idempotent."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, future=True)
        migrations.upgrade(self.engine)  # the shared database's schema, kept by Alembic (0003)

    def append(self, changes: Sequence[dict[str, Any]]) -> int:
        """Store the changes (gnn.tiers.diff's dicts) whose id is new; returns how many were stored."""
        now = datetime.now(UTC).replace(tzinfo=None)
        ids = list(dict.fromkeys(c["id"] for c in changes))
        with Session(self.engine) as s, s.begin():
            known: set[str] = set()
            for i in range(0, len(ids), _CHUNK):
                known.update(s.scalars(select(_Row.change_id).where(_Row.change_id.in_(ids[i: i + _CHUNK]))))
            rows = []
            for c in changes:
                if c["id"] in known:
                    continue
                known.add(c["id"])
                rows.append({
                    "change_id": c["id"], "on": date.fromisoformat(c["date"]),
                    "subject_type": c["subject_type"], "subject_id": c["subject_id"],
                    "from_tier": c["from"], "to_tier": c["to"], "direction": c["direction"],
                    "score": float(c["score"]), "reason": c.get("reason") or "",
                    "source": c["source"], "run": c.get("run") or "", "recorded_at": now,
                })
            if rows:
                s.execute(insert(_Row), rows)  # one executemany, not an object per row
        return len(rows)

    def changes(self, subject_id: str | None = None, subject_type: str | None = None) -> list[dict[str, Any]]:
        """Recorded changes (of one subject when given), in recorded order."""
        q = select(*(getattr(_Row, c) for c in _COLUMNS)).order_by(_Row.seq)
        if subject_id is not None:
            q = q.where(_Row.subject_id == subject_id)
        if subject_type is not None:
            q = q.where(_Row.subject_type == subject_type)
        with self.engine.connect() as conn:
            return [_as_dict(r) for r in conn.execute(q)]

    def record(
        self,
        rows: Sequence[TierRow],
        as_of: date,
        source: str,
        run: str = "",
        others: Sequence[dict[str, Any]] = (),
    ) -> list[dict[str, Any]]:
        """Append the changes `rows` make against each subject's last recorded tier, read from this
        log merged with `others` kept elsewhere (the inspection-feedback log). Returns them."""
        past = merged(self.changes(), others)
        new = diff(rows, last_tiers(past), as_of, source, run, known=(c["id"] for c in past))
        self.append(new)
        return new

    def close(self) -> None:
        self.engine.dispose()
