"""Pure functions that turn ingest records into the rows both stores write.

A node row is `{"key": str, "props": dict}`; an edge row is `{"src": str, "dst": str, "rid": str,
"props": dict}` grouped by `EdgeGroup` (src label, rel type, dst label). `rid` tells apart
relationships of one type between the same two nodes (an affiliation renewed with a new start
date, a link written by another model version), so MERGE on (src, type, rid, dst) is idempotent.
Properties never hold None: Neo4j cannot store it, and the networkx store must look the same.
Provenance travels as `prov_file` / `prov_row` (the file name and line the record was read from).
No database here: these are tested on their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from graph.model import ROLE_RELS, SUBJECT_LABELS, NodeLabel, RelType, RiskScore
from ingest.normalize import normalize_address, normalize_phones
from ingest.records import Affiliation, CreditRecord, Dataset, Event, Firm, Person, Provenance, SubjectType
from resolution.links import Link, LinkSource

EdgeGroup = tuple[NodeLabel, RelType, NodeLabel]
Row = dict[str, Any]

RID_NONE = "-"  # the only relationship of its type between two nodes
RID_PUBLISHED = "published"  # SUBJECT_OF from a credit record published with a valid code


def link_rid(model_version: str) -> str:
    """The rid of a resolution link: one per (record, entity, model version)."""
    return f"link:{model_version}"


def props(**values: Any) -> dict[str, Any]:
    """Properties without the None values (and enums as their plain string value)."""
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items() if v is not None}


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# Temporal values travel as ISO strings beside `props` and are converted by the statement
# (date(), localdatetime()): the Python driver packs a datetime ~30x slower than a string.
# The networkx store converts them back with `stored_props`, so both stores hold the same values.
TEMPORAL: dict[NodeLabel | RelType, dict[str, type[date] | type[datetime]]] = {
    NodeLabel.FIRM: {"founded_on": date},
    NodeLabel.PERSON: {"birth_date": date},
    NodeLabel.CREDIT_RECORD: {"decided_on": date, "expires_on": date},
    NodeLabel.EVENT: {"occurred_at": datetime},
    **{rel: {"start_date": date, "end_date": date} for rel in ROLE_RELS.values()},
}
# The statement that writes each label's rows; edges use write/merge_roles for affiliation roles and
# write/merge_edges for the rest.
NODE_WRITES: dict[NodeLabel, str] = {
    NodeLabel.FIRM: "write/merge_firms",
    NodeLabel.PERSON: "write/merge_persons",
    NodeLabel.ADDRESS: "write/merge_nodes",
    NodeLabel.PHONE: "write/merge_nodes",
    NodeLabel.CREDIT_RECORD: "write/merge_credit_records",
    NodeLabel.EVENT: "write/merge_events",
}


def stored_props(kind: NodeLabel | RelType, row: Row) -> dict[str, Any]:
    """The properties a row leaves on its node or relationship: `props` plus its temporal fields."""
    out = dict(row["props"])
    for name, typ in TEMPORAL.get(kind, {}).items():
        if (text := row.get(name)) is not None:
            out[name] = typ.fromisoformat(text)
    return out


def _prov(p: Provenance) -> dict[str, Any]:
    return {"prov_file": p.source, "prov_row": p.row}


@lru_cache(maxsize=1 << 18)
def address_key(text: str | None) -> str | None:
    """Address node key (ingest.normalize.normalize_address), cached: addresses repeat a lot."""
    return normalize_address(text)


@lru_cache(maxsize=1 << 18)
def phone_keys(text: str | None) -> tuple[str, ...]:
    """Phone node keys of a field that may list several numbers (normalize_phones), cached."""
    return tuple(normalize_phones(text))


def firm_row(f: Firm) -> Row:
    return {
        "key": f.uscc,
        "props": props(
            name=f.name,
            other_names=list(f.other_names),
            kind=f.kind,
            legal_rep_name=f.legal_rep_name,
            legal_rep_id=f.legal_rep_id,
            address=f.address,
            region_code=f.region_code,
            phone=f.phone,
            industry=f.industry,
            status=f.status,
            registered_capital_wan=f.registered_capital_wan,
            raw_name=f.raw_name or None,
            **_prov(f.prov),
        ),
        "founded_on": _iso(f.founded_on),
    }


def person_row(p: Person) -> Row:
    return {
        "key": p.person_id,
        "props": props(
            name=p.name,
            gender=p.gender,
            address=p.address,
            phone=p.phone,
            **_prov(p.prov),
        ),
        "birth_date": _iso(p.birth_date),
    }


def credit_record_row(r: CreditRecord) -> Row:
    return {
        "key": r.record_id,
        "props": props(
            subject_type=r.subject_type,
            subject_id=r.subject_id,
            masked_id=r.masked_id,
            subject_name=r.subject_name,
            kind=r.kind,
            authority=r.authority,
            document_no=r.document_no,
            grounded=r.grounded,
            amount_yuan=r.amount_yuan,
            summary=r.summary,
            **_prov(r.prov),
        ),
        "decided_on": _iso(r.decided_on),
        "expires_on": _iso(r.expires_on),
    }


def event_row(e: Event) -> Row:
    return {
        "key": e.event_id,
        "props": props(
            source=e.source,
            region_code=e.region_code,
            location=e.location,
            category=e.category,
            text=e.text,
            raw_text=e.raw_text if e.raw_text != e.text else None,
            **_prov(e.prov),
        ),
        "occurred_at": _iso(e.occurred_at),
    }


def affiliation_row(a: Affiliation) -> tuple[EdgeGroup, Row]:
    group = (SUBJECT_LABELS[a.holder_type], ROLE_RELS[a.role], NodeLabel.FIRM)
    rid = a.start_date.isoformat() if a.start_date else RID_NONE
    row = {
        "src": a.holder_id,
        "dst": a.firm_uscc,
        "rid": rid,
        "props": props(share_pct=a.share_pct, **_prov(a.prov)),
        "start_date": _iso(a.start_date),
        "end_date": _iso(a.end_date),
    }
    return group, row


@dataclass
class GraphRows:
    """Everything one dataset writes: nodes per label, then edges per group (nodes go first)."""

    nodes: dict[NodeLabel, list[Row]] = field(default_factory=dict)
    edges: dict[EdgeGroup, list[Row]] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    def edge_count(self) -> int:
        return sum(len(v) for v in self.edges.values())


def _contacts(
    label: NodeLabel, items: Iterable[tuple[str, str | None, str | None]], rows: GraphRows
) -> None:
    addresses = rows.nodes.setdefault(NodeLabel.ADDRESS, [])
    phones = rows.nodes.setdefault(NodeLabel.PHONE, [])
    at = rows.edges.setdefault((label, RelType.REGISTERED_AT, NodeLabel.ADDRESS), [])
    has = rows.edges.setdefault((label, RelType.HAS_PHONE, NodeLabel.PHONE), [])
    for key, address, phone in items:
        if (a := address_key(address)) is not None:
            addresses.append({"key": a, "props": {}})
            at.append({"src": key, "dst": a, "rid": RID_NONE, "props": {}})
        for p in phone_keys(phone):
            phones.append({"key": p, "props": {}})
            has.append({"src": key, "dst": p, "rid": RID_NONE, "props": {}})


def _dedupe_nodes(rows: list[Row]) -> list[Row]:
    """One row per key, the last one winning (as repeated MERGE + SET would leave it)."""
    return list({r["key"]: r for r in rows}.values())


def dataset_rows(ds: Dataset) -> GraphRows:
    """All rows of a dataset: subjects, contacts, affiliations, credit records, events."""
    rows = GraphRows()
    rows.nodes[NodeLabel.FIRM] = [firm_row(f) for f in ds.firms]
    rows.nodes[NodeLabel.PERSON] = [person_row(p) for p in ds.persons]
    _contacts(NodeLabel.FIRM, ((f.uscc, f.address, f.phone) for f in ds.firms), rows)
    _contacts(NodeLabel.PERSON, ((p.person_id, p.address, p.phone) for p in ds.persons), rows)
    rows.nodes[NodeLabel.CREDIT_RECORD] = [credit_record_row(r) for r in ds.credit_records]
    rows.nodes[NodeLabel.EVENT] = [event_row(e) for e in ds.events]
    for label in list(rows.nodes):
        rows.nodes[label] = _dedupe_nodes(rows.nodes[label])
    for a in ds.affiliations:
        group, row = affiliation_row(a)
        rows.edges.setdefault(group, []).append(row)
    for r in ds.credit_records:
        if r.subject_id:
            group = (SUBJECT_LABELS[r.subject_type], RelType.SUBJECT_OF, NodeLabel.CREDIT_RECORD)
            edge = {"src": r.subject_id, "dst": r.record_id, "rid": RID_PUBLISHED, "props": {}}
            rows.edges.setdefault(group, []).append(edge)
    return rows


def link_rows(links: Sequence[Link]) -> tuple[dict[LinkSource, list[Row]], dict[EdgeGroup, list[Row]]]:
    """Rows for write_links: first the (record, model version) pairs whose old links are deleted,
    then the links: (Event)-[:MENTIONS]->(subject) or (subject)-[:SUBJECT_OF]->(CreditRecord)."""
    deletes: dict[LinkSource, dict[tuple[str, str], Row]] = defaultdict(dict)
    edges: dict[EdgeGroup, list[Row]] = defaultdict(list)
    for link in links:
        pair = (link.record_id, link.model_version)
        deletes[link.source][pair] = {"record_id": link.record_id, "model_version": link.model_version}
        p = props(score=float(link.score), decision=link.decision, model_version=link.model_version,
                  evidence=link.evidence)
        rid = link_rid(link.model_version)
        subject = SUBJECT_LABELS[link.entity_type]
        if link.source == LinkSource.EVENTS:
            group = (NodeLabel.EVENT, RelType.MENTIONS, subject)
            edges[group].append({"src": link.record_id, "dst": link.entity_id, "rid": rid, "props": p})
        else:
            group = (subject, RelType.SUBJECT_OF, NodeLabel.CREDIT_RECORD)
            edges[group].append({"src": link.entity_id, "dst": link.record_id, "rid": rid, "props": p})
    return {src: list(d.values()) for src, d in deletes.items()}, dict(edges)


RISK_PROPS = ("risk_score", "risk_own_score", "risk_related_score", "risk_model_version", "risk_top_reasons")


def risk_rows(scores: Sequence[RiskScore]) -> dict[NodeLabel, list[Row]]:
    """Rows for write_risk_scores, per subject label."""
    out: dict[NodeLabel, list[Row]] = defaultdict(list)
    for s in scores:
        out[SUBJECT_LABELS[s.subject_type]].append(
            {
                "key": s.subject_id,
                "score": float(s.score),
                "own_score": float(s.own_score),
                "related_score": float(s.related_score),
                "model_version": s.model_version,
                "top_reasons": s.top_reasons,
            }
        )
    return dict(out)


def risk_from_props(subject: NodeLabel, key: str, p: dict[str, Any]) -> RiskScore | None:
    """The RiskScore stored on a node, or None when none was written."""
    if "risk_score" not in p:
        return None
    st = SubjectType.FIRM if subject == NodeLabel.FIRM else SubjectType.PERSON
    return RiskScore(
        subject_type=st,
        subject_id=key,
        score=float(p["risk_score"]),
        own_score=float(p["risk_own_score"]),
        related_score=float(p["risk_related_score"]),
        model_version=str(p["risk_model_version"]),
        top_reasons=str(p["risk_top_reasons"]),
    )


def edge_waves(edges: dict[EdgeGroup, list[Row]], workers: int) -> list[list[EdgeGroup]]:
    """Edge groups to write side by side, at most `workers` per wave, no two in a wave sharing a
    node label: MERGE of a relationship locks both its nodes, so concurrent batches over shared
    nodes deadlock (and are retried, slowly). Larger groups are placed first; deterministic."""
    waves: list[list[EdgeGroup]] = []
    for group in sorted(edges, key=lambda g: (-len(edges[g]), tuple(map(str, g)))):
        labels = {group[0], group[2]}
        for wave in waves:
            if len(wave) < max(workers, 1) and all(labels.isdisjoint({g[0], g[2]}) for g in wave):
                wave.append(group)
                break
        else:
            waves.append([group])
    return waves
