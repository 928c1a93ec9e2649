"""The Neo4j graph store: the statements of cypher/ run over a driver handed in by the edge.

Writes are batched `UNWIND $rows` upserts (MERGE on the key constraint), nodes before
relationships. A load that crashed is resumed by running it again: every batch is an idempotent
MERGE, so batches already written merge into themselves (no checkpoint is kept). Traversals
fetch one hop per query (read/affiliation_hops) and run graph.paths in Python, so tie-breaking is
the networkx store's to the letter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, IncompleteCommit, Neo4jError

from graph.answers import entity_answer, hit, hit_order, link_order, record_link
from graph.export import RawEdge, build_tables
from graph.model import (
    AFFILIATION_RELS,
    EDGE_ENDPOINTS,
    Associate,
    LoadReport,
    NodeLabel,
    RelType,
    RiskScore,
    SharedContact,
    Step,
)
from graph.neo4j_batches import batches, per_type, run_jobs, run_lanes
from graph.paths import Hop, NodeRef, find_associates, find_shortest_paths
from graph.queries import edge_statement, node_statement, query
from graph.rows import EdgeGroup, Row, dataset_rows, edge_waves, link_rows, risk_from_props, risk_rows
from graph.store import _role_set
from graph.tables import GraphTables
from graph.ties import LISTING_FIELDS, REGION_FIELDS, TIE_FIELDS, listing_order, shaped, tie_order
from ingest.errors import GraphStoreError
from ingest.records import Dataset
from resolution.links import Link, LinkSource

_SUBJECTS = (NodeLabel.FIRM, NodeLabel.PERSON)
# Properties only Neo4j's search index reads (cypher/write/merge_firms): not part of the graph model,
# so they never reach an answer or an export, and both stores give the same properties.
_INDEX_ONLY = ("other_names_text",)
_TEXT_INDEXES = ("schema/name_text_index", "schema/key_text_index", "schema/other_names_text_index")
_HOP_CHUNK = 20_000


def model_props(props: Any) -> dict[str, Any]:
    """A node's properties as the graph model has them: native values, index-only ones dropped."""
    out: dict[str, Any] = native(props)
    for name in _INDEX_ONLY:
        out.pop(name, None)
    return out


