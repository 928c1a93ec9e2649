"""The data stewards' review queue: persistent, any SQLAlchemy URL (SQLite by default).

Items are (record, candidate) pairs in the review band, enqueued idempotently by their pair key.
Decisions are an append-only audit log: a changed mind is a new row, nothing is updated or
deleted, and the latest verdict per pair is what the next run honours. `pending` puts the most
informative items first: the score closest to 0.5 (the model is least sure), then the larger
impact (a firm before a person, a credit record before an event), then the oldest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    insert,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import migrations
from ingest.errors import NotFoundError
from resolution.decisions import DecisionRecord, StewardDecisions, Verdict
from resolution.links import Link


class _Base(DeclarativeBase):
    pass


class _Item(_Base):
    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("source", "record_id", "entity_type", "entity_id", name="uq_pair"),
        Index("ix_review_items_status", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(128))
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(64))
    record_text: Mapped[str] = mapped_column(Text, default="")
    mention: Mapped[str] = mapped_column(Text, default="")
    candidate_name: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)
    uncertainty: Mapped[float] = mapped_column(Float)
    impact: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[str] = mapped_column(Text, default="")
    model_version: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")


class _Decision(_Base):
    __tablename__ = "review_decisions"
    __table_args__ = (Index("ix_review_decisions_pair", "source", "record_id", "entity_type", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(128))
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    who: Mapped[str] = mapped_column(String(128))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    origin: Mapped[str] = mapped_column(String(256), default="")


class _Dispute(_Base):
    """An investigator's doubt about a link (migration 0004): not a verdict; it puts the pair in
    front of the stewards and stays 'open' until a steward decides the pair."""

    __tablename__ = "review_disputes"
    __table_args__ = (Index("ix_review_disputes_item", "item_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(128))
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(64))
    who: Mapped[str] = mapped_column(String(256))
    comment: Mapped[str] = mapped_column(Text)
    disputed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))


# a disputed pair goes before every other pending item (the page and `review next`)
DISPUTE_IMPACT = 100


@dataclass(frozen=True, slots=True)
class Dispute:
    """Who doubted which link, why, when, and whether a steward has decided it since."""

    dispute_id: int
    item_id: int
    source: str
    record_id: str
    entity_type: str
    entity_id: str
    who: str
    comment: str
    disputed_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """What a steward sees: the record text, the mention, the candidate, score and evidence."""

    item_id: int
    source: str
    record_id: str
    entity_type: str
    entity_id: str
    record_text: str
    mention: str
    candidate_name: str
    score: float
    evidence: str
    model_version: str
    status: str
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _mention_of(evidence: str) -> tuple[str, str]:
    """('mention X', 'candidate') from 'mention X ~ candidate; ...'."""
    head = evidence.split(";", 1)[0]
    if head.startswith("mention ") and " ~ " in head:
        m, c = head[len("mention ") :].split(" ~ ", 1)
        return m, c
    return "", ""


class ReviewQueue:
    """Steward queue over any SQLAlchemy URL; the schema is brought to the shipped revision on
    open (migrations/), so a database of an older credgraph keeps its decisions."""

    def __init__(self, url: str = "sqlite:///credgraph-review.db") -> None:
        self.engine = create_engine(url, future=True)
        migrations.upgrade(self.engine)

    # ------------------------------------------------------------------ items
    def enqueue(self, items: Iterable[Mapping[str, object]]) -> int:
        """Add items (dicts with the pair key, score, evidence ...); pairs already queued are left
        as they are (and a pair given twice is added once, the first time). Returns how many were new.

        Which pairs exist is read per chunk of records and the new rows go in as one bulk insert: a
        query and a flush per item made a city-size run's pool (about 930,000 pairs) take 12 minutes."""
        rows: dict[tuple[str, str, str, str], dict[str, object]] = {}
        for it in items:
            key = (str(it["source"]), str(it["record_id"]), str(it["entity_type"]), str(it["entity_id"]))
            if key in rows:
                continue
            score = float(it.get("score", 0.5))  # type: ignore[arg-type]
            rows[key] = {
                "source": key[0],
                "record_id": key[1],
                "entity_type": key[2],
                "entity_id": key[3],
                "record_text": str(it.get("record_text", "")),
                "mention": str(it.get("mention", "")),
                "candidate_name": str(it.get("candidate_name", "")),
                "score": score,
                "uncertainty": abs(score - 0.5),
                "impact": (2 if key[2] == "firm" else 1) + (1 if key[0] == "credit_records" else 0),
                "evidence": str(it.get("evidence", "")),
                "model_version": str(it.get("model_version", "")),
                "created_at": _now(),
                "status": "pending",
            }
        if not rows:
            return 0
        with Session(self.engine) as s, s.begin():
            for existing in self._existing(s, {(k[0], k[1]) for k in rows}):
                rows.pop(existing, None)
            if rows:
                s.execute(insert(_Item), list(rows.values()))
        return len(rows)

    @staticmethod
    def _existing(
        s: Session, records: set[tuple[str, str]], chunk: int = 500
    ) -> set[tuple[str, str, str, str]]:
        """The queued pair keys of these (source, record id) records, read per source and chunk of
        ids: the pair's unique index leads with (source, record_id), so each read is an index range,
        and a bound-parameter list has limits."""
        by_source: dict[str, list[str]] = {}
        for source, rid in sorted(records):
            by_source.setdefault(source, []).append(rid)
        found: set[tuple[str, str, str, str]] = set()
        for source, ids in by_source.items():
            for at in range(0, len(ids), chunk):
                q = select(_Item.source, _Item.record_id, _Item.entity_type, _Item.entity_id).where(
                    _Item.source == source, _Item.record_id.in_(ids[at : at + chunk])
                )
                found.update((r[0], r[1], r[2], r[3]) for r in s.execute(q))
        return found

    def enqueue_links(self, links: Iterable[Link], texts: Mapping[str, str] | None = None) -> int:
        """Enqueue review-band links, with the record text when known."""
        items = []
        for lk in links:
            mention, cand = _mention_of(lk.evidence)
            items.append(
                {
                    "source": lk.source.value,
                    "record_id": lk.record_id,
                    "entity_type": lk.entity_type.value,
                    "entity_id": lk.entity_id,
                    "score": lk.score,
                    "evidence": lk.evidence,
                    "model_version": lk.model_version,
                    "mention": mention,
                    "candidate_name": cand,
                    "record_text": (texts or {}).get(lk.record_id, ""),
                }
            )
        return self.enqueue(items)

    def refresh_links(self, links: Iterable[Link], texts: Mapping[str, str] | None = None) -> int:
        """A run's question pool: new pairs are enqueued, pending pairs get this run's score and
        evidence, and pending pairs of these records that the run no longer proposes are withdrawn.
        Decided items are left as they are. Returns how many pairs were new."""
        fresh: dict[tuple[str, str, str, str], dict] = {}
        for lk in links:
            mention, cand = _mention_of(lk.evidence)
            fresh[(lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)] = {
                "score": float(lk.score),
                "evidence": lk.evidence,
                "model_version": lk.model_version,
                "mention": mention,
                "candidate_name": cand,
                "record_text": (texts or {}).get(lk.record_id, ""),
            }
        records = {(k[0], k[1]) for k in fresh}
        with Session(self.engine) as s, s.begin():
            for row in s.scalars(select(_Item).where(_Item.status.in_(("pending", "withdrawn")))):
                key = (row.source, row.record_id, row.entity_type, row.entity_id)
                new = fresh.pop(key, None)
                if new is not None:
                    score = float(new["score"])
                    row.score, row.uncertainty = score, abs(score - 0.5)
                    row.evidence, row.model_version = new["evidence"], new["model_version"]
                    row.status = "pending"
                elif row.status == "pending" and (row.source, row.record_id) in records:
                    row.status = "withdrawn"
            decided = {
                (r.source, r.record_id, r.entity_type, r.entity_id)
                for r in s.execute(
                    select(_Item.source, _Item.record_id, _Item.entity_type, _Item.entity_id).where(
                        _Item.status == "decided"
                    )
                )
            }
        return self.enqueue(
            {"source": k[0], "record_id": k[1], "entity_type": k[2], "entity_id": k[3], **v}
            for k, v in fresh.items()
            if k not in decided
        )

    def items_for(self, source: str, record_id: str) -> list[ReviewItem]:
        """Every item of one record, whatever its status (the competing candidates of a mention)."""
        with Session(self.engine) as s:
            rows = s.scalars(
                select(_Item)
                .where(_Item.source == source, _Item.record_id == record_id)
                .order_by(_Item.score.desc(), _Item.id)
            ).all()
            return [_item(r) for r in rows]

    def pool(self) -> list[ReviewItem]:
        """Every pending item (active learning ranks them; see resolution.active)."""
        with Session(self.engine) as s:
            rows = s.scalars(select(_Item).where(_Item.status == "pending").order_by(_Item.id)).all()
            return [_item(r) for r in rows]

    def pending(self, limit: int = 50, offset: int = 0) -> list[ReviewItem]:
        """Undecided items, most informative first."""
        with Session(self.engine) as s:
            rows = s.scalars(
                select(_Item)
                .where(_Item.status == "pending")
                .order_by(_Item.uncertainty.asc(), _Item.impact.desc(), _Item.id.asc())
                .limit(limit)
                .offset(offset)
            ).all()
            return [_item(r) for r in rows]

    def count_pending(self) -> int:
        with Session(self.engine) as s:
            return int(
                s.scalar(select(func.count()).select_from(_Item).where(_Item.status == "pending")) or 0
            )

    def get(self, item_id: int) -> ReviewItem:
        with Session(self.engine) as s:
            row = s.get(_Item, item_id)
            if row is None:
                raise NotFoundError(f"review item {item_id} does not exist")
            return _item(row)

    # ------------------------------------------------------------------ disputes
    def dispute(self, item: Mapping[str, object], who: str, comment: str) -> tuple[ReviewItem, Dispute]:
        """An investigator doubts a link: the pair is queued if it was not, reopened if a steward
        had decided it, put ahead of every other item, and the doubt is kept with who and why.
        Nothing is linked or unlinked: only a steward's verdict does that."""
        self.enqueue([item])
        key = (str(item["source"]), str(item["record_id"]), str(item["entity_type"]), str(item["entity_id"]))
        with Session(self.engine) as s, s.begin():
            row = s.scalars(
                select(_Item).where(
                    _Item.source == key[0],
                    _Item.record_id == key[1],
                    _Item.entity_type == key[2],
                    _Item.entity_id == key[3],
                )
            ).one()
            row.status = "pending"
            row.impact = max(row.impact or 0, DISPUTE_IMPACT)
            rec = _Dispute(
                item_id=row.id, source=key[0], record_id=key[1], entity_type=key[2], entity_id=key[3],
                who=who, comment=comment, disputed_at=_now(), status="open",
            )
            s.add(rec)
            s.flush()
            return _item(row), _dispute(rec)

    def disputes(self, open_only: bool = False) -> list[Dispute]:
        """Every dispute, oldest first (only those no steward has decided since, if asked)."""
        with Session(self.engine) as s:
            q = select(_Dispute).order_by(_Dispute.id)
            if open_only:
                q = q.where(_Dispute.status == "open")
            return [_dispute(r) for r in s.scalars(q).all()]

    def disputed_pending(self) -> list[ReviewItem]:
        """Pending items with an open dispute, oldest dispute first: what a steward sees first."""
        with Session(self.engine) as s:
            ids = s.scalars(
                select(_Dispute.item_id).where(_Dispute.status == "open").order_by(_Dispute.id)
            ).all()
            out: list[ReviewItem] = []
            for item_id in dict.fromkeys(ids):
                row = s.get(_Item, item_id)
                if row is not None and row.status == "pending":
                    out.append(_item(row))
            return out

    # ------------------------------------------------------------------ decisions
    def decide(
        self, item_id: int, verdict: Verdict | str, who: str, comment: str = "", origin: str = ""
    ) -> DecisionRecord:
        """Record a verdict (match / no_match / unsure); 'unsure' leaves the item pending. The
        verdict is committed before this returns (durable before anything applies it)."""
        v = Verdict(verdict)
        if v is Verdict.RETRACTED:
            raise ValueError("use undo() to withdraw a verdict")
        with Session(self.engine) as s, s.begin():
            row = s.get(_Item, item_id)
            if row is None:
                raise NotFoundError(f"review item {item_id} does not exist")
            rec = _Decision(
                item_id=item_id,
                source=row.source,
                record_id=row.record_id,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                verdict=v.value,
                who=who,
                comment=comment,
                decided_at=_now(),
                origin=origin,
            )
            s.add(rec)
            if v is not Verdict.UNSURE:
                row.status = "decided"
                _settle_disputes(s, item_id)
            s.flush()
            return _decision(rec)

    def decide_pair(
        self, key: tuple[str, str, str, str], verdict: Verdict | str, who: str, comment: str = "",
        origin: str = "",
    ) -> DecisionRecord:
        """A verdict on a pair that may not be queued (e.g. a wrong auto link spotted in the graph)."""
        v = Verdict(verdict)
        with Session(self.engine) as s, s.begin():
            rec = _Decision(
                item_id=None,
                origin=origin,
                source=key[0],
                record_id=key[1],
                entity_type=key[2],
                entity_id=key[3],
                verdict=v.value,
                who=who,
                comment=comment,
                decided_at=_now(),
            )
            s.add(rec)
            if v in (Verdict.MATCH, Verdict.NO_MATCH):
                for item_id in s.scalars(
                    select(_Dispute.item_id).where(
                        _Dispute.source == key[0], _Dispute.record_id == key[1],
                        _Dispute.entity_type == key[2], _Dispute.entity_id == key[3],
                    )
                ).all():
                    _settle_disputes(s, item_id)
            s.flush()
            return _decision(rec)

    def undo(self, item_id: int, who: str, origin: str = "page") -> DecisionRecord:
        """Withdraw the latest verdict on an item's pair (appended as a 'retracted' record, so
        the log keeps both) and put the item back in the queue."""
        with Session(self.engine) as s, s.begin():
            row = s.get(_Item, item_id)
            if row is None:
                raise NotFoundError(f"review item {item_id} does not exist")
            rec = _Decision(
                item_id=item_id,
                source=row.source,
                record_id=row.record_id,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                verdict=Verdict.RETRACTED.value,
                who=who,
                comment="undo",
                decided_at=_now(),
                origin=origin,
            )
            s.add(rec)
            row.status = "pending"
            s.flush()
            return _decision(rec)

    def import_verdicts(self, rows: Iterable[Mapping[str, str]], origin: str) -> list[DecisionRecord]:
        """Append already-validated verdict rows in one transaction (all or none). A row whose
        verdict is already the pair's latest is skipped, so importing a file twice adds nothing.
        Queued items of the pairs are marked decided. Returns the records added."""
        latest = self.steward_decisions().latest
        added: list[_Decision] = []
        with Session(self.engine) as s, s.begin():
            items = {
                (r.source, r.record_id, r.entity_type, r.entity_id): r
                for r in s.scalars(select(_Item))
            }
            for r in rows:
                key = (r["source"], r["record_id"], r["entity_type"], r["entity_id"])
                v = Verdict(r["verdict"])
                prev = latest.get(key)
                if prev is not None and prev.verdict is v:
                    continue
                item = items.get(key)
                rec = _Decision(
                    item_id=item.id if item is not None else None,
                    source=key[0],
                    record_id=key[1],
                    entity_type=key[2],
                    entity_id=key[3],
                    verdict=v.value,
                    who=r.get("who") or "import",
                    comment=r.get("comment") or "",
                    decided_at=_now(),
                    origin=f"{origin}:{r.get('line', '')}",
                )
                s.add(rec)
                added.append(rec)
                if item is not None and v is not Verdict.UNSURE:
                    item.status = "decided"
            s.flush()
            return [_decision(d) for d in added]

    def decided_today(self) -> int:
        """Verdicts recorded since midnight UTC and not undone (the steward page's progress)."""
        midnight = _now().replace(hour=0, minute=0, second=0, microsecond=0)
        with Session(self.engine) as s:
            rows = s.execute(
                select(_Decision.verdict, func.count())
                .where(_Decision.decided_at >= midnight)
                .group_by(_Decision.verdict)
            ).all()
        counts = {str(v): int(n) for v, n in rows}
        undone = counts.pop(Verdict.RETRACTED.value, 0)
        return max(sum(counts.values()) - undone, 0)

    def decisions(self) -> list[DecisionRecord]:
        """The whole audit log, oldest first."""
        with Session(self.engine) as s:
            return [_decision(r) for r in s.scalars(select(_Decision).order_by(_Decision.id)).all()]

    def steward_decisions(self) -> StewardDecisions:
        return StewardDecisions.from_records(self.decisions())


def _item(r: _Item) -> ReviewItem:
    return ReviewItem(
        r.id,
        r.source,
        r.record_id,
        r.entity_type,
        r.entity_id,
        r.record_text,
        r.mention,
        r.candidate_name,
        r.score,
        r.evidence,
        r.model_version,
        r.status,
        r.created_at,
    )


def _decision(r: _Decision) -> DecisionRecord:
    return DecisionRecord(
        r.id,
        r.item_id,
        r.source,
        r.record_id,
        r.entity_type,
        r.entity_id,
        Verdict(r.verdict),
        r.who,
        r.decided_at,
        r.comment,
        r.origin or "",
    )


def _dispute(r: _Dispute) -> Dispute:
    return Dispute(
        dispute_id=r.id, item_id=r.item_id, source=r.source, record_id=r.record_id,
        entity_type=r.entity_type, entity_id=r.entity_id, who=r.who, comment=r.comment,
        disputed_at=r.disputed_at, status=r.status,
    )


def _settle_disputes(s: Session, item_id: int) -> None:
    """A steward's match or no-match answers every open dispute of the item."""
    for d in s.scalars(select(_Dispute).where(_Dispute.item_id == item_id, _Dispute.status == "open")):
        d.status = "settled"
