"""Search, profiles, neighbourhoods and paths: store rows turned into response models.

The store answers the graph questions (both stores identically); this module only finds which
node an id names, caps sizes, re-ranks fuzzy search and reshapes rows.
"""

from __future__ import annotations

import math
from typing import Any

from rapidfuzz import fuzz, process

from api.schemas.common import EntityRef, Page, Step
from api.schemas.entities import CreditRecordOut, EntityProfile, RoleLink, SearchHit, SharedContactOut
from api.schemas.graph import AssociateOut, PathOut, PathsOut
from api.services.ids import candidate_labels, clean_id, key_field, type_of
from graph.model import AFFILIATION_RELS, NodeLabel, RelType
from graph.model import Step as StoreStep
from ingest.errors import NotFoundError
from ingest.text import normalize_text

_LABEL_BY_TYPE = {type_of(lbl): lbl for lbl in NodeLabel}
_HIDDEN_ATTRS = frozenset({"name", "key", "label", "uscc", "person_id", "risk", "records", "roles"})


def clean_value(value: Any) -> Any:
    """Store rows may carry NaN, dates or tuples: make them JSON-plain."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return [clean_value(v) for v in value]
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value


def find_entity(store: Any, raw_id: str) -> tuple[NodeLabel, str, dict[str, Any]]:
    """The subject an id names: (label, key, store row), or NotFoundError."""
    key = clean_id(raw_id)
    for label in candidate_labels(key):
        row = store.entity(label, key)
        if row is not None:
            return label, key, row
    raise NotFoundError("no firm or person with that id")


def props_of(row: dict[str, Any]) -> dict[str, Any]:
    """A store row's node properties (rows nest them under `properties`)."""
    return row.get("properties", row)


def _row_label(row: dict[str, Any]) -> NodeLabel:
    raw = row.get("label") or row.get("type") or ("Person" if row.get("person_id") else "Firm")
    return _LABEL_BY_TYPE.get(str(raw), None) or NodeLabel(str(raw))


def _row_key(row: dict[str, Any]) -> str:
    return str(row.get("key") or row.get("uscc") or row.get("person_id") or row.get("id"))


def _names(row: dict[str, Any]) -> list[str]:
    names = [row.get("name") or ""]
    other = row.get("other_names") or ()
    names += other.split("|") if isinstance(other, str) else list(other)
    names.append(_row_key(row))
    return [n for n in names if n]


