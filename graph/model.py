"""The closed graph model shared by both stores, and the plain rows that cross the store boundary.

Labels and relationship types come only from these enums: Cypher is never built from free strings.
Node keys: Firm.uscc, Person.person_id, Address.key (normalised address text), Phone.number
(normalised, see ingest.normalize.normalize_phone), CreditRecord.record_id, Event.event_id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ingest.records import Role, SubjectType


class NodeLabel(StrEnum):
    FIRM = "Firm"
    PERSON = "Person"
    ADDRESS = "Address"
    PHONE = "Phone"
    CREDIT_RECORD = "CreditRecord"
    EVENT = "Event"


class RelType(StrEnum):
    # affiliation roles: (Person|Firm)-[:ROLE]->(Firm)
    LEGAL_REP = "LEGAL_REP"
    OPERATOR = "OPERATOR"
    SHAREHOLDER = "SHAREHOLDER"
    EXECUTIVE = "EXECUTIVE"
    SUPERVISOR = "SUPERVISOR"
    # contact points: (Firm|Person)-[:REGISTERED_AT]->(Address), -[:HAS_PHONE]->(Phone)
    REGISTERED_AT = "REGISTERED_AT"
    HAS_PHONE = "HAS_PHONE"
    # (Firm|Person)-[:SUBJECT_OF]->(CreditRecord); resolved ones carry score/decision/model_version
    SUBJECT_OF = "SUBJECT_OF"
    # (Event)-[:MENTIONS {score, decision, model_version, evidence}]->(Firm|Person)
    MENTIONS = "MENTIONS"


ROLE_RELS: dict[Role, RelType] = {
    Role.LEGAL_REP: RelType.LEGAL_REP,
    Role.OPERATOR: RelType.OPERATOR,
    Role.SHAREHOLDER: RelType.SHAREHOLDER,
    Role.EXECUTIVE: RelType.EXECUTIVE,
    Role.SUPERVISOR: RelType.SUPERVISOR,
}
AFFILIATION_RELS: frozenset[RelType] = frozenset(ROLE_RELS.values())
SUBJECT_LABELS: dict[SubjectType, NodeLabel] = {
    SubjectType.FIRM: NodeLabel.FIRM,
    SubjectType.PERSON: NodeLabel.PERSON,
}


@dataclass(frozen=True, slots=True)
class RiskScore:
    """One row of risk_scores.csv, also written back to the subject node in both stores."""

    subject_type: SubjectType
    subject_id: str
    score: float
    own_score: float
    related_score: float
    model_version: str
    top_reasons: str


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of an affiliation path, oriented as stored: (src)-[rel]->(dst)."""

    src: str
    rel: RelType
    dst: str
    share_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Associate:
    """An entity reached from the start within k hops, with one shortest path to it."""

    label: NodeLabel
    key: str
    name: str | None
    depth: int
    path: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class SharedContact:
    """Another subject registered at the same address or phone as the start entity."""

    via_label: NodeLabel  # Address or Phone
    via_key: str
    label: NodeLabel
    key: str
    name: str | None


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What one load wrote: rows sent per label / rel type (idempotent: re-sent rows merge)."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # wall seconds per phase: "rows" (records to rows), "nodes", "relationships"
    phase_seconds: dict[str, float] = field(default_factory=dict)


# The key property of each label (unique constraint in Neo4j, node key in the networkx store).
NODE_KEY: dict[NodeLabel, str] = {
    NodeLabel.FIRM: "uscc",
    NodeLabel.PERSON: "person_id",
    NodeLabel.ADDRESS: "key",
    NodeLabel.PHONE: "number",
    NodeLabel.CREDIT_RECORD: "record_id",
    NodeLabel.EVENT: "event_id",
}
# Which labels each relationship type joins, (src, dst), as stored.
EDGE_ENDPOINTS: dict[RelType, tuple[tuple[NodeLabel, NodeLabel], ...]] = {
    **{
        rel: ((NodeLabel.PERSON, NodeLabel.FIRM), (NodeLabel.FIRM, NodeLabel.FIRM))
        for rel in ROLE_RELS.values()
    },
    RelType.REGISTERED_AT: ((NodeLabel.FIRM, NodeLabel.ADDRESS), (NodeLabel.PERSON, NodeLabel.ADDRESS)),
    RelType.HAS_PHONE: ((NodeLabel.FIRM, NodeLabel.PHONE), (NodeLabel.PERSON, NodeLabel.PHONE)),
    RelType.SUBJECT_OF: (
        (NodeLabel.FIRM, NodeLabel.CREDIT_RECORD),
        (NodeLabel.PERSON, NodeLabel.CREDIT_RECORD),
    ),
    RelType.MENTIONS: ((NodeLabel.EVENT, NodeLabel.FIRM), (NodeLabel.EVENT, NodeLabel.PERSON)),
}
