"""An earlier export brought up to date: only the rows of what was written since are rebuilt.

`build_tables` turns a whole graph into GraphTables; after a day's increment only a few thousand
of its millions of nodes changed. `patch_tables` takes the earlier tables, the nodes touched since
(properties written, added or removed) and the (type, source, target) of the relationships touched
since (written, re-scored or deleted), drops those nodes' rows and the rows of every relationship
of a touched type between a touched pair, rebuilds them from the graph with the same `node_frame`
/ `edge_frame` an export uses, and puts them in the export's order. The result equals a fresh
export of the graph (same rows, order, columns and dtypes; tests/graph/test_export_patch.py
compares them after each kind of write an increment makes).

Why the order comes out right: node keys are unique per label, and the rows of one (type,
source, target) are either all kept or all rebuilt (sorted by edge_frame the way an export
sorts them), so no rebuilt row ties with a kept one, and inserting the rebuilt rows where they
belong among the kept ones gives the order a sort of all of them would.
"""

from __future__ import annotations

import bisect
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graph.export import EDGE_BASE, RawEdge, edge_frame, node_frame
from graph.model import NodeLabel, RelType
from graph.tables import GraphTables

NodeRef = tuple[NodeLabel, str]
EdgeRef = tuple[RelType, NodeRef, NodeRef]  # (relationship type, source node, target node)


def _combined(kept: pd.DataFrame, fresh: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Kept rows (in the export's order) and rebuilt rows (in that order too) merged into it.

    Each rebuilt row's place is found by binary search over the kept rows (a few thousand searches
    of twenty comparisons each) instead of sorting millions of rows again; the comparison is
    Python's on the `by` values, the order a pandas sort of string columns gives."""
    if not len(fresh):
        return kept.reset_index(drop=True)
    if not len(kept):
        return fresh
    n, m = len(kept), len(fresh)
    cols = [kept[c].to_numpy() for c in by]
    new = list(zip(*(fresh[c].to_numpy() for c in by), strict=True))

    def row(i: int) -> tuple[Any, ...]:
        return tuple(c[i] for c in cols)

    places = np.fromiter((bisect.bisect_left(range(n), k, key=row) for k in new), dtype=np.int64, count=m)
    order = np.empty(n + m, dtype=np.int64)
    at = places + np.arange(m)  # fresh rows are sorted, so their places never decrease
    rest = np.ones(n + m, dtype=bool)
    rest[at] = False
    order[rest] = np.arange(n)
    order[at] = n + np.arange(m)
    return pd.concat([kept, fresh], ignore_index=True).take(order).reset_index(drop=True)


def _touched_rows(df: pd.DataFrame, pairs: set[tuple[tuple[str, str], tuple[str, str]]]) -> pd.Series:
    """Rows of a relationship between a touched (src, dst) pair: first by source key (cheap), then
    exactly."""
    hit = df["src"].isin({u[1] for u, _ in pairs})
    if hit.any():
        sub = df.loc[hit, list(EDGE_BASE)]
        hit.loc[hit] = [
            ((sl, s), (dl, d)) in pairs
            for sl, s, dl, d in zip(sub["src_label"], sub["src"], sub["dst_label"], sub["dst"], strict=True)
        ]
    return hit


def patch_tables(
    old: GraphTables, graph: nx.MultiDiGraph, nodes: set[NodeRef], edges: set[EdgeRef]
) -> GraphTables:
    """`old` (an export of this graph before the writes that touched `nodes` and `edges`) made
    current."""
    by_label: dict[NodeLabel, set[str]] = {}
    for label, key in nodes:
        by_label.setdefault(NodeLabel(label), set()).add(key)
    node_frames = dict(old.nodes)
    for label, keys in by_label.items():
        df = old.nodes[label]
        present = [(k, graph.nodes[(label, k)]) for k in sorted(keys) if (label, k) in graph]
        node_frames[label] = _combined(df[~df["key"].isin(keys)], node_frame(label, present), ["key"])
    by_rel: dict[RelType, set[tuple[tuple[str, str], tuple[str, str]]]] = {}
    for rel, u, v in edges:
        by_rel.setdefault(RelType(rel), set()).add(((str(u[0]), u[1]), (str(v[0]), v[1])))
    edge_frames = dict(old.edges)
    for rel, pairs in by_rel.items():
        df = old.edges[rel]
        fresh: list[RawEdge] = []
        for (src_label, src), (dst_label, dst) in sorted(pairs):
            a, b = (NodeLabel(src_label), src), (NodeLabel(dst_label), dst)
            for k, d in (graph.get_edge_data(a, b) or {}).items():
                if k[0] == rel:
                    fresh.append((a[0], src, b[0], dst, d))
        edge_frames[rel] = _combined(df[~_touched_rows(df, pairs)], edge_frame(rel, fresh), list(EDGE_BASE))
    return GraphTables(nodes=node_frames, edges=edge_frames)
