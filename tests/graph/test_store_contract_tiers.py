"""The credit-tier read of the store contract (scored_subjects), on the networkx store and the real
Neo4j store (the `store` fixture runs each test on both), compared with the networkx store's answer."""

from __future__ import annotations

from graph.memory_store import MemoryStore
from graph.model import NodeLabel, RiskScore
from graph.store import GraphStore
from ingest.records import Dataset, SubjectType

P, F = NodeLabel.PERSON, NodeLabel.FIRM
SCORES = [
    RiskScore(SubjectType.FIRM, "91330803MA2D00037J", 0.71, 0.4, 0.31, "m1", "[]"),
    RiskScore(SubjectType.FIRM, "91330802MA2D00053R", 0.05, 0.05, 0.0, "m1", ""),
    RiskScore(SubjectType.FIRM, "91330106MA2D00061A", 0.0, 0.0, 0.0, "m1", ""),  # a zero is a score
    RiskScore(SubjectType.PERSON, "330821196911200177", 0.3, 0.3, 0.0, "m1", ""),
    RiskScore(SubjectType.FIRM, "91330000UNKNOWN000", 0.9, 0.9, 0.0, "m1", ""),  # not in the graph
]


def test_scored_subjects_lists_only_scored_subjects_with_name_region_and_score(
    loaded: GraphStore, example: Dataset
) -> None:
    assert loaded.scored_subjects(F) == [] and loaded.scored_subjects(P) == []
    loaded.write_risk_scores(SCORES)
    firms = loaded.scored_subjects(F)
    assert [(r["key"], r["risk_score"], r["region_code"]) for r in firms] == [
        ("91330106MA2D00061A", 0.0, "330106"),
        ("91330802MA2D00053R", 0.05, "330802"),
        ("91330803MA2D00037J", 0.71, "330803"),
    ]
    names = {f.uscc: f.name for f in example.firms}
    assert all(r["name"] == names[r["key"]] for r in firms)
    persons = loaded.scored_subjects(P)
    assert persons == [
        {"key": "330821196911200177", "name": "王建国", "region_code": None, "risk_score": 0.3}
    ]
    ref = MemoryStore()
    ref.load_dataset(example)
    ref.write_risk_scores(SCORES)
    assert firms == ref.scored_subjects(F) and persons == ref.scored_subjects(P)
    assert all(isinstance(r["risk_score"], float) for r in firms + persons)


def test_risks_reads_many_scores_at_once_in_the_order_asked(loaded: GraphStore, example: Dataset) -> None:
    loaded.write_risk_scores(SCORES)
    asked = ["91330803MA2D00037J", "92330803MA2D00010P", "91330106MA2D00061A", "91330803MA2D00037J",
             "91330000UNKNOWN000"]  # scored, unscored, scored with 0.0, repeated, unknown
    got = loaded.risks(F, asked)
    assert got == [SCORES[0], SCORES[2]]
    assert got == [loaded.risk(F, "91330803MA2D00037J"), loaded.risk(F, "91330106MA2D00061A")]
    # a firm key names no person
    assert loaded.risks(P, ["330821196911200177", "91330803MA2D00037J"]) == [SCORES[3]]
    assert loaded.risks(F, []) == []
    ref = MemoryStore()
    ref.load_dataset(example)
    ref.write_risk_scores(SCORES)
    assert got == ref.risks(F, asked)
