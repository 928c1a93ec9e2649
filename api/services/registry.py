"""The registry (firms, persons, affiliations) rebuilt from a store's tables, for the resolver.

The resolver's gazetteer is built from a Dataset; a running API has a graph, not a data directory.
resolution/ may not import graph/, so this bridge lives at the edge.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from graph.model import ROLE_RELS, NodeLabel, RelType
from graph.tables import GraphTables
from ingest.records import (
    Affiliation,
    Dataset,
    Event,
    EventSource,
    Firm,
    FirmKind,
    FirmStatus,
    Person,
    Provenance,
    SubjectType,
)

_PROV = Provenance("graph", 0)


def _s(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    text = str(v).strip()
    return text or None


def _d(v: Any) -> date | None:
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        return pd.Timestamp(v).date()
    except (ValueError, TypeError):
        return None


def _f(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _enum(cls: Any, v: Any, default: Any) -> Any:
    try:
        return cls(str(v))
    except ValueError:
        return default


def _events(tables: GraphTables) -> list[Event]:
    """Events as stored (their text already normalised, so raw_text is that text too)."""
    frame = tables.nodes.get(NodeLabel.EVENT, pd.DataFrame())
    out = []
    for r in frame.to_dict("records"):
        at = r.get("occurred_at")
        if at is None or at is pd.NaT or _s(r.get("text")) is None:
            continue
        text = str(r["text"])
        out.append(
            Event(
                event_id=str(r["key"]),
                source=_enum(EventSource, r.get("source"), EventSource.COMPLAINT),
                occurred_at=pd.Timestamp(at).to_pydatetime(),
                region_code=_s(r.get("region_code")),
                location=_s(r.get("location")),
                category=_s(r.get("category")),
                text=text,
                raw_text=text,
                prov=_PROV,
            )
        )
    return out


def registry_from_tables(tables: GraphTables, with_events: bool = False) -> Dataset:
    """Firms, persons and affiliations as ingest records (enough for the resolver's gazetteer);
    with the events too when steward decisions about them are to be turned into labels."""
    ds = Dataset()
    if with_events:
        ds.events = _events(tables)
    persons = tables.nodes.get(NodeLabel.PERSON, pd.DataFrame())
    names = dict(zip(persons.get("key", []), persons.get("name", []), strict=False))
    for r in persons.to_dict("records"):
        ds.persons.append(
            Person(
                person_id=str(r["key"]),
                name=str(r.get("name") or ""),
                gender=_s(r.get("gender")),
                birth_date=_d(r.get("birth_date")),
                address=_s(r.get("address")),
                phone=_s(r.get("phone")),
                prov=_PROV,
            )
        )
    rel_role = {rel: role for role, rel in ROLE_RELS.items()}
    legal: dict[str, str] = {}
    for rel, role in rel_role.items():
        edges = tables.edges.get(rel)
        if edges is None or edges.empty:
            continue
        for e in edges.to_dict("records"):
            holder_type = SubjectType.PERSON if e["src_label"] == str(NodeLabel.PERSON) else SubjectType.FIRM
            ds.affiliations.append(
                Affiliation(
                    holder_type=holder_type,
                    holder_id=str(e["src"]),
                    firm_uscc=str(e["dst"]),
                    role=role,
                    share_pct=_f(e.get("share_pct")),
                    start_date=_d(e.get("start_date")),
                    end_date=_d(e.get("end_date")),
                    prov=_PROV,
                )
            )
            if rel in (RelType.LEGAL_REP, RelType.OPERATOR) and holder_type == SubjectType.PERSON:
                legal.setdefault(str(e["dst"]), str(e["src"]))
    firms = tables.nodes.get(NodeLabel.FIRM, pd.DataFrame())
    for r in firms.to_dict("records"):
        key = str(r["key"])
        other = _s(r.get("other_names"))
        rep = legal.get(key)
        ds.firms.append(
            Firm(
                uscc=key,
                name=str(r.get("name") or ""),
                other_names=tuple(other.split("|")) if other else (),
                kind=_enum(FirmKind, r.get("kind"), FirmKind.ENTERPRISE),
                legal_rep_name=names.get(rep) if rep else None,
                legal_rep_id=rep,
                address=_s(r.get("address")),
                region_code=_s(r.get("region_code")),
                phone=_s(r.get("phone")),
                industry=_s(r.get("industry")),
                status=_enum(FirmStatus, r.get("status"), FirmStatus.ACTIVE),
                founded_on=_d(r.get("founded_on")),
                registered_capital_wan=_f(r.get("registered_capital_wan")),
                prov=_PROV,
            )
        )
    return ds