def _windows(q: str, n: int = 6) -> list[str]:
    """Short pieces of the query for candidate generation when the whole query is not a substring
    of any name (typos, a wrong suffix, 某 forms): 2-character windows spread over the query."""
    q = q.replace("某", "")
    if len(q) <= 2:
        return []
    pieces = [q[i : i + 2] for i in range(len(q) - 1)]
    step = max(1, len(pieces) // n)
    return list(dict.fromkeys(pieces[::step]))[:n]


def search(store: Any, q: str, limit: int, offset: int, max_results: int) -> Page[SearchHit]:
    """Store search (names, aliases, codes), widened by query windows when it finds too little,
    re-ranked by the best fuzzy match (rapidfuzz WRatio) of the query to any name or code."""
    q = normalize_text(q)  # as records are stored: half-width, simplified, single spaces
    want = min(max_results, offset + limit)
    pool = max(want * 3, 50)
    rows = {(r["label"], r["key"]): r for r in store.search(q, limit=pool)}
    if len(rows) < want:
        for piece in _windows(q):
            for r in store.search(piece, limit=pool):
                rows.setdefault((r["label"], r["key"]), r)
    hits: list[SearchHit] = []
    for row in rows.values():
        best = process.extractOne(q, _names(row), scorer=fuzz.WRatio)
        matched, score = (best[0], float(best[1])) if best else (row.get("name"), 0.0)
        if clean_id(q) == _row_key(row):
            matched, score = _row_key(row), 100.0
        if score < 50:  # below this WRatio only shares generic words (有限公司)
            continue
        hits.append(
            SearchHit(
                type=type_of(_row_label(row)),
                id=_row_key(row),
                name=row.get("name"),
                matched=matched,
                score=round(score, 1),
            )
        )
    hits.sort(key=lambda h: (-h.score, h.id))
    hits = hits[:max_results]
    page = hits[offset : offset + limit]
    more = offset + limit < len(hits)
    return Page[SearchHit](
        items=page, limit=limit, offset=offset, next_offset=offset + limit if more else None, total=len(hits)
    )


def to_step(step: StoreStep) -> Step:
    share = step.share_pct
    return Step(
        src=step.src,
        rel=str(step.rel),
        dst=step.dst,
        share_pct=None if share is None or (isinstance(share, float) and math.isnan(share)) else share,
    )


def _records(row: dict[str, Any]) -> list[CreditRecordOut]:
    """The subject's credit records: published with its code, or linked by resolution (rejected
    links are kept in the graph as decisions, never shown as the subject's records)."""
    out = []
    for item in row.get("credit_records") or []:
        rec, link = dict(item.get("record") or {}), dict(item.get("link") or {})
        if link.get("decision") == "rejected":
            continue
        data = {k: clean_value(v) for k, v in rec.items()}
        data["record_id"] = str(data.get("record_id") or data.get("key"))
        data["grounded"] = bool(data.get("document_no"))
        data["link_decision"] = link.get("decision")
        data["link_score"] = clean_value(link.get("score"))
        data["link_evidence"] = clean_value(link.get("evidence")) if data["link_decision"] else None
        out.append(CreditRecordOut.model_validate(data))
    out.sort(key=lambda r: (r.decided_on or "", r.record_id), reverse=True)
    return out


def profile(store: Any, raw_id: str, max_results: int) -> EntityProfile:
    """A subject's attributes, its direct affiliations (both directions) and its credit records."""
    label, key, row = find_entity(store, raw_id)
    roles: list[RoleLink] = []
    # One call per role type: associates keeps one path per entity, and a person may hold
    # several roles at one firm (legal representative and shareholder).
    for rel in sorted(AFFILIATION_RELS):
        for a in store.associates(label, key, depth=1, roles={rel}, limit=max_results):
            step = a.path[0]
            roles.append(
                RoleLink(
                    role=str(rel.value).lower(),
                    direction="out" if step.src == key else "in",
                    other=EntityRef(type=type_of(a.label), id=a.key, name=a.name),
                    share_pct=to_step(step).share_pct,
                )
            )
    shared = [
        SharedContactOut(
            via=type_of(c.via_label),
            via_key=c.via_key,
            other=EntityRef(type=type_of(c.label), id=c.key, name=c.name),
        )
        for c in store.shared_contacts(label, key, limit=max_results)
    ]
    props = props_of(row)
    attrs = {
        k: clean_value(v)
        for k, v in props.items()
        if k not in _HIDDEN_ATTRS and not k.startswith("risk_") and k != key_field(label)
    }
    return EntityProfile(
        type=type_of(label),
        id=key,
        name=props.get("name"),
        attributes=attrs,
        roles=roles,
        records=_records(row),
        shared_contacts=shared,
    )


def associates(
    store: Any,
    raw_id: str,
    depth: int,
    roles: set[RelType] | None,
    limit: int,
    offset: int,
    with_risk: bool,
) -> tuple[NodeLabel, str, Page[AssociateOut]]:
    """Entities within `depth` hops, one shortest path each; a page of them, nearest first.

    The traversal itself shows the start exists when it finds anyone; only an empty answer costs
    the extra entity lookup that tells an isolated subject from an unknown id."""
    key = clean_id(raw_id)
    rows: list[Any] = []
    for label in candidate_labels(key):
        rows = store.associates(label, key, depth=depth, roles=roles, limit=offset + limit + 1)
        if rows:
            break
    if not rows:
        label, key, _ = find_entity(store, key)
    more = len(rows) > offset + limit
    items = []
    for a in rows[offset : offset + limit]:
        risk = None
        if with_risk and a.label in (NodeLabel.FIRM, NodeLabel.PERSON):
            score = store.risk(a.label, a.key)
            risk = None if score is None else round(float(score.score), 4)
        items.append(
            AssociateOut(
                type=type_of(a.label),
                id=a.key,
                name=a.name,
                depth=a.depth,
                path=[to_step(s) for s in a.path],
                risk=risk,
            )
        )
    page = Page[AssociateOut](
        items=items, limit=limit, offset=offset, next_offset=offset + limit if more else None
    )
    return label, key, page


def paths(store: Any, raw_from: str, raw_to: str, max_depth: int, limit: int) -> PathsOut:
    """Shortest affiliation paths between two subjects, each step with its role and share."""
    f_label, f_key, _ = find_entity(store, raw_from)
    t_label, t_key, _ = find_entity(store, raw_to)
    found = store.shortest_paths(f_label, f_key, t_label, t_key, max_depth=max_depth, limit=limit)
    return PathsOut(
        source=f_key,
        target=t_key,
        max_depth=max_depth,
        paths=[PathOut(length=len(p), steps=[to_step(s) for s in p]) for p in found],
    )
