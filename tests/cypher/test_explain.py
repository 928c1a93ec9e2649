"""Every Cypher file, in every rendering its template allows, is accepted by the real server's
planner (EXPLAIN plans without running anything)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import cypher
from graph.model import NodeLabel, RelType
from graph.queries import query

NAMES = cypher.names()
DUMMY: dict[str, Any] = {
    "rows": [], "keys": [], "rels": [], "kinds": [], "key": "", "text": "", "limit": 1, "seconds": 1,
    "record_id": "", "batch": 1,
}
LABELS = {str(x) for x in NodeLabel}


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NAMES)
def test_explain(name: str, neo4j_driver: Any) -> None:
    slots = cypher.header(name).template
    combos = itertools.product(*slots.values()) if slots else [()]
    params = {p: DUMMY[p] for p in cypher.header(name).params}
    with neo4j_driver.session(notifications_min_severity="OFF") as session:
        for combo in combos:
            values = zip(slots, combo, strict=True)
            text = query(name, **{s: NodeLabel(v) if v in LABELS else RelType(v) for s, v in values})
            summary = session.run("EXPLAIN " + text, params).consume()
            assert summary.plan is not None, text
