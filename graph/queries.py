"""Cypher statements rendered for the closed graph model: the one place templates are filled.

`query("write/merge_nodes", label=NodeLabel.FIRM)` loads cypher/write/merge_nodes.cypher and
substitutes the label and its key property. Only NodeLabel and RelType members are accepted, so no
free string ever becomes part of a statement's text.
"""

from __future__ import annotations

from functools import cache

import cypher
from graph.model import AFFILIATION_RELS, NODE_KEY, NodeLabel, RelType


@cache
def query(name: str, **slots: NodeLabel | RelType) -> str:
    """The statement `name` with its template slots filled by enum members (cached)."""
    for slot, value in slots.items():
        if not isinstance(value, NodeLabel | RelType):
            raise TypeError(f"{name}: slot {slot!r} takes a NodeLabel or RelType, got {type(value).__name__}")
    keys = {slot: NODE_KEY[value] for slot, value in slots.items() if isinstance(value, NodeLabel)}
    return cypher.render(name, {slot: str(value) for slot, value in slots.items()}, keys)


def node_statement(label: NodeLabel) -> tuple[str, str]:
    """(name, text) of the statement that upserts `label` rows (graph.rows.NODE_WRITES)."""
    from graph.rows import NODE_WRITES

    name = NODE_WRITES[label]
    return name, (query(name, label=label) if name == "write/merge_nodes" else query(name))


def edge_statement(src: NodeLabel, rel: RelType, dst: NodeLabel) -> tuple[str, str]:
    """(name, text) of the statement that upserts rows of one edge group."""
    if rel in AFFILIATION_RELS:
        if dst != NodeLabel.FIRM:
            raise ValueError(f"{rel} always points at a Firm, not {dst}")
        return "write/merge_roles", query("write/merge_roles", src=src, rel=rel)
    return "write/merge_edges", query("write/merge_edges", src=src, rel=rel, dst=dst)
