"""A stand-in GraphTables builder from a Dataset, for tests and for the CLI until the stores export.

The graph stores' `export_tables()` is the real source; this builds the same shapes straight from
ingest records (credit records published with a valid code get SUBJECT_OF with no decision; masked
ones are left unlinked unless `links` from resolution are given). Address and phone keys are
normalised lightly (whitespace / non-digits stripped) when ingest's normalisers are absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from graph.export import NODE_COLUMNS
from graph.model import ROLE_RELS, NodeLabel, RelType
from graph.tables import GraphTables
from ingest.records import Dataset, Firm, Person, SubjectType
from resolution.links import Link, LinkSource

_LAB = {SubjectType.FIRM: str(NodeLabel.FIRM), SubjectType.PERSON: str(NodeLabel.PERSON)}


def _columns(label: NodeLabel) -> list[str]:
    """The export's column order for a label (graph.export declares it once for both stores)."""
    return ["key", *NODE_COLUMNS[label]]


def _addr_key(text: str | None) -> str | None:
    if not text:
        return None
    key = re.sub(r"\s+", "", text)
    return key or None


def _phone_key(text: str | None) -> str | None:
    if not text:
        return None
    digits = re.sub(r"\D", "", text)
    return digits or None


def _edges(rows: list[dict], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    cols = ["src_label", "src", "dst_label", "dst", *extra]
    return pd.DataFrame(rows, columns=cols)


def _dates(df: pd.DataFrame, cols: Iterable[str]) -> pd.DataFrame:
    for c in cols:
        df[c] = pd.to_datetime(df[c], errors="coerce")
    return df


def tables_from_dataset(ds: Dataset, links: Iterable[Link] = ()) -> GraphTables:
    """GraphTables in the documented shape from ingest records plus resolution links."""
    firms = pd.DataFrame(
        [
            {
                "key": f.uscc,
                "name": f.name,
                "other_names": "|".join(f.other_names),
                "kind": str(f.kind),
                "status": str(f.status),
                "region_code": f.region_code,
                "industry": f.industry,
                "founded_on": f.founded_on,
                "registered_capital_wan": f.registered_capital_wan,
                "address": f.address,
                "phone": f.phone,
            }
            for f in ds.firms
        ],
        columns=_columns(NodeLabel.FIRM),
    )
    persons = pd.DataFrame(
        [
            {
                "key": p.person_id,
                "name": p.name,
                "gender": p.gender,
                "birth_date": p.birth_date,
                "address": p.address,
                "phone": p.phone,
            }
            for p in ds.persons
        ],
        columns=_columns(NodeLabel.PERSON),
    )
    recs = pd.DataFrame(
        [
            {
                "key": r.record_id,
                "kind": str(r.kind),
                "subject_name": r.subject_name,
                "authority": r.authority,
                "document_no": r.document_no,
                "decided_on": r.decided_on,
                "expires_on": r.expires_on,
                "amount_yuan": r.amount_yuan,
            }
            for r in ds.credit_records
        ],
        columns=_columns(NodeLabel.CREDIT_RECORD),
    )
    events = pd.DataFrame(
        [
            {
                "key": e.event_id,
                "source": str(e.source),
                "occurred_at": e.occurred_at,
                "region_code": e.region_code,
                "location": e.location,
                "category": e.category,
                "text": e.text,
            }
            for e in ds.events
        ],
        columns=_columns(NodeLabel.EVENT),
    )
    _dates(firms, ["founded_on"])
    _dates(persons, ["birth_date"])
    _dates(recs, ["decided_on", "expires_on"])
    _dates(events, ["occurred_at"])

    role_rows: dict[RelType, list[dict]] = {rel: [] for rel in ROLE_RELS.values()}
    for a in ds.affiliations:
        role_rows[ROLE_RELS[a.role]].append(
            {
                "src_label": _LAB[a.holder_type],
                "src": a.holder_id,
                "dst_label": str(NodeLabel.FIRM),
                "dst": a.firm_uscc,
                "share_pct": a.share_pct,
                "start_date": a.start_date,
                "end_date": a.end_date,
            }
        )
    edges: dict[RelType, pd.DataFrame] = {
        rel: _dates(_edges(rows, ("share_pct", "start_date", "end_date")), ["start_date", "end_date"])
        for rel, rows in role_rows.items()
    }

    addr_rows: list[dict] = []
    phone_rows: list[dict] = []
    contacts: list[tuple[str, str, Firm | Person]] = [(str(NodeLabel.FIRM), f.uscc, f) for f in ds.firms]
    contacts += [(str(NodeLabel.PERSON), p.person_id, p) for p in ds.persons]
    for lab, key, it in contacts:
        if (addr := _addr_key(it.address)) is not None:
            addr_rows.append({"src_label": lab, "src": key, "dst_label": str(NodeLabel.ADDRESS), "dst": addr})
        if (phone := _phone_key(it.phone)) is not None:
            phone_rows.append({"src_label": lab, "src": key, "dst_label": str(NodeLabel.PHONE), "dst": phone})
    edges[RelType.REGISTERED_AT] = _edges(addr_rows)
    edges[RelType.HAS_PHONE] = _edges(phone_rows)

    so_rows: list[dict[str, Any]] = [
        {
            "src_label": _LAB[r.subject_type],
            "src": r.subject_id,
            "dst_label": str(NodeLabel.CREDIT_RECORD),
            "dst": r.record_id,
            "score": None,
            "decision": None,
            "model_version": None,
        }
        for r in ds.credit_records
        if r.subject_id
    ]
    men_rows = []
    for link in links:
        row = {"score": link.score, "decision": str(link.decision), "model_version": link.model_version}
        if link.source == LinkSource.CREDIT_RECORDS:
            so_rows.append(
                {
                    "src_label": _LAB[link.entity_type],
                    "src": link.entity_id,
                    "dst_label": str(NodeLabel.CREDIT_RECORD),
                    "dst": link.record_id,
                    **row,
                }
            )
        else:
            men_rows.append(
                {
                    "src_label": str(NodeLabel.EVENT),
                    "src": link.record_id,
                    "dst_label": _LAB[link.entity_type],
                    "dst": link.entity_id,
                    **row,
                }
            )
    edges[RelType.SUBJECT_OF] = _edges(so_rows, ("score", "decision", "model_version"))
    edges[RelType.MENTIONS] = _edges(men_rows, ("score", "decision", "model_version"))

    addr = pd.DataFrame({"key": sorted({r["dst"] for r in addr_rows})})
    phone = pd.DataFrame({"key": sorted({r["dst"] for r in phone_rows})})
    nodes = {
        NodeLabel.FIRM: firms,
        NodeLabel.PERSON: persons,
        NodeLabel.ADDRESS: addr,
        NodeLabel.PHONE: phone,
        NodeLabel.CREDIT_RECORD: recs,
        NodeLabel.EVENT: events,
    }
    return GraphTables(nodes=nodes, edges=edges)


class TablesBuilder:
    """Write a small GraphTables in code (tests, examples): one call per node or edge.

    >>> b = TablesBuilder(); b.firm("F1", founded_on="2015-01-01"); b.person("P1")
    >>> b.role("Person", "P1", "F1", "legal_rep"); t = b.build()
    """

    def __init__(self) -> None:
        self.firms: list[dict] = []
        self.persons: list[dict] = []
        self.aff: dict[RelType, list[dict]] = {rel: [] for rel in ROLE_RELS.values()}
        self.records: list[dict] = []
        self.subject_of: list[dict] = []
        self.events: list[dict] = []
        self.mentions: list[dict] = []
        self.contacts: dict[RelType, list[dict]] = {RelType.REGISTERED_AT: [], RelType.HAS_PHONE: []}

    def firm(
        self,
        key: str,
        founded_on: str | None = "2010-01-01",
        kind: str = "enterprise",
        status: str = "active",
        address: str | None = None,
        phone: str | None = None,
        capital: float | None = 100.0,
        name: str | None = None,
    ) -> TablesBuilder:
        self.firms.append(
            {
                "key": key,
                "name": name or key,
                "other_names": "",
                "kind": kind,
                "status": status,
                "region_code": "330803",
                "industry": None,
                "founded_on": founded_on,
                "registered_capital_wan": capital,
                "address": address,
                "phone": phone,
            }
        )
        self._contacts("Firm", key, address, phone)
        return self

    def person(
        self, key: str, address: str | None = None, phone: str | None = None, name: str | None = None
    ) -> TablesBuilder:
        self.persons.append(
            {
                "key": key,
                "name": name or key,
                "gender": None,
                "birth_date": None,
                "address": address,
                "phone": phone,
            }
        )
        self._contacts("Person", key, address, phone)
        return self

    def _contacts(self, lab: str, key: str, address: str | None, phone: str | None) -> None:
        if address:
            self.contacts[RelType.REGISTERED_AT].append(
                {"src_label": lab, "src": key, "dst_label": "Address", "dst": _addr_key(address)}
            )
        if phone:
            self.contacts[RelType.HAS_PHONE].append(
                {"src_label": lab, "src": key, "dst_label": "Phone", "dst": _phone_key(phone)}
            )

    def role(
        self,
        holder_label: str,
        holder: str,
        firm: str,
        role: str,
        share_pct: float | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
    ) -> TablesBuilder:
        rel = RelType(role.upper())
        self.aff[rel].append(
            {
                "src_label": holder_label,
                "src": holder,
                "dst_label": "Firm",
                "dst": firm,
                "share_pct": share_pct,
                "start_date": start_date,
                "end_date": end_date,
            }
        )
        return self

    def record(
        self,
        key: str,
        subject_label: str,
        subject: str,
        kind: str,
        decided_on: str,
        expires_on: str | None = None,
        document_no: str | None = "doc",
        decision: str | None = None,
        amount_yuan: float | None = None,
    ) -> TablesBuilder:
        self.records.append(
            {
                "key": key,
                "kind": kind,
                "subject_name": subject,
                "authority": None,
                "document_no": document_no,
                "decided_on": decided_on,
                "expires_on": expires_on,
                "amount_yuan": amount_yuan,
            }
        )
        self.subject_of.append(
            {
                "src_label": subject_label,
                "src": subject,
                "dst_label": "CreditRecord",
                "dst": key,
                "score": None if decision is None else 0.9,
                "decision": decision,
                "model_version": None,
            }
        )
        return self

    def event(
        self,
        key: str,
        occurred_at: str,
        about: list[tuple[str, str]],
        source: str = "complaint",
        category: str = "食品安全",
        decision: str = "auto_link",
    ) -> TablesBuilder:
        self.events.append(
            {
                "key": key,
                "source": source,
                "occurred_at": occurred_at,
                "region_code": None,
                "location": None,
                "category": category,
                "text": "",
            }
        )
        for lab, subj in about:
            self.mentions.append(
                {
                    "src_label": "Event",
                    "src": key,
                    "dst_label": lab,
                    "dst": subj,
                    "score": 0.9,
                    "decision": decision,
                    "model_version": "m",
                }
            )
        return self

    def build(self) -> GraphTables:
        firms = _dates(
            pd.DataFrame(
                self.firms,
                columns=_columns(NodeLabel.FIRM),
            ),
            ["founded_on"],
        )
        persons = _dates(
            pd.DataFrame(self.persons, columns=_columns(NodeLabel.PERSON)),
            ["birth_date"],
        )
        recs = _dates(
            pd.DataFrame(
                self.records,
                columns=_columns(NodeLabel.CREDIT_RECORD),
            ),
            ["decided_on", "expires_on"],
        )
        evs = _dates(
            pd.DataFrame(
                self.events,
                columns=_columns(NodeLabel.EVENT),
            ),
            ["occurred_at"],
        )
        edges = {
            rel: _dates(_edges(rows, ("share_pct", "start_date", "end_date")), ["start_date", "end_date"])
            for rel, rows in self.aff.items()
        }
        edges.update({rel: _edges(rows) for rel, rows in self.contacts.items()})
        edges[RelType.SUBJECT_OF] = _edges(self.subject_of, ("score", "decision", "model_version"))
        edges[RelType.MENTIONS] = _edges(self.mentions, ("score", "decision", "model_version"))
        addr = pd.DataFrame({"key": sorted({r["dst"] for r in self.contacts[RelType.REGISTERED_AT]})})
        phone = pd.DataFrame({"key": sorted({r["dst"] for r in self.contacts[RelType.HAS_PHONE]})})
        nodes = {
            NodeLabel.FIRM: firms,
            NodeLabel.PERSON: persons,
            NodeLabel.ADDRESS: addr,
            NodeLabel.PHONE: phone,
            NodeLabel.CREDIT_RECORD: recs,
            NodeLabel.EVENT: evs,
        }
        return GraphTables(nodes=nodes, edges=edges)
