"""The embedded graph store: a networkx MultiDiGraph in this process.

Nodes are `(label, key)` tuples whose attributes are the node's properties (key property
included, as Neo4j's `properties(n)` returns it). Edges are keyed `(rel, rid)` with attributes
`rel`, `rid` and the relationship's properties: one edge per (src, rel, rid, dst), like the MERGE
pattern the Neo4j store uses, so both stores hold the same graph after the same writes.

A served store that applies daily increments exports the whole graph after each one (the risk
model needs the whole graph); at city size that export is a minute. With `keep_tables` the store
keeps its last export and the nodes and relationships every write touched since, and the next
export rebuilds only their rows (graph.export_patch): the same tables, in a
fraction of the time, for the memory of one export kept alive.
"""

from __future__ import annotations

import os
import pickle
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from graph.answers import entity_answer, hit, hit_order, link_order, record_link, search_rank
from graph.export import RawEdge, build_tables
from graph.export_patch import EdgeRef, patch_tables
from graph.model import (
    AFFILIATION_RELS,
    NODE_KEY,
    Associate,
    LoadReport,
    NodeLabel,
    RelType,
    RiskScore,
    SharedContact,
    Step,
)
from graph.paths import Hop, NodeRef, find_associates, find_shortest_paths
from graph.rows import (
    RISK_PROPS,
    EdgeGroup,
    Row,
    dataset_rows,
    link_rows,
    risk_from_props,
    risk_rows,
    stored_props,
)
from graph.search_index import SearchIndex
from graph.store import _role_set
from graph.tables import GraphTables
from graph.ties import LISTING_FIELDS, REGION_FIELDS, TIE_FIELDS, listing_order, shaped, tie_order
from ingest.records import Dataset
from resolution.links import Link, LinkSource

_CONTACT_RELS = (RelType.REGISTERED_AT, RelType.HAS_PHONE)
_SUBJECTS = (NodeLabel.FIRM, NodeLabel.PERSON)


def _source(group: EdgeGroup) -> LinkSource:
    return LinkSource.EVENTS if group[1] == RelType.MENTIONS else LinkSource.CREDIT_RECORDS


def _record(group: EdgeGroup, row: Row) -> str:
    return str(row["src"] if group[1] == RelType.MENTIONS else row["dst"])


def _region_row(key: str, p: dict[str, Any]) -> dict[str, Any]:
    return shaped(
        REGION_FIELDS,
        {
            "key": key,
            "name": p.get("name"),
            "region_code": p.get("region_code"),
            "risk_score": p.get("risk_score"),
        },
    )


PATCH_SHARE = 0.2  # more of the graph touched than this share: a whole export is quicker


