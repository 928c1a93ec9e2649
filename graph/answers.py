"""How both stores shape their answers: search ranking, search hits, entity records order.

Kept in one place so that the networkx store and the Neo4j store cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.model import NodeLabel
from graph.paths import NodeRef
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource


def search_rank(text: str, key: str, name: str | None, other_names: Sequence[str]) -> int | None:
    """The rank read/search.cypher gives a subject (None: no match); kept in step with that file."""
    name = name or ""
    if key == text:
        return 0
    if name == text:
        return 1
    if name.startswith(text):
        return 2
    if text in name:
        return 3
    if any(text in o for o in other_names):
        return 4
    if text in key:
        return 5
    return None


def hit(label: NodeLabel, key: str, name: str | None, others: Sequence[str], rank: int) -> dict[str, Any]:
    return {"label": NodeLabel(label), "key": key, "name": name, "other_names": list(others), "rank": rank}


def hit_order(hit: dict[str, Any]) -> tuple[int, str, str]:
    return (hit["rank"], str(hit["label"]), hit["key"])


def entity_answer(ref: NodeRef, props: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    """The entity() answer; records sorted by (decided_on, record_id, rid)."""
    records.sort(
        key=lambda r: (str(r["record"].get("decided_on", "")), r["record"]["record_id"], r["link"]["rid"])
    )
    return {"label": ref[0], "key": ref[1], "properties": props, "credit_records": records}


def record_link(source: LinkSource, record_id: str, row: dict[str, Any]) -> Link:
    """A stored resolution link read back (record_links): the same Link the resolver wrote."""
    entity_type = SubjectType.FIRM if str(row["label"]) == NodeLabel.FIRM else SubjectType.PERSON
    return Link(
        LinkSource(source),
        record_id,
        entity_type,
        str(row["key"]),
        float(row.get("score") or 0.0),
        Decision(str(row["decision"])),
        str(row.get("evidence") or ""),
        str(row.get("model_version") or ""),
    )


def link_order(link: Link) -> tuple[str, str, str, str]:
    return (link.model_version, link.entity_type.value, link.entity_id, link.decision.value)
