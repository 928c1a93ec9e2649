"""The GraphStore interface both stores implement, and `open_store`, which picks one from a URI.

`memory` gives the in-process networkx store (the embedded default); `bolt://`, `neo4j://` (and
their `+s`/`+ssc` variants) give the Neo4j store over a driver built here, once, at the edge.
Both stores answer every method identically for the same writes (the contract test suite checks
this): the investigator traversals share graph.paths, and exports share graph.export.

Semantics common to both:
- nodes are keyed by graph.model.NODE_KEY; properties never hold None;
- relationships are written only between nodes that exist (an affiliation to an unknown firm is
  skipped, in both stores alike);
- every write is an upsert (MERGE): writing the same rows twice leaves the same graph, so a load
  that crashed is resumed by running it again (no checkpoint is kept: re-sent batches merge);
- affiliation traversals use the five role relationships in either direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from graph.model import (
    AFFILIATION_RELS,
    Associate,
    LoadReport,
    NodeLabel,
    RelType,
    RiskScore,
    SharedContact,
    Step,
)
from graph.tables import GraphTables
from ingest.records import Dataset
from resolution.links import Link, LinkSource


@runtime_checkable
class GraphStore(Protocol):
    """What the rest of credgraph may ask of a graph store."""

    def ensure_schema(self) -> None:
        """Create key constraints and indexes (idempotent; a no-op in memory)."""

    def load_dataset(self, ds: Dataset, progress: bool = False) -> LoadReport:
        """Upsert Firm/Person (with provenance), Address/Phone (normalised keys), role
        relationships (share_pct, start_date, end_date; firm holders too), REGISTERED_AT,
        HAS_PHONE, CreditRecord with SUBJECT_OF for records published with a valid code, and
        Event nodes. Nodes first, then relationships. Returns the rows sent per label/type."""

    def write_links(self, links: Sequence[Link]) -> int:
        """Write resolution links: MENTIONS (Event -> subject) and SUBJECT_OF (subject ->
        CreditRecord) with score, decision, model_version, evidence. For every (record,
        model_version) in `links`, that record's earlier links of that version are replaced.
        Every decision is written, rejected included; readers filter. Returns links written."""

    def delete_links(self, source: LinkSource, record_ids: Sequence[str], model_version: str) -> int:
        """Remove the resolution links of `model_version` of these records (MENTIONS of events or
        resolved SUBJECT_OF of credit records; published links are kept): a record an increment
        re-resolved to no candidate keeps none. Returns links removed."""

    def record_links(self, source: LinkSource, record_id: str) -> list[Link]:
        """Every resolution link stored for one event or credit record (all model versions,
        rejected ones too), sorted: what a steward's verdict on that record must override."""

    def records_links(self, source: LinkSource, record_ids: Sequence[str]) -> list[Link]:
        """`record_links` of many records in one read, sorted by record_id then as record_links: an
        increment compares the links it re-resolved with these instead of exporting the graph."""

    def entity_links(self, label: NodeLabel, keys: Sequence[str]) -> list[Link]:
        """Every resolution link naming these firms or persons (MENTIONS of events and resolved
        SUBJECT_OF of credit records, all model versions, rejected ones too), sorted by source and
        record_id then as record_links: the old records an increment must recheck when it touches
        an entity, read without exporting the graph. Unknown keys give nothing."""

    def reset_subjects(self, label: NodeLabel, keys: Sequence[str]) -> int:
        """Drop every property of these Firm/Person nodes but the key and risk_*, and their
        REGISTERED_AT / HAS_PHONE relationships (before a changed row is merged again, so cleared
        fields and old contacts go). Returns subjects reset; unknown keys are skipped."""

    def delete_orphans(self, label: NodeLabel, keys: Sequence[str]) -> int:
        """Delete the Address/Phone nodes among `keys` that no relationship touches. Returns nodes deleted."""

    def write_risk_scores(self, scores: Sequence[RiskScore]) -> int:
        """Store risk_score, risk_own_score, risk_related_score, risk_model_version,
        risk_top_reasons on each subject node; returns subjects updated (unknown ones skipped)."""

    def risk(self, label: NodeLabel, key: str) -> RiskScore | None:
        """The risk score stored on a subject, or None."""

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type, every NodeLabel and RelType value a key."""

    def entity(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        """`{"label", "key", "properties", "credit_records"}` or None; credit_records is a list of
        `{"record": props, "link": props}` sorted by (decided_on, record_id, rid)."""

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Firms and persons whose key, name or other names contain `text`: dicts with label,
        key, name, other_names, rank (0 exact key, 1 exact name, 2 name prefix, 3 name contains,
        4 other name contains, 5 key contains), sorted by (rank, label, key)."""

    def associates(
        self,
        label: NodeLabel,
        key: str,
        depth: int,
        roles: set[RelType] | None = None,
        limit: int = 500,
    ) -> list[Associate]:
        """Persons and firms within `depth` affiliation hops (either direction; `roles` limits the
        relationship types), each with one shortest path, ties broken by graph.paths.step_key;
        sorted by (depth, label, key)."""

    def shortest_paths(
        self,
        from_label: NodeLabel,
        from_key: str,
        to_label: NodeLabel,
        to_key: str,
        max_depth: int = 6,
        limit: int = 10,
    ) -> list[tuple[Step, ...]]:
        """All shortest affiliation paths (either direction), sorted by graph.paths.path_key."""

    def shared_contacts(self, label: NodeLabel, key: str, limit: int = 500) -> list[SharedContact]:
        """Other subjects sharing an Address or Phone, sorted by (via_label, via_key, label, key)."""

    def listed_records(self, kinds: Sequence[str]) -> list[dict[str, Any]]:
        """CreditRecords of `kinds` with every subject tied to them by SUBJECT_OF (published or
        linked, any decision): listing rows of graph.ties, sorted by graph.ties.listing_order."""

    def role_ties(self, label: NodeLabel, keys: Sequence[str]) -> list[dict[str, Any]]:
        """The affiliation roles the given holders of `label` stand in at firms (holder -> firm):
        role-tie rows of graph.ties, sorted by graph.ties.tie_order; unknown keys give nothing."""

    def role_holders(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        """The persons and firms holding affiliation roles at the given firms: role-tie rows of
        graph.ties, sorted by graph.ties.tie_order."""

    def firm_regions(self) -> list[dict[str, Any]]:
        """Every firm's key, name, region_code and stored risk_score (None if unscored), by key."""

    def risks(self, label: NodeLabel, keys: Sequence[str]) -> list[RiskScore]:
        """The risk scores stored on the given subjects of `label` (one read, not one per key), in the
        order of `keys`, each once; unknown or unscored keys are left out."""

    def scored_subjects(self, label: NodeLabel) -> list[dict[str, Any]]:
        """Every firm or person (by `label`) with a stored risk score: key, name, region_code (None
        for persons) and risk_score, by key; unscored subjects are left out."""

    def export_tables(self) -> GraphTables:
        """The whole graph as the plain tables documented in graph.tables."""

    def clear(self) -> None:
        """Delete every node and relationship (schema kept)."""

    def close(self) -> None:
        """Release the connection (the driver, when this store built it)."""


def _role_set(roles: set[RelType] | None) -> frozenset[RelType]:
    """The affiliation types a traversal may use; ValueError for anything else."""
    if roles is None:
        return AFFILIATION_RELS
    bad = set(roles) - AFFILIATION_RELS
    if bad:
        raise ValueError(f"not affiliation roles: {sorted(bad)}")
    return frozenset(roles)


def open_store(
    uri: str = "memory",
    user: str | None = None,
    password: str | None = None,
    database: str = "neo4j",
    batch_size: int = 5000,
    workers: int = 1,
    retry_s: float = 30.0,
    connect_timeout_s: float = 5.0,
) -> GraphStore:
    """A store for `uri`: "memory" or a Neo4j URI (bolt://, neo4j://, +s/+ssc variants).
    `workers` concurrent write transactions are used by the Neo4j store's load_dataset.
    `retry_s` bounds how long one transaction is retried while the server is unreachable (the
    driver's own default, 30 s, would hold every API request that long during an outage);
    `connect_timeout_s` bounds one connection attempt and the wait for a pooled connection."""
    if uri == "memory":
        from graph.memory_store import MemoryStore

        return MemoryStore(batch_size=batch_size)
    scheme = uri.split("://", 1)[0]
    if scheme in ("bolt", "neo4j", "bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc"):
        import neo4j

        from graph.neo4j_store import Neo4jStore

        auth = (user or "neo4j", password or "") if password is not None else None
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=auth,
            max_transaction_retry_time=retry_s,
            connection_timeout=connect_timeout_s,
            connection_acquisition_timeout=2 * connect_timeout_s,
        )
        return Neo4jStore(
            driver,
            database,
            batch_size=batch_size,
            owns_driver=True,
            workers=workers,
            retry_s=retry_s,
            uri=uri,
        )
    from ingest.errors import ConfigError

    raise ConfigError(f"unknown graph URI {uri!r}: use 'memory' or bolt://host:port")
