"""Steward decisions as plain data, detached from the database that stores them.

The resolver takes a `StewardDecisions` (latest verdict per pair) so that it never imports
SQLAlchemy; the review queue produces one from its append-only decision log.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ingest.spreadsheet import inert_row

PairKey = tuple[str, str, str, str]  # (source, record_id, entity_type, entity_id)


class Verdict(StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    UNSURE = "unsure"
    RETRACTED = "retracted"  # an undo: the steward's previous verdict on the pair is withdrawn


STEWARD_VERDICTS = (Verdict.MATCH, Verdict.NO_MATCH, Verdict.UNSURE)


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One steward judgement, as stored (append-only: a changed mind is a new record)."""

    decision_id: int
    item_id: int | None
    source: str
    record_id: str
    entity_type: str
    entity_id: str
    verdict: Verdict
    who: str
    decided_at: datetime
    comment: str = ""
    origin: str = ""  # where the verdict came from: page, api, cli, import:FILE:LINE


    @property
    def key(self) -> PairKey:
        return (self.source, self.record_id, self.entity_type, self.entity_id)


@dataclass(slots=True)
class StewardDecisions:
    """Latest verdict per pair; 'unsure' leaves the model in charge."""

    latest: dict[PairKey, DecisionRecord] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[DecisionRecord]) -> StewardDecisions:
        """Latest verdict per pair, in log order; a retraction withdraws the one before it."""
        out = cls()
        stacks: dict[PairKey, list[DecisionRecord]] = {}
        for r in sorted(records, key=lambda r: (r.decided_at, r.decision_id)):
            stack = stacks.setdefault(r.key, [])
            if r.verdict is Verdict.RETRACTED:
                if stack:
                    stack.pop()
            else:
                stack.append(r)
        for key, stack in stacks.items():
            if stack:
                out.latest[key] = stack[-1]
        return out

    def verdict(self, key: PairKey) -> DecisionRecord | None:
        r = self.latest.get(key)
        return None if r is None or r.verdict is Verdict.UNSURE else r

    def confirmed_for(self, source: str, record_id: str) -> list[DecisionRecord]:
        """Pairs a steward confirmed for one record: they link even if no candidate proposes them."""
        return [
            r
            for k, r in self.latest.items()
            if k[0] == source and k[1] == record_id and r.verdict is Verdict.MATCH
        ]

    def __len__(self) -> int:
        return len(self.latest)


# ---------------------------------------------------------------------------- verdict files
VERDICT_COLUMNS = ["source", "record_id", "entity_type", "entity_id", "verdict", "who", "comment"]
REQUIRED_COLUMNS = VERDICT_COLUMNS[:5]
SOURCES = ("events", "credit_records")
ENTITY_TYPES = ("firm", "person")


@dataclass(slots=True)
class VerdictFile:
    """A verdict CSV read and checked: the rows (with their line numbers) or every error found."""

    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_verdict_csv(
    path: Path,
    default_who: str = "import",
    known_records: set[tuple[str, str]] | None = None,
    known_entities: set[tuple[str, str]] | None = None,
) -> VerdictFile:
    """Read `source,record_id,entity_type,entity_id,verdict[,who,comment]` (other columns, such as
    those of `review next`, are ignored) and check every row before anything is applied: known
    source and entity type, ids present, verdict match|no_match|unsure, one verdict per pair, and
    (when given) a record and an entity that exist. Errors name the file line (header = line 1)."""
    out = VerdictFile()
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        out.errors.append(f"{path}: {exc}")
        return out
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            out.errors.append(f"{path}:1: missing column(s) {', '.join(missing)}")
            return out
        seen: dict[PairKey, tuple[str, int]] = {}
        for line, raw in enumerate(reader, start=2):
            r = {k: (v or "").strip() for k, v in raw.items() if k is not None}
            problems = []
            if r["source"] not in SOURCES:
                problems.append(f"source {r['source']!r} is not one of {', '.join(SOURCES)}")
            if r["entity_type"] not in ENTITY_TYPES:
                problems.append(f"entity_type {r['entity_type']!r} is not firm or person")
            for col in ("record_id", "entity_id"):
                if not r[col]:
                    problems.append(f"{col} is empty")
            if r["verdict"] not in {v.value for v in STEWARD_VERDICTS}:
                problems.append(f"verdict {r['verdict']!r} is not match, no_match or unsure")
            key = (r["source"], r["record_id"], r["entity_type"], r["entity_id"])
            if not problems:
                if known_records is not None and (key[0], key[1]) not in known_records:
                    problems.append(f"no record {key[1]!r} in {key[0]}")
                if known_entities is not None and (key[2], key[3]) not in known_entities:
                    problems.append(f"no {key[2]} {key[3]!r} in the registry")
                prev = seen.get(key)
                if prev is not None and prev[0] != r["verdict"]:
                    problems.append(f"the same pair has verdict {prev[0]!r} on line {prev[1]}")
                seen.setdefault(key, (r["verdict"], line))
            if problems:
                out.errors.extend(f"{path}:{line}: {p}" for p in problems)
                continue
            out.rows.append(
                {
                    "source": key[0],
                    "record_id": key[1],
                    "entity_type": key[2],
                    "entity_id": key[3],
                    "verdict": r["verdict"],
                    "who": r.get("who") or default_who,
                    "comment": r.get("comment", ""),
                    "line": str(line),
                }
            )
    return out


def write_verdict_csv(records: Iterable[DecisionRecord], path: Path) -> int:
    """Every verdict in the import shape, oldest first; an undone verdict and its undo are both
    left out, so importing the file elsewhere gives the same latest verdict per pair. Returns rows
    written."""
    stacks: dict[PairKey, list[DecisionRecord]] = {}
    for r in sorted(records, key=lambda r: (r.decided_at, r.decision_id)):
        stack = stacks.setdefault(r.key, [])
        if r.verdict is Verdict.RETRACTED:
            if stack:
                stack.pop()
        else:
            stack.append(r)
    kept = sorted((r for st in stacks.values() for r in st), key=lambda r: (r.decided_at, r.decision_id))
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*VERDICT_COLUMNS, "decided_at", "origin"])
        for r in kept:
            w.writerow(
                inert_row([*r.key, r.verdict.value, r.who, r.comment, r.decided_at.isoformat(), r.origin])
            )
            n += 1
    return n
