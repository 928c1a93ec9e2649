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
            df[col] = pd.to_datetime(df[col], errors="coerce")
        elif col in NUMBER_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df


def _cell(value: Any) -> Any:
    return "|".join(value) if isinstance(value, list | tuple) else value


def node_frame(label: NodeLabel, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
    cols = NODE_COLUMNS[label]
    data = sorted(([key, *(_cell(p.get(c)) for c in cols)] for key, p in rows), key=lambda r: r[0])
    if label == NodeLabel.FIRM:
        oi = 1 + cols.index("other_names")
        for r in data:
            r[oi] = r[oi] or ""
    return _typed(pd.DataFrame(data, columns=["key", *cols]))


def edge_frame(rel: RelType, rows: Iterable[RawEdge]) -> pd.DataFrame:
    cols = edge_columns(rel)
    data = sorted(
        (
            [str(sl), s, str(dl), d, *(p.get(c) for c in cols), str(p.get("rid", ""))]
            for sl, s, dl, d, p in rows
        ),
        key=lambda r: (r[0], r[1], r[2], r[3], r[-1]),
    )
    df = pd.DataFrame([r[:-1] for r in data], columns=[*EDGE_BASE, *cols])
    return _typed(df)


def build_tables(
    nodes: Mapping[NodeLabel, Iterable[tuple[str, Mapping[str, Any]]]],
    edges: Mapping[RelType, Iterable[RawEdge]],
) -> GraphTables:
    """GraphTables with every label and every relationship type present (empty frames included)."""
    return GraphTables(
        nodes={label: node_frame(label, nodes.get(label, ())) for label in NodeLabel},
        edges={rel: edge_frame(rel, edges.get(rel, ())) for rel in RelType},
    )
