"""Raw node and edge properties, as a store reads them back, into the documented GraphTables.

Both stores hand their contents to `build_tables` in the same raw shape, so the DataFrames come out
identical whichever store held the graph (same columns, dtypes and row order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from graph.model import AFFILIATION_RELS, NodeLabel, RelType
from graph.tables import GraphTables

NODE_COLUMNS: dict[NodeLabel, tuple[str, ...]] = {
    NodeLabel.FIRM: (
        "name", "other_names", "kind", "status", "region_code", "industry", "founded_on",
        "registered_capital_wan", "address", "phone",
    ),
    NodeLabel.PERSON: ("name", "gender", "birth_date", "address", "phone"),
    NodeLabel.ADDRESS: (),
    NodeLabel.PHONE: (),
    NodeLabel.CREDIT_RECORD: (
        "kind", "subject_name", "authority", "document_no", "decided_on", "expires_on", "amount_yuan",
    ),
    NodeLabel.EVENT: ("source", "occurred_at", "region_code", "location", "category", "text"),
}
DATE_COLUMNS = {
    "founded_on", "birth_date", "decided_on", "expires_on", "occurred_at", "start_date", "end_date",
}
NUMBER_COLUMNS = {"registered_capital_wan", "amount_yuan", "share_pct", "score"}
LINK_COLUMNS = ("score", "decision", "model_version")
ROLE_COLUMNS = ("share_pct", "start_date", "end_date")
EDGE_BASE = ("src_label", "src", "dst_label", "dst")

# (src label, src key, dst label, dst key, properties) of one relationship
RawEdge = tuple[NodeLabel, str, NodeLabel, str, Mapping[str, Any]]


def edge_columns(rel: RelType) -> tuple[str, ...]:
    if rel in AFFILIATION_RELS:
        return ROLE_COLUMNS
    if rel in (RelType.SUBJECT_OF, RelType.MENTIONS):
        return LINK_COLUMNS
    return ()


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col in DATE_COLUMNS:
            if df[col].dtype == "datetime64[ns]":
                continue  # already typed by the frame: converting again walks every value (slow)
            df[col] = pd.to_datetime(df[col], errors="coerce")
        elif col in NUMBER_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df


def _cell(value: Any) -> Any:
    return "|".join(value) if isinstance(value, list | tuple) else value


def node_frame(label: NodeLabel, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
    cols = NODE_COLUMNS[label]
    pairs = list(rows)
    data: dict[str, list[Any]] = {"key": [key for key, _ in pairs]}
    for c in cols:
        data[c] = _column([p.get(c) for _, p in pairs])
    if label == NodeLabel.FIRM:
        data["other_names"] = [v or "" for v in data["other_names"]]
    return _typed(_sorted(pd.DataFrame(data, columns=["key", *cols]), ["key"]))


def _column(values: list[Any]) -> list[Any]:
    """One column's cells: lists joined with | (column by column: a call per cell was slow)."""
    if any(isinstance(v, list | tuple) for v in values):
        return [_cell(v) for v in values]
    return values


def _sorted(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rows in the order of `by` (stable), sorted by pandas: a Python sort over millions of row
    lists was most of an export's time at city size. Keys are strings, so the order is the same."""
    if len(df) < 2:
        return df
    return df.sort_values(by, kind="mergesort", ignore_index=True)


def edge_frame(rel: RelType, rows: Iterable[RawEdge]) -> pd.DataFrame:
    cols = edge_columns(rel)
    edges = list(rows)
    data: dict[str, list[Any]] = {
        "src_label": [str(e[0]) for e in edges],
        "src": [e[1] for e in edges],
        "dst_label": [str(e[2]) for e in edges],
        "dst": [e[3] for e in edges],
    }
    for c in cols:
        data[c] = [e[4].get(c) for e in edges]
    data["_rid"] = [str(e[4].get("rid", "")) for e in edges]
    df = _sorted(pd.DataFrame(data, columns=[*EDGE_BASE, *cols, "_rid"]), [*EDGE_BASE, "_rid"])
    return _typed(df.drop(columns="_rid"))


def build_tables(
    nodes: Mapping[NodeLabel, Iterable[tuple[str, Mapping[str, Any]]]],
    edges: Mapping[RelType, Iterable[RawEdge]],
) -> GraphTables:
    """GraphTables with every label and every relationship type present (empty frames included)."""
    return GraphTables(
        nodes={label: node_frame(label, nodes.get(label, ())) for label in NodeLabel},
        edges={rel: edge_frame(rel, edges.get(rel, ())) for rel in RelType},
    )