class MemoryStore:
    """GraphStore over networkx; see graph.store.GraphStore for each method's contract."""

    def __init__(self, batch_size: int = 5000, keep_tables: bool = False) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.batch_size = batch_size
        self.keep_tables = keep_tables
        self._tables: GraphTables | None = None  # the last export (kept only with keep_tables)
        self._touched: set[NodeRef] = set()  # nodes whose properties were written since that export
        self._touched_edges: set[EdgeRef] = set()  # (rel, src, dst) of relationships written since
        self._search: SearchIndex | None = None  # built by the first search after a subject changed

    # -- writes -------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Nothing to create: node identity is the (label, key) tuple."""

    def _merge_nodes(self, label: NodeLabel, rows: Sequence[Row]) -> int:
        g, key_prop = self.graph, NODE_KEY[label]
        for row in rows:
            ref = (label, row["key"])
            p = stored_props(label, row)
            if ref in g:
                g.nodes[ref].update(p)
            else:
                g.add_node(ref, **{key_prop: row["key"]}, **p)
            self._touch(ref)
        if label in _SUBJECTS:
            self._search = None
        return len(rows)

    def _merge_edges(self, group: EdgeGroup, rows: Sequence[Row]) -> int:
        src_label, rel, dst_label = group
        g, written = self.graph, 0
        for row in rows:
            a, b = (src_label, row["src"]), (dst_label, row["dst"])
            if a not in g or b not in g:
                continue
            ekey = (rel, row["rid"])
            data = g.get_edge_data(a, b, ekey)
            p = stored_props(rel, row)
            if data is None:
                g.add_edge(a, b, key=ekey, rel=rel, rid=row["rid"], **p)
            else:
                data.update(p)
            self._touch_edge(rel, a, b)
            written += 1
        return written

    def load_dataset(self, ds: Dataset, progress: bool = False) -> LoadReport:
        t0 = time.perf_counter()
        rows = dataset_rows(ds)
        t_rows = time.perf_counter()
        nodes: Counter[str] = Counter()
        rels: Counter[str] = Counter()
        for label, node_rows in rows.nodes.items():
            nodes[str(label)] += self._merge_nodes(label, node_rows)
        t_nodes = time.perf_counter()
        for group, edge_rows in rows.edges.items():
            self._merge_edges(group, edge_rows)
            rels[str(group[1])] += len(edge_rows)
        t1 = time.perf_counter()
        return LoadReport(
            nodes=dict(nodes),
            relationships=dict(rels),
            seconds=t1 - t0,
            phase_seconds={"rows": t_rows - t0, "nodes": t_nodes - t_rows, "relationships": t1 - t_nodes},
        )

    def write_links(self, links: Sequence[Link]) -> int:
        deletes, edges = link_rows(links)
        # an increment rewrites every re-resolved record's links (55,000 records at city size), most
        # of them as they were: a record whose links stand exactly as given is left alone, so the
        # kept export has nothing to rebuild for it and the graph is not churned
        same = self._unchanged_records(deletes, edges)
        if same:
            deletes = {
                src: [r for r in rows if (src, r["record_id"]) not in same] for src, rows in deletes.items()
            }
            edges = {
                group: [r for r in rows if (_source(group), _record(group, r)) not in same]
                for group, rows in edges.items()
            }
        self._delete_links(deletes)
        written = sum(self._merge_edges(group, rows) for group, rows in edges.items())
        return written + sum(same.values())

    def _link_edges(self, source: LinkSource, record_id: str) -> dict[tuple[NodeRef, Any], dict[str, Any]]:
        """The record's link relationships: (other end, edge key) -> properties."""
        g = self.graph
        if source == LinkSource.EVENTS:
            ref = (NodeLabel.EVENT, record_id)
            found = [(v, k, d) for _, v, k, d in g.out_edges(ref, keys=True, data=True)] if ref in g else []
            rel = RelType.MENTIONS
        else:
            ref = (NodeLabel.CREDIT_RECORD, record_id)
            found = [(u, k, d) for u, _, k, d in g.in_edges(ref, keys=True, data=True)] if ref in g else []
            rel = RelType.SUBJECT_OF
        return {(other, k): d for other, k, d in found if d["rel"] == rel}

    def _unchanged_records(
        self, deletes: dict[LinkSource, list[Row]], edges: dict[EdgeGroup, list[Row]]
    ) -> dict[tuple[LinkSource, str], int]:
        """Records (with their link count) whose given links are exactly the ones the graph holds
        for their model version: writing them would delete and re-add the same relationships."""
        wanted: dict[tuple[LinkSource, str], dict[tuple[NodeRef, Any], dict[str, Any]]] = {}
        g = self.graph
        for group, rows in edges.items():
            src_label, rel, dst_label = group
            source = _source(group)
            for row in rows:
                a, b = (src_label, row["src"]), (dst_label, row["dst"])
                if a not in g or b not in g:
                    continue  # not written: the merge skips it
                other = b if source == LinkSource.EVENTS else a
                wanted.setdefault((source, _record(group, row)), {})[(other, (rel, row["rid"]))] = {
                    "rel": rel,
                    "rid": row["rid"],
                    **stored_props(rel, row),
                }
        same: dict[tuple[LinkSource, str], int] = {}
        for source, rows in deletes.items():
            for row in rows:
                key = (source, row["record_id"])
                held = {
                    k: d
                    for k, d in self._link_edges(source, row["record_id"]).items()
                    if d.get("model_version") == row["model_version"]
                }
                if held and held == wanted.get(key, {}):
                    same[key] = len(held)
        return same

    def delete_links(self, source: LinkSource, record_ids: Sequence[str], model_version: str) -> int:
        rows = [{"record_id": r, "model_version": model_version} for r in record_ids]
        return self._delete_links({LinkSource(source): rows})

    def record_links(self, source: LinkSource, record_id: str) -> list[Link]:
        source = LinkSource(source)
        g = self.graph
        if source == LinkSource.EVENTS:
            ref = (NodeLabel.EVENT, record_id)
            found = [(v, d) for _, v, d in g.out_edges(ref, data=True)] if ref in g else []
            rel = RelType.MENTIONS
        else:
            ref = (NodeLabel.CREDIT_RECORD, record_id)
            found = [(u, d) for u, _, d in g.in_edges(ref, data=True)] if ref in g else []
            rel = RelType.SUBJECT_OF
        links = [
            record_link(source, record_id, {**d, "label": other[0], "key": other[1]})
            for other, d in found
            if d["rel"] == rel and d.get("model_version") is not None and other[0] in _SUBJECTS
        ]
        return sorted(links, key=link_order)

    def records_links(self, source: LinkSource, record_ids: Sequence[str]) -> list[Link]:
        return [lk for r in sorted(set(record_ids)) for lk in self.record_links(source, r)]

    def entity_links(self, label: NodeLabel, keys: Sequence[str]) -> list[Link]:
        label = NodeLabel(label)
        if label not in _SUBJECTS:
            return []
        g, found = self.graph, []
        for key in set(keys):
            ref = (label, key)
            if ref not in g:
                continue
            named = {"label": label, "key": key}
            for _, rec, d in g.out_edges(ref, data=True):
                if d["rel"] == RelType.SUBJECT_OF and d.get("model_version") is not None:
                    found.append(record_link(LinkSource.CREDIT_RECORDS, rec[1], {**d, **named}))
            for ev, _, d in g.in_edges(ref, data=True):
                if d["rel"] == RelType.MENTIONS and d.get("model_version") is not None:
                    found.append(record_link(LinkSource.EVENTS, ev[1], {**d, **named}))
        return sorted(found, key=lambda lk: (lk.source.value, lk.record_id, *link_order(lk)))

    def _delete_links(self, deletes: dict[LinkSource, list[Row]]) -> int:
        g, removed = self.graph, 0
        for source, rows in deletes.items():
            for row in rows:
                if source == LinkSource.EVENTS:
                    ref = (NodeLabel.EVENT, row["record_id"])
                    found = g.out_edges(ref, keys=True, data=True) if ref in g else []
                    rel = RelType.MENTIONS
                else:
                    ref = (NodeLabel.CREDIT_RECORD, row["record_id"])
                    found = g.in_edges(ref, keys=True, data=True) if ref in g else []
                    rel = RelType.SUBJECT_OF
                doomed = [
                    (u, v, k)
                    for u, v, k, d in found
                    if d["rel"] == rel and d.get("model_version") == row["model_version"]
                ]
                g.remove_edges_from(doomed)
                for u, v, k in doomed:
                    self._touch_edge(k[0], u, v)
                removed += len(doomed)
        return removed

    def reset_subjects(self, label: NodeLabel, keys: Sequence[str]) -> int:
        label, g, done = NodeLabel(label), self.graph, 0
        for key in dict.fromkeys(keys):
            ref = (label, key)
            if ref not in g:
                continue
            doomed = [
                (u, v, k) for u, v, k, rel in g.out_edges(ref, keys=True, data="rel") if rel in _CONTACT_RELS
            ]
            g.remove_edges_from(doomed)
            self._touch(ref)
            for u, v, k in doomed:
                self._touch_edge(k[0], u, v)
            kept = {k: v for k, v in g.nodes[ref].items() if k in RISK_PROPS}
            g.nodes[ref].clear()
            g.nodes[ref].update({NODE_KEY[label]: key, **kept})
            done += 1
        self._search = None
        return done

    def delete_orphans(self, label: NodeLabel, keys: Sequence[str]) -> int:
        g = self.graph
        refs = [(NodeLabel(label), key) for key in dict.fromkeys(keys)]
        doomed = [ref for ref in refs if ref in g and g.degree(ref) == 0]
        g.remove_nodes_from(doomed)
        self._touch(*doomed)
        self._search = None
        return len(doomed)

    def write_risk_scores(self, scores: Sequence[RiskScore]) -> int:
        written = 0
        for label, rows in risk_rows(scores).items():
            for row in rows:
                ref = (label, row["key"])
                if ref not in self.graph:
                    continue
                self.graph.nodes[ref].update(
                    risk_score=row["score"],
                    risk_own_score=row["own_score"],
                    risk_related_score=row["related_score"],
                    risk_model_version=row["model_version"],
                    risk_top_reasons=row["top_reasons"],
                )
                written += 1
        return written

    # -- reads --------------------------------------------------------------------------------
    def risk(self, label: NodeLabel, key: str) -> RiskScore | None:
        ref = (NodeLabel(label), key)
        if ref not in self.graph:
            return None
        return risk_from_props(ref[0], key, self.graph.nodes[ref])

    def counts(self) -> dict[str, int]:
        out = {str(label): 0 for label in NodeLabel} | {str(rel): 0 for rel in RelType}
        for label, _ in self.graph.nodes:
            out[str(label)] += 1
        for _, _, rel in self.graph.edges(data="rel"):
            out[str(rel)] += 1
        return out

    def entity(self, label: NodeLabel, key: str) -> dict[str, Any] | None:
        ref = (NodeLabel(label), key)
        if ref not in self.graph:
            return None
        records = []
        for _, rec, data in self.graph.out_edges(ref, data=True):
            if data["rel"] == RelType.SUBJECT_OF:
                link = {k: v for k, v in data.items() if k != "rel"}
                records.append({"record": dict(self.graph.nodes[rec]), "link": link})
        return entity_answer(ref, dict(self.graph.nodes[ref]), records)

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        text = text.strip()
        if not text:
            return []
        if not SearchIndex.usable(text):
            return self.scan_search(text, limit)
        if self._search is None:
            self._search = SearchIndex.build(
                (ref, p) for ref, p in self.graph.nodes(data=True) if ref[0] in _SUBJECTS
            )
        return self._ranked(self._search.candidates(text), text, limit)

    def scan_search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """search() by visiting every subject (what the index stands in for)."""
        subjects = (ref for ref in self.graph.nodes if ref[0] in _SUBJECTS)
        return self._ranked(subjects, text.strip(), limit)

    def _ranked(self, refs: Any, text: str, limit: int) -> list[dict[str, Any]]:
        hits = []
        for label, key in refs:
            p = self.graph.nodes[(label, key)]
            others = p.get("other_names") or []
            rank = search_rank(text, key, p.get("name"), others)
            if rank is not None:
                hits.append(hit(label, key, p.get("name"), others, rank))
        return sorted(hits, key=hit_order)[:limit]

    def _expand(self, rels: frozenset[RelType]) -> Any:
        g = self.graph

        def expand(refs: Sequence[NodeRef]) -> dict[NodeRef, list[Hop]]:
            out: dict[NodeRef, list[Hop]] = {}
            for ref in refs:
                if ref not in g:
                    continue
                hops = []
                for u, v, d in g.out_edges(ref, data=True):
                    if d["rel"] in rels and v != ref:
                        step = Step(src=u[1], rel=d["rel"], dst=v[1], share_pct=d.get("share_pct"))
                        hops.append(Hop(step, v, g.nodes[v].get("name")))
                for u, v, d in g.in_edges(ref, data=True):
                    if d["rel"] in rels and u != ref:
                        step = Step(src=u[1], rel=d["rel"], dst=v[1], share_pct=d.get("share_pct"))
                        hops.append(Hop(step, u, g.nodes[u].get("name")))
                out[ref] = hops
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
        source, target = (NodeLabel(from_label), from_key), (NodeLabel(to_label), to_key)
        if source not in self.graph or target not in self.graph:
            return []
        return find_shortest_paths(source, target, self._expand(_role_set(None)), max_depth, limit)

    def shared_contacts(self, label: NodeLabel, key: str, limit: int = 500) -> list[SharedContact]:
        ref = (NodeLabel(label), key)
        if ref not in self.graph:
            return []
        found = set()
        for _, contact, rel in self.graph.out_edges(ref, data="rel"):
            if rel not in _CONTACT_RELS:
                continue
            for other, _, rel2 in self.graph.in_edges(contact, data="rel"):
                if rel2 in _CONTACT_RELS and other != ref:
                    found.add((contact, other))
        out = [
            SharedContact(
                via_label=c[0], via_key=c[1], label=o[0], key=o[1], name=self.graph.nodes[o].get("name")
            )
            for c, o in found
        ]
        return sorted(out, key=lambda s: (str(s.via_label), s.via_key, str(s.label), s.key))[:limit]

    # -- joint punishment reads (graph.ties rows) ----------------------------------------------
    def listed_records(self, kinds: Sequence[str]) -> list[dict[str, Any]]:
        wanted, g, out = set(kinds), self.graph, []
        for u, v, d in g.edges(data=True):
            if d["rel"] != RelType.SUBJECT_OF or g.nodes[v].get("kind") not in wanted:
                continue
            rec, subj = g.nodes[v], g.nodes[u]
            values = {
                f: rec.get(f)
                for f in ("record_id", "kind", "document_no", "authority", "decided_on", "expires_on")
            }
            values |= {
                "subject_label": str(u[0]),
                "subject_key": u[1],
                "subject_name": subj.get("name"),
                "region_code": subj.get("region_code"),
                "rid": d.get("rid"),
                "decision": d.get("decision"),
                "model_version": d.get("model_version"),
            }
            out.append(shaped(LISTING_FIELDS, values))
        return sorted(out, key=listing_order)

    def _tie(self, u: NodeRef, v: NodeRef, d: dict[str, Any]) -> dict[str, Any]:
        h, f = self.graph.nodes[u], self.graph.nodes[v]
        return shaped(
            TIE_FIELDS,
            {
                "holder_label": str(u[0]),
                "holder_key": u[1],
                "holder_name": h.get("name"),
                "rel": str(d["rel"]),
                "rid": d.get("rid"),
                "firm_key": v[1],
                "firm_name": f.get("name"),
                "firm_region_code": f.get("region_code"),
                "share_pct": d.get("share_pct"),
                "start_date": d.get("start_date"),
                "end_date": d.get("end_date"),
            },
        )

    def role_ties(self, label: NodeLabel, keys: Sequence[str]) -> list[dict[str, Any]]:
        out = []
        for key in dict.fromkeys(keys):
            ref = (NodeLabel(label), key)
            if ref in self.graph:
                out += [
                    self._tie(u, v, d)
                    for u, v, d in self.graph.out_edges(ref, data=True)
                    if d["rel"] in AFFILIATION_RELS and v[0] == NodeLabel.FIRM
                ]
        return sorted(out, key=tie_order)

    def role_holders(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        out = []
        for key in dict.fromkeys(keys):
            ref = (NodeLabel.FIRM, key)
            if ref in self.graph:
                out += [
                    self._tie(u, v, d)
                    for u, v, d in self.graph.in_edges(ref, data=True)
                    if d["rel"] in AFFILIATION_RELS and u[0] in _SUBJECTS
                ]
        return sorted(out, key=tie_order)

    def firm_regions(self) -> list[dict[str, Any]]:
        rows = [_region_row(k, p) for (label, k), p in self.graph.nodes(data=True) if label == NodeLabel.FIRM]
        return sorted(rows, key=lambda r: r["key"])

    def risks(self, label: NodeLabel, keys: Sequence[str]) -> list[RiskScore]:
        found = (self.risk(label, k) for k in dict.fromkeys(keys))
        return [r for r in found if r is not None]

    def scored_subjects(self, label: NodeLabel) -> list[dict[str, Any]]:
        want = NodeLabel(label)
        rows = [
            _region_row(k, p)
            for (lab, k), p in self.graph.nodes(data=True)
            if lab == want and p.get("risk_score") is not None
        ]
        return sorted(rows, key=lambda r: r["key"])

    def _touch(self, *refs: NodeRef) -> None:
        if self._tables is not None:
            self._touched.update(refs)

    def _touch_edge(self, rel: RelType, src: NodeRef, dst: NodeRef) -> None:
        if self._tables is not None:
            self._touched_edges.add((rel, src, dst))

    def export_tables(self) -> GraphTables:
        """The whole graph as GraphTables; with `keep_tables`, the last export patched where writes
        touched it (each caller gets its own frames: changing them does not change the kept ones)."""
        if not self.keep_tables:
            self._tables = None
            return self._export_all()
        touched = len(self._touched) + len(self._touched_edges)
        if self._tables is None or touched > PATCH_SHARE * (
            self._tables.node_count() + self._tables.edge_count()
        ):
            self._tables = self._export_all()
        elif touched:
            self._tables = patch_tables(self._tables, self.graph, self._touched, self._touched_edges)
        self._touched, self._touched_edges = set(), set()
        return GraphTables(
            nodes={k: df.copy() for k, df in self._tables.nodes.items()},
            edges={k: df.copy() for k, df in self._tables.edges.items()},
        )

    def _export_all(self) -> GraphTables:
        nodes: dict[NodeLabel, list[tuple[str, dict[str, Any]]]] = {label: [] for label in NodeLabel}
        for (label, key), p in self.graph.nodes(data=True):
            nodes[label].append((key, p))
        edges: dict[RelType, list[RawEdge]] = {rel: [] for rel in RelType}
        for u, v, d in self.graph.edges(data=True):
            edges[d["rel"]].append((u[0], u[1], v[0], v[1], d))
        return build_tables(nodes, edges)

    def clear(self) -> None:
        self.graph.clear()
        self._tables, self._touched, self._touched_edges = None, set(), set()
        self._search = None

    def save(self, path: str | Path) -> Path:
        """Write the whole graph to one file (the embedded store's state between CLI runs)."""
        path = Path(path)
        tmp = path.with_suffix(path.suffix + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(self.graph, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str | Path, batch_size: int = 5000, keep_tables: bool = False) -> MemoryStore:
        """A store holding the graph `save` wrote (a file this program wrote: trusted)."""
        store = cls(batch_size=batch_size, keep_tables=keep_tables)
        with Path(path).open("rb") as fh:
            store.graph = pickle.load(fh)  # noqa: S301 - our own snapshot, never user input
        return store

    def close(self) -> None:
        """Nothing to release."""
