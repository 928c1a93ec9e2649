"""Information feedback at the edge: inspection results read through the ingest path, resolved,
loaded, and their subjects and neighbours rescored, the tier changes logged.

Only public functions are called: ingest.readers.read_events, the resolver's resolve_events, the
store's load_dataset / write_links / associates / risk / write_risk_scores, graph.feedback, and for
the default rescore gnn.pipeline.score_risk with gnn.tiers.tier_of.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from api.settings import Settings
from graph.feedback import FeedbackLog, TierChange, inspected, inspection_outcome, rescore_scope, tier_changes
from graph.model import NodeLabel, RiskScore
from ingest.readers import read_events
from ingest.records import Dataset, EventSource

Scope = list[tuple[NodeLabel, str]]
Rescore = Callable[[Scope], Sequence[RiskScore]]
_TYPES = {NodeLabel.FIRM: "firm", NodeLabel.PERSON: "person"}


@dataclass
class FeedbackReport:
    events: int = 0
    quarantined: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)
    inspected: list[tuple[str, str, str]] = field(default_factory=list)
    rescored: int = 0
    changes: list[TierChange] = field(default_factory=list)
    # (subject type, id, score before or None, score after) of every rescored subject
    scores: list[tuple[str, str, float | None, float]] = field(default_factory=list)


def model_rescore(store: Any, settings: Settings, as_of: date) -> Rescore:
    """The product's rescore: gnn.pipeline.score_risk over the store's graph with the registry's
    model, kept to the scope (the model scores every subject; only the scope is written back)."""

    def rescore(scope: Scope) -> list[RiskScore]:
        from gnn.config import RiskConfig
        from gnn.pipeline import score_risk

        wanted = {(_TYPES[label], key) for label, key in scope}
        scores = score_risk(store.export_tables(), as_of, RiskConfig(seed=settings.seed), settings.model_dir)
        return [s for s in scores if (str(s.subject_type), s.subject_id) in wanted]

    return rescore


def all_subjects(store: Any) -> Scope:
    """Every firm and person of the store (a full rescore's scope)."""
    tables = store.export_tables()
    labels = (NodeLabel.FIRM, NodeLabel.PERSON)
    return [(label, str(k)) for label in labels for k in tables.nodes[label]["key"]]


def apply_inspections(
    path: Path,
    store: Any,
    resolver: Any,
    rescore: Rescore,
    log: FeedbackLog,
    as_of: date,
    thresholds: Sequence[float],
    depth: int = 1,
) -> FeedbackReport:
    """Read `path` (events.jsonl), keep the inspections, load and resolve them, rescore the inspected
    subjects and their neighbours, write the new scores and log every tier change."""
    from gnn.tiers import tier_of

    got = read_events(path)
    events = [e for e in got.records if e.source == EventSource.INSPECTION]
    report = FeedbackReport(events=len(events), quarantined=len(got.quarantine))
    store.load_dataset(Dataset(events=events))
    links = resolver.resolve_events(events)
    store.write_links(links)
    report.outcomes = {e.event_id: inspection_outcome(e.category, e.text) for e in events}
    hits = inspected(links, set(report.outcomes))
    report.inspected = [(eid, _TYPES[label], key) for eid, label, key in hits]
    cause: dict[tuple[str, str], tuple[str, str]] = {}
    for eid, label, key in hits:
        for lab, k in rescore_scope(store, [(label, key)], depth):
            cause.setdefault((_TYPES[lab], k), (eid, report.outcomes[eid]))
    scope = rescore_scope(store, [(label, key) for _, label, key in hits], depth)
    before = {}
    for label, key in scope:
        old = store.risk(label, key)
        before[(_TYPES[label], key)] = None if old is None else float(old.score)
    new = list(rescore(scope)) if scope else []
    store.write_risk_scores(new)
    report.rescored = len(new)
    report.scores = [(str(x.subject_type), x.subject_id, before.get((str(x.subject_type), x.subject_id)),
                      float(x.score)) for x in new]
    report.changes = tier_changes(before, new, cause, lambda s: tier_of(s, thresholds), as_of)
    log.record(report.changes)
    return report
