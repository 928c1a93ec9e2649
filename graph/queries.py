"""Cypher statements rendered for the closed graph model: the one place templates are filled.

`query("write/merge_nodes", label=NodeLabel.FIRM)` loads cypher/write/merge_nodes.cypher and
substitutes the label and its key property. Only NodeLabel and RelType members are accepted, so no
free string ever becomes part of a statement's text.
"""

from __future__ import annotations

from functools import cache

import cypher
from graph.model import NODE_KEY, NodeLabel, RelType


@cache
def query(name: str, **slots: NodeLabel | RelType) -> str:
    """The statement `name` with its template slots filled by enum members (cached)."""
    for slot, value in slots.items():
        if not isinstance(value, NodeLabel | RelType):
            raise TypeError(f"{name}: slot {slot!r} takes a NodeLabel or RelType, got {type(value).__name__}")
    keys = {slot: NODE_KEY[value] for slot, value in slots.items() if isinstance(value, NodeLabel)}
    return cypher.render(name, {slot: str(value) for slot, value in slots.items()}, keys)
