"""An earlier export brought up to date: only the rows of nodes written since are rebuilt.

`build_tables` turns a whole graph into GraphTables; after a day's increment only a few thousand
of its millions of nodes changed. `patch_tables` takes the earlier tables and the set of nodes
touched since (a node whose properties were written, added or removed, or one end of a
relationship that was), drops their rows and the rows of every relationship with a touched end,
rebuilds those rows from the graph with the same `node_frame` / `edge_frame` an export uses, and
puts them in the export's order. The result equals a fresh export of the graph (same rows,
order, columns and dtypes; tests/graph/test_export_patch.py compares them after random writes).

Why the order comes out right: node keys are unique per label, and a relationship's rows are
either all kept (neither end touched) or all rebuilt (sorted by edge_frame the way an export
sorts them), so a stable sort on the export's columns merges the two without reordering either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from graph.export import EDGE_BASE, RawEdge, edge_frame, node_frame
from graph.model import NodeLabel, RelType
from graph.tables import GraphTables

NodeRef = tuple[NodeLabel, str]


def _combined(kept: pd.DataFrame, fresh: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Kept rows and rebuilt rows in the export's order and dtypes."""
    if not len(fresh):
        return kept.reset_index(drop=True)
    if not len(kept):
        return fresh
    out = pd.concat([kept, fresh], ignore_index=True)
    return out.sort_values(by, kind="mergesort", ignore_index=True)


def _touched_rows(df: pd.DataFrame, side: str, refs: Mapping[str, set[str]]) -> pd.Series:
    """Rows whose `side` end is a touched node: first by key (cheap), then by label."""
    hit = df[side].isin(set().union(*refs.values())) if refs else pd.Series(False, index=df.index)
    if hit.any():
        labels = df.loc[hit, f"{side}_label"].astype(str)
        keys = df.loc[hit, side]
        exact = [key in refs.get(lab, ()) for lab, key in zip(labels, keys, strict=True)]
        hit.loc[hit] = exact
    return hit


def _incident(graph: nx.MultiDiGraph, touched: Iterable[NodeRef]) -> dict[RelType, list[RawEdge]]:
    """Every relationship with a touched end, once each, as the export reads it."""
    out: dict[RelType, list[RawEdge]] = {}
    seen: set[tuple[Any, Any, Any]] = set()
    for ref in touched:
        if ref not in graph:
            continue
        for u, v, k, d in (
            *graph.out_edges(ref, keys=True, data=True),
            *graph.in_edges(ref, keys=True, data=True),
        ):
            if (u, v, k) in seen:
                continue
            seen.add((u, v, k))
            out.setdefault(d["rel"], []).append((u[0], u[1], v[0], v[1], d))
    return out


def patch_tables(old: GraphTables, graph: nx.MultiDiGraph, touched: set[NodeRef]) -> GraphTables:
    """`old` (an export of this graph before the writes that touched `touched`) made current."""
    by_label: dict[str, set[str]] = {}
    for label, key in touched:
        by_label.setdefault(str(label), set()).add(key)
    nodes = dict(old.nodes)
    for label in NodeLabel:
        keys = by_label.get(str(label))
        if not keys:
            continue
        df = old.nodes[label]
        present = [(k, graph.nodes[(label, k)]) for k in sorted(keys) if (label, k) in graph]
        nodes[label] = _combined(df[~df["key"].isin(keys)], node_frame(label, present), ["key"])
    edges = dict(old.edges)
    incident = _incident(graph, touched)
    for rel in RelType:
        df = old.edges[rel]
        gone = _touched_rows(df, "src", by_label) | _touched_rows(df, "dst", by_label)
        fresh = incident.get(rel, [])
        if not gone.any() and not fresh:
            continue
        edges[rel] = _combined(df[~gone], edge_frame(rel, fresh), list(EDGE_BASE))
    return GraphTables(nodes=nodes, edges=edges)
