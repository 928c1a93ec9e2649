"""What an increment does to the graph's links and whom it must rescore: pure functions over the
exported tables, plus the scope walk over a store.

Links are read per record from the MENTIONS and resolved SUBJECT_OF tables (published SUBJECT_OF
carry no model_version and are never an increment's business). The rescore scope is every seed
(subjects whose records, links or registry facts changed) with its affiliation neighbours within
the risk model's reach (its GNN layers; the graph features look no further) and the subjects
sharing an address or phone with a seed (shared-contact features).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.model import NodeLabel, RelType
from graph.tables import GraphTables
from resolution.links import Link, LinkSource

RecordKey = tuple[str, str]  # (source, record_id)
EntityKey = tuple[str, str]  # (entity type, entity id)
LinkState = dict[EntityKey, tuple[float, str]]  # entity -> (score, decision)
_TYPE = {str(NodeLabel.FIRM): "firm", str(NodeLabel.PERSON): "person"}
_LABEL = {"firm": NodeLabel.FIRM, "person": NodeLabel.PERSON}


def stored_links(tables: GraphTables, model_version: str | None = None) -> dict[RecordKey, LinkState]:
    """Every record's resolution links in the graph (of one model version when given)."""
    out: dict[RecordKey, LinkState] = {}

    def add(
        frame: pd.DataFrame | None, source: str, record_col: str, entity_col: str, label_col: str
    ) -> None:
        if frame is None or not len(frame) or "model_version" not in frame:
            return
        f = frame[frame["model_version"].notna()]
        if model_version is not None:
            f = f[f["model_version"] == model_version]
        for rec, ent, lab, score, dec in zip(
            f[record_col], f[entity_col], f[label_col], f["score"], f["decision"], strict=True
        ):
            out.setdefault((source, str(rec)), {})[(_TYPE[str(lab)], str(ent))] = (
                round(float(score), 6),
                str(dec),
            )

    add(tables.edges.get(RelType.MENTIONS), LinkSource.EVENTS.value, "src", "dst", "dst_label")
    add(tables.edges.get(RelType.SUBJECT_OF), LinkSource.CREDIT_RECORDS.value, "dst", "src", "src_label")
    return out


def link_states(links: Iterable[Link], model_version: str | None = None) -> dict[RecordKey, LinkState]:
    """Links per record as `stored_links` reads them from the tables (of one model version when
    given; score rounded the same way), so links read back from a store's targeted reads
    (`records_links`, `entity_links`) compare with fresh ones exactly as exported ones did."""
    out: dict[RecordKey, LinkState] = {}
    for lk in links:
        if not lk.model_version or (model_version is not None and lk.model_version != model_version):
            continue
        out.setdefault((lk.source.value, lk.record_id), {})[(lk.entity_type.value, lk.entity_id)] = (
            round(float(lk.score), 6),
            lk.decision.value,
        )
    return out


def links_before(store: Any, records: Iterable[RecordKey], model_version: str) -> dict[RecordKey, LinkState]:
    """The stored links of `model_version` of these records (what an increment's link diff compares
    with), read per source in one batched read each instead of exporting the whole graph."""
    wanted: dict[str, list[str]] = {}
    for source, record_id in records:
        wanted.setdefault(source, []).append(record_id)
    found = [lk for src, ids in sorted(wanted.items()) for lk in store.records_links(LinkSource(src), ids)]
    return link_states(found, model_version)


def links_naming(
    store: Any, firms: Iterable[str], persons: Iterable[str], model_version: str
) -> dict[RecordKey, LinkState]:
    """The stored links of `model_version` of every record whose links name one of these firms or
    persons (with all of those records' links to them): `linked_to` of it answers what
    `linked_to(stored_links(...))` answers for these entities, without exporting the graph."""
    found = [
        *store.entity_links(NodeLabel.FIRM, sorted(set(firms))),
        *store.entity_links(NodeLabel.PERSON, sorted(set(persons))),
    ]
    return link_states(found, model_version)


def linked_to(links: dict[RecordKey, LinkState]) -> dict[EntityKey, set[RecordKey]]:
    """Entity -> the records whose links name it (any decision)."""
    out: dict[EntityKey, set[RecordKey]] = {}
    for rec, ents in links.items():
        for ent in ents:
            out.setdefault(ent, set()).add(rec)
    return out


@dataclass
class LinkDiff:
    """Links an increment added, changed (score or decision) and removed, one row each."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)

    def entities(self) -> set[EntityKey]:
        return {(r["entity_type"], r["entity_id"]) for r in self.added + self.changed + self.removed}

    def rows(self) -> list[dict[str, Any]]:
        return self.added + self.changed + self.removed


def link_diff(
    before: dict[RecordKey, LinkState], links: Sequence[Link], records: Iterable[RecordKey]
) -> LinkDiff:
    """Compare the stored links of `records` with the links just resolved for them."""
    after: dict[RecordKey, LinkState] = {}
    for lk in links:
        after.setdefault((lk.source.value, lk.record_id), {})[(lk.entity_type.value, lk.entity_id)] = (
            round(float(lk.score), 6),
            lk.decision.value,
        )
    diff = LinkDiff()
    for rec in sorted(set(records)):
        old, new = before.get(rec, {}), after.get(rec, {})
        for ent in sorted(set(old) | set(new)):
            row = {
                "source": rec[0],
                "record_id": rec[1],
                "entity_type": ent[0],
                "entity_id": ent[1],
                "old_decision": old[ent][1] if ent in old else None,
                "new_decision": new[ent][1] if ent in new else None,
                "old_score": old[ent][0] if ent in old else None,
                "new_score": new[ent][0] if ent in new else None,
            }
            if ent not in old:
                diff.added.append({**row, "change": "added"})
            elif ent not in new:
                diff.removed.append({**row, "change": "removed"})
            elif old[ent][1] != new[ent][1] or abs(old[ent][0] - new[ent][0]) > 1e-6:
                diff.changed.append({**row, "change": "changed"})
    return diff


def rescore_scope(store: Any, seeds: Iterable[EntityKey], depth: int) -> list[tuple[NodeLabel, str]]:
    """Seeds, their affiliation neighbours within `depth` hops and the subjects sharing a contact
    with a seed: sorted, each once; seeds the store does not hold are dropped."""
    scope: set[tuple[NodeLabel, str]] = set()
    for etype, key in set(seeds):
        label = _LABEL[etype]
        if store.risk(label, key) is None and store.entity(label, key) is None:
            continue
        scope.add((label, key))
        scope.update((a.label, a.key) for a in store.associates(label, key, depth))
        scope.update((c.label, c.key) for c in store.shared_contacts(label, key))
    return sorted(scope, key=lambda t: (str(t[0]), t[1]))
