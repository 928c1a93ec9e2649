"""Adapters from the resolver's and the review queue's objects to response models.

The resolution package owns the objects; these functions read them by attribute name, so a field
renamed there shows up as a missing value here rather than an error in a steward's face.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from api.schemas.resolve import CandidateOut, Contribution, ResolveOut
from api.schemas.review import DecisionOut, ReviewItemOut, Verdict
from api.services.entities import profile
from ingest.errors import NotFoundError
from ingest.normalize import normalize_text


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def contributions(raw: Any) -> list[Contribution]:
    out = []
    for c in raw or []:
        out.append(
            Contribution(
                name=str(_get(c, "name", default="?")),
                level=_get(c, "level_label", "label", "level"),
                value=_get(c, "bayes_factor", "value"),
                weight=_get(c, "log2_weight", "weight", "contribution"),
                note=_get(c, "note") or None,
            )
        )
    return out


def _entity(obj: Any) -> tuple[str, str, str | None]:
    ent = _get(obj, "entity", default=obj)
    etype = _get(ent, "entity_type", "type", "label", default="")
    eid = _get(ent, "entity_id", "id", "key", default="")
    name = _get(ent, "name", "entity_name", "candidate_name")
    return str(getattr(etype, "value", etype)).lower(), str(eid), name


def candidate_out(c: Any) -> CandidateOut:
    etype, eid, name = _entity(c)
    decision = _get(c, "decision", default="")
    return CandidateOut(
        entity_type=etype,
        entity_id=eid,
        name=name,
        score=float(_get(c, "score", default=0.0)),
        decision=str(getattr(decision, "value", decision)),
        evidence=str(_get(c, "evidence", default="")),
        contributions=contributions(_get(c, "contributions", "features", "waterfall")),
    )


def resolve(resolver: Any, text: str, region_code: str | None, occurred_at: datetime | None) -> ResolveOut:
    cands = resolver.resolve_text(text, region_code=region_code, occurred_at=occurred_at)
    return ResolveOut(candidates=[candidate_out(c) for c in cands])


def _span(text: str, mention: str | None, start: Any, end: Any) -> tuple[int | None, int | None]:
    """Where the mention sits in the text as typed. Mentions are found in normalised text
    (half-width, simplified); normalising maps character for character, so when the lengths agree
    the offsets found there hold in the raw text too."""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return start, end
    if not mention:
        return None, None
    mention = clean_mention(mention)
    for candidate in (text, normalize_text(text)):
        if candidate and mention in candidate and len(candidate) == len(text):
            i = candidate.index(mention)
            return i, i + len(mention)
    return None, None


def clean_mention(mention: str) -> str:
    """The text span of a mention as the resolver writes it: '"杜泽老街"', 'via 张伟', 'phone 138…'."""
    m = mention.strip()
    if " " in m and m.split(" ", 1)[0] in ("via", "phone", "masked", "code", "name"):
        m = m.split(" ", 1)[1]
    return m.strip('"“”')


_EVIDENCE_PART = re.compile(r"^(?P<name>[A-Za-z_][\w]*):?\s+(?P<level>.*?)\s*(?P<w>[+-]\d+(?:\.\d+)?)$")


def evidence_contributions(evidence: str) -> list[Contribution]:
    """The waterfall bars written into an evidence string (`name: level +1.2; prior -3.0 → 0.61`)."""
    out = []
    for part in evidence.split(";")[1:]:
        part = part.split("→")[0].strip()
        m = _EVIDENCE_PART.match(part)
        if m:
            out.append(
                Contribution(name=m.group("name"), level=m.group("level") or None, weight=float(m.group("w")))
            )
    return out


def item_out(item: Any, store: Any | None = None, max_results: int = 100) -> ReviewItemOut:
    """A queue item with the candidate's profile from the graph, when the store knows it."""
    etype, eid, _ = _entity(item)
    text = str(_get(item, "text", "record_text", default=""))
    mention = _get(item, "mention", "mention_text") or None
    start, end = _span(text, mention, _get(item, "mention_start", "start"), _get(item, "mention_end", "end"))
    candidate = None
    if store is not None and eid:
        try:
            candidate = profile(store, eid, max_results)
        except NotFoundError:
            candidate = None
    source = _get(item, "source")
    return ReviewItemOut(
        item_id=str(_get(item, "item_id", "id")),
        source=str(getattr(source, "value", source)) if source else None,
        record_id=_get(item, "record_id"),
        text=text,
        mention=mention,
        mention_start=start,
        mention_end=end,
        entity_type=etype,
        entity_id=eid,
        candidate=candidate,
        score=_get(item, "score"),
        evidence=_get(item, "evidence"),
        contributions=contributions(_get(item, "contributions", "features", "waterfall"))
        or evidence_contributions(str(_get(item, "evidence", default=""))),
    )


def get_item(queue: Any, item_id: str) -> Any:
    try:
        item = queue.get(int(item_id) if item_id.isdigit() else item_id)
    except (KeyError, LookupError) as exc:
        raise NotFoundError("no review item with that id") from exc
    if item is None:
        raise NotFoundError("no review item with that id")
    return item


def decide(
    queue: Any, item_id: str, verdict: Verdict, who: str, comment: str | None
) -> tuple[DecisionOut, ReviewItemOut]:
    """Record a steward's verdict; returns the answer and the decided item (for the audit line)."""
    item = get_item(queue, item_id)
    decided = item_out(item)
    key = int(item_id) if item_id.isdigit() else item_id
    queue.decide(key, verdict.value, who=who, comment=comment or "")
    out = DecisionOut(item_id=decided.item_id, verdict=verdict, who=who, pending=int(queue.count_pending()))
    return out, decided