def native(value: Any) -> Any:
    """Neo4j temporal values to datetime.date / datetime.datetime (lists and maps recursively)."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    return value


class Neo4jStore:
    """GraphStore over a Neo4j database; see graph.store.GraphStore for each method's contract."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str = "neo4j",
        batch_size: int = 5000,
        owns_driver: bool = False,
        workers: int = 1,
        retry_s: float = 30.0,
        uri: str = "",
    ) -> None:
        self.driver = driver
        self.uri = uri  # for messages only
        self.database = database
        self.batch_size = batch_size
        self.workers = workers  # concurrent write transactions during load_dataset
        self.retry_s = retry_s  # how long a write whose commit went unanswered is tried again
        self._owns_driver = owns_driver
        self._search_ready = False  # search's text indexes known to exist (ensure_search_schema)
        self._search_lock = threading.Lock()  # the API's threads: one of them builds, the rest wait

    # -- plumbing -----------------------------------------------------------------------------
    def _error(self, name: str, params: dict[str, Any], exc: Exception) -> GraphStoreError:
        code = getattr(exc, "code", None) or type(exc).__name__
        if isinstance(exc, DriverError) and not isinstance(exc, Neo4jError):
            # the server could not be reached (down, restarting, network): say which and for how long
            where = self.uri or "its URI"
            code = f"{code}: Neo4j at {where} did not answer within {self.retry_s:g}s of retries"
        return GraphStoreError(name, list(params), str(code))


    def _session(self) -> neo4j.Session:
        # Absent labels/types (no MENTIONS before resolution) would warn on every count: not news.
        return self.driver.session(database=self.database, notifications_min_severity="OFF")

    def _read(self, name: str, statement: str, **params: Any) -> list[dict[str, Any]]:
        try:
            with self._session() as session:
                return session.execute_read(lambda tx: [r.data() for r in tx.run(statement, params)])
        except (Neo4jError, DriverError) as exc:
            raise self._error(name, params, exc) from exc

    def _write(self, name: str, statement: str, **params: Any) -> int:
        """Run one write statement in a managed (retried) transaction; returns its `n` column.

        The driver retries a transaction that failed before its commit, but not one whose commit
        was sent when the connection died (IncompleteCommit: it may or may not have happened).
        Every write statement of ours is idempotent (MERGE, SET +=, DELETE; tests/cypher checks
        the files), so running it again is safe, and a server killed mid-load costs a retry, not
        the load: the statement is tried again until `retry_s` has passed."""
        deadline = time.monotonic() + self.retry_s
        pause = 0.5
        while True:
            try:
                with self._session() as session:
                    record = session.execute_write(lambda tx: tx.run(statement, params).single())
                break
            except IncompleteCommit as exc:
                if time.monotonic() + pause > deadline:
                    raise self._error(name, params, exc) from exc
                time.sleep(pause)
                pause = min(2 * pause, 5.0)
            except (Neo4jError, DriverError) as exc:
                raise self._error(name, params, exc) from exc
        return int(record["n"]) if record is not None and "n" in record.keys() else 0

    def _write_rows(self, name: str, text: str, rows: Sequence[Row], bar: Any = None) -> int:
        written = 0
        for batch in batches(rows, self.batch_size):
            written += self._write(name, text, rows=list(batch))
            if bar is not None:
                bar.update(len(batch))
        return written

    # -- writes -------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        for label in NodeLabel:
            self._write("schema/node_key", query("schema/node_key", label=label))
        self.ensure_search_schema()

    def ensure_search_schema(self) -> None:
        """The text indexes read/search looks candidates up in, online, and the joined other names
        they index on every firm (an import and versions before them wrote none). Run by every load
        and by the first search of a store, so a database an older version loaded is searched in
        full before its next load; idempotent, and quick once done."""
        for label in _SUBJECTS:
            for name in _TEXT_INDEXES:
                self._write(name, query(name, label=label))
        self._write("schema/await_indexes", query("schema/await_indexes"), seconds=300)
        # only firms have other names in the model: a pass over every person would find none
        text = query("schema/derive_search_text", label=NodeLabel.FIRM)
        while self._write("schema/derive_search_text", text, batch=self.batch_size) >= self.batch_size:
            pass
        self._search_ready = True

    def load_dataset(self, ds: Dataset, progress: bool = False) -> LoadReport:
        t0 = time.perf_counter()
        self.ensure_schema()
        rows = dataset_rows(ds)
        t_rows = time.perf_counter()
        node_jobs = [
            (*node_statement(label), batch)
            for label, rs in rows.nodes.items()
            for batch in batches(rs, self.batch_size)
        ]
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=rows.node_count() + rows.edge_count(), unit="row", desc="neo4j load")
        try:
            run_jobs(self._write, node_jobs, self.workers, bar)
            t_nodes = time.perf_counter()
            # only once every node exists (edges MATCH their ends); groups side by side, each in order
            for wave in edge_waves(rows.edges, self.workers):
                lanes = [
                    [(*edge_statement(*g), b) for b in batches(rows.edges[g], self.batch_size)] for g in wave
                ]
                run_lanes(self._write, lanes, bar)
        finally:
            if bar is not None:
                bar.close()
        t1 = time.perf_counter()
        return LoadReport(
            nodes={str(label): len(rs) for label, rs in rows.nodes.items()},
            relationships=dict(per_type(rows.edges)),
            seconds=t1 - t0,
            phase_seconds={"rows": t_rows - t0, "nodes": t_nodes - t_rows, "relationships": t1 - t_nodes},
        )

    def write_links(self, links: Sequence[Link]) -> int:
        deletes, edges = link_rows(links)
        for source, rows in deletes.items():
            self._delete_link_rows(source, rows)
        written = 0
        for group, rows in edges.items():
            written += self._merge_edges(group, rows)
        return written

    def delete_links(self, source: LinkSource, record_ids: Sequence[str], model_version: str) -> int:
        rows = [{"record_id": r, "model_version": model_version} for r in record_ids]
        return self._delete_link_rows(LinkSource(source), rows)

    def _delete_link_rows(self, source: LinkSource, rows: Sequence[Row]) -> int:
        name = "write/delete_event_links" if source == LinkSource.EVENTS else "write/delete_record_links"
        return self._write_rows(name, query(name), rows)

    def _merge_edges(self, group: EdgeGroup, rows: Sequence[Row]) -> int:
        return self._write_rows(*edge_statement(*group), rows)

    def reset_subjects(self, label: NodeLabel, keys: Sequence[str]) -> int:
        text = query("write/reset_subjects", label=NodeLabel(label))
        unique = list(dict.fromkeys(keys))
        return self._write_rows("write/reset_subjects", text, [{"key": k} for k in unique])

    def delete_orphans(self, label: NodeLabel, keys: Sequence[str]) -> int:
        text = query("write/delete_orphans", label=NodeLabel(label))
        unique = list(dict.fromkeys(keys))
        return self._write_rows("write/delete_orphans", text, [{"key": k} for k in unique])

    def write_risk_scores(self, scores: Sequence[RiskScore]) -> int:
        return sum(
            self._write_rows("write/set_risk", query("write/set_risk", label=label), rows)
            for label, rows in risk_rows(scores).items()
        )

    # -- reads --------------------------------------------------------------------------------
    def _props(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        label = NodeLabel(label)
        found = self._read("read/node", query("read/node", label=label), key=key)
        return model_props(found[0]["props"]) if found else None

    def risk(self, label: NodeLabel, key: str) -> RiskScore | None:
        p = self._props(label, key)
        return None if p is None else risk_from_props(NodeLabel(label), key, p)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in NodeLabel:
            out[str(label)] = self._read("read/count_nodes", query("read/count_nodes", label=label))[0]["n"]
        for rel in RelType:
            out[str(rel)] = self._read("read/count_rels", query("read/count_rels", rel=rel))[0]["n"]
        return out

    def entity(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        label = NodeLabel(label)
        p = self._props(label, key)
        if p is None:
            return None
        records = []
        if label in _SUBJECTS:
            text = query("read/credit_records_of", label=label)
            for r in self._read("read/credit_records_of", text, key=key):
                records.append({"record": native(r["record"]), "link": native(r["link"])})
        return entity_answer((label, key), p, records)

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        text = text.strip()
        if not text:
            return []
        if not self._search_ready:
            with self._search_lock:
                if not self._search_ready:
                    self.ensure_search_schema()
        hits = []
        for label in _SUBJECTS:
            for r in self._read("read/search", query("read/search", label=label), text=text, limit=limit):
                hits.append(hit(label, r["key"], r["name"], r["other_names"], r["rank"]))
        return sorted(hits, key=hit_order)[:limit]

    def _expand(self, rels: frozenset[RelType]) -> Any:
        rel_names = sorted(str(r) for r in rels)

        def expand(refs: Sequence[NodeRef]) -> dict[NodeRef, list[Hop]]:
            out: dict[NodeRef, list[Hop]] = {ref: [] for ref in refs}
            for label in _SUBJECTS:
                keys = [k for lab, k in refs if lab == label]
                for i in range(0, len(keys), _HOP_CHUNK):
                    text = query("read/affiliation_hops", label=label)
                    chunk = keys[i : i + _HOP_CHUNK]
                    found = self._read("read/affiliation_hops", text, keys=chunk, rels=rel_names)
                    for r in found:
                        other = (NodeLabel(r["other_label"]), r["other_key"])
                        src, dst = (r["key"], other[1]) if r["outgoing"] else (other[1], r["key"])
                        step = Step(src=src, rel=RelType(r["rel"]), dst=dst, share_pct=r["share_pct"])
                        out[(label, r["key"])].append(Hop(step, other, r["other_name"]))
            return out

        return expand

    def associates(
        self,
        label: NodeLabel,
        key: str,
        depth: int,
        roles: set[RelType] | None = None,
        limit: int = 500,
    ) -> list[Associate]:
        return find_associates((NodeLabel(label), key), depth, self._expand(_role_set(roles)), limit)

    def shortest_paths(
        self,
        from_label: NodeLabel,
        from_key: str,
        to_label: NodeLabel,
        to_key: str,
        max_depth: int = 6,
        limit: int = 10,
    ) -> list[tuple[Step, ...]]:
        if self._props(from_label, from_key) is None or self._props(to_label, to_key) is None:
            return []
        source, target = (NodeLabel(from_label), from_key), (NodeLabel(to_label), to_key)
        return find_shortest_paths(source, target, self._expand(_role_set(None)), max_depth, limit)

    def shared_contacts(self, label: NodeLabel, key: str, limit: int = 500) -> list[SharedContact]:
        label = NodeLabel(label)
        if label not in _SUBJECTS:
            return []
        found = self._read(
            "read/shared_contacts", query("read/shared_contacts", label=label), key=key, limit=limit
        )
        out = [
            SharedContact(
                via_label=NodeLabel(r["via_label"]),
                via_key=r["via_key"],
                label=NodeLabel(r["label"]),
                key=r["key"],
                name=r["name"],
            )
            for r in found
        ]
        return sorted(out, key=lambda s: (str(s.via_label), s.via_key, str(s.label), s.key))[:limit]

    # -- joint punishment reads (graph.ties rows) ----------------------------------------------
    def listed_records(self, kinds: Sequence[str]) -> list[dict[str, Any]]:
        out = []
        for label in _SUBJECTS:
            text = query("read/listed_records", label=label)
            for r in self._read("read/listed_records", text, kinds=list(kinds)):
                out.append(shaped(LISTING_FIELDS, {**native(r), "subject_label": str(label)}))
        return sorted(out, key=listing_order)

    def _ties(self, name: str, text: str, keys: Sequence[str], label: str | None) -> list[dict[str, Any]]:
        rels = sorted(str(r) for r in AFFILIATION_RELS)
        out = []
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _HOP_CHUNK):
            for r in self._read(name, text, keys=unique[i : i + _HOP_CHUNK], rels=rels):
                row = native(r)
                if label is not None:
                    row["holder_label"] = label
                out.append(shaped(TIE_FIELDS, row))
        return sorted(out, key=tie_order)

    def role_ties(self, label: NodeLabel, keys: Sequence[str]) -> list[dict[str, Any]]:
        label = NodeLabel(label)
        if label not in _SUBJECTS:
            return []
        return self._ties("read/role_ties", query("read/role_ties", label=label), keys, str(label))

    def record_links(self, source: LinkSource, record_id: str) -> list[Link]:
        source = LinkSource(source)
        name = "read/record_links_events" if source == LinkSource.EVENTS else "read/record_links_credit"
        rows = self._read(name, query(name), record_id=record_id)
        return sorted((record_link(source, record_id, native(r)) for r in rows), key=link_order)

    def records_links(self, source: LinkSource, record_ids: Sequence[str]) -> list[Link]:
        source = LinkSource(source)
        name = "read/records_links_events" if source == LinkSource.EVENTS else "read/records_links_credit"
        wanted, found = sorted(set(record_ids)), []
        for i in range(0, len(wanted), _HOP_CHUNK):
            for r in self._read(name, query(name), keys=wanted[i : i + _HOP_CHUNK]):
                row = native(r)
                found.append(record_link(source, str(row["record_id"]), row))
        return sorted(found, key=lambda lk: (lk.record_id, *link_order(lk)))

    def entity_links(self, label: NodeLabel, keys: Sequence[str]) -> list[Link]:
        label = NodeLabel(label)
        if label not in _SUBJECTS:
            return []
        wanted, found = sorted(set(keys)), []
        text = query("read/entity_links", label=label)
        for i in range(0, len(wanted), _HOP_CHUNK):
            for r in self._read("read/entity_links", text, keys=wanted[i : i + _HOP_CHUNK]):
                row = {**native(r), "label": str(label)}
                found.append(record_link(LinkSource(row["source"]), str(row["record_id"]), row))
        return sorted(found, key=lambda lk: (lk.source.value, lk.record_id, *link_order(lk)))

    def role_holders(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        return self._ties("read/role_holders", query("read/role_holders"), keys, None)

    def firm_regions(self) -> list[dict[str, Any]]:
        rows = [shaped(REGION_FIELDS, r) for r in self._read("read/firm_regions", query("read/firm_regions"))]
        return sorted(rows, key=lambda r: r["key"])

    def risks(self, label: NodeLabel, keys: Sequence[str]) -> list[RiskScore]:
        label = NodeLabel(label)
        wanted = list(dict.fromkeys(keys))
        text = query("read/risk_of_many", label=label)
        found: dict[str, RiskScore] = {}
        for i in range(0, len(wanted), _HOP_CHUNK):
            for r in self._read("read/risk_of_many", text, keys=wanted[i: i + _HOP_CHUNK]):
                score = risk_from_props(label, r["key"], r)
                if score is not None:
                    found[r["key"]] = score
        return [found[k] for k in wanted if k in found]

    def scored_subjects(self, label: NodeLabel) -> list[dict[str, Any]]:
        text = query("read/scored_subjects", label=NodeLabel(label))
        rows = [shaped(REGION_FIELDS, r) for r in self._read("read/scored_subjects", text)]
        return sorted(rows, key=lambda r: r["key"])

    def export_tables(self) -> GraphTables:
        nodes: dict[NodeLabel, list[tuple[str, dict[str, Any]]]] = {}
        for label in NodeLabel:
            found = self._read("read/export_nodes", query("read/export_nodes", label=label))
            nodes[label] = [(r["key"], model_props(r["props"])) for r in found]
        edges: dict[RelType, list[RawEdge]] = {rel: [] for rel in RelType}
        for rel, pairs in EDGE_ENDPOINTS.items():
            for src, dst in pairs:
                text = query("read/export_edges", src=src, rel=rel, dst=dst)
                for r in self._read("read/export_edges", text):
                    edges[rel].append((src, r["src"], dst, r["dst"], native(r["props"])))
        return build_tables(nodes, edges)

    def clear(self) -> None:
        try:
            with self._session() as session:
                session.run(query("write/delete_all")).consume()
        except (Neo4jError, DriverError) as exc:
            raise self._error("write/delete_all", {}, exc) from exc

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()
