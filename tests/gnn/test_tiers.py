"""Credit tiers: cut points on calibrated risk, a per-dimension breakdown, a history of changes with the
leading reason, the declined list, and the 双随机 draw weighted by tier."""

import csv
import json
from datetime import date

import numpy as np

from gnn.inspection import draw_by_credit_tier
from gnn.tiers import TIER_WEIGHTS, assign, breakdown, history, record, tier_of
from graph.model import RiskScore
from ingest.records import SubjectType

CUTS = (0.02, 0.08, 0.25)
RECORD = {
    "type": "record",
    "record_id": "C1",
    "kind": "dishonest_debtor",
    "document_no": "(2023)浙0803执1号",
    "grounded": True,
    "dimension": "business",
    "contribution": 0.8,
}
EVENT = {
    "type": "event",
    "event_id": "E1",
    "category": "噪音扰民",
    "grounded": False,
    "dimension": "social_responsibility",
}


def _score(sid: str, score: float, reasons: list | None = None) -> RiskScore:
    return RiskScore(
        SubjectType.FIRM, sid, score, score, 0.0, "v1", json.dumps(reasons or [], ensure_ascii=False)
    )


def test_tier_cut_points():
    assert [tier_of(s, CUTS) for s in (0.0, 0.019, 0.02, 0.079, 0.08, 0.249, 0.25, 1.0)] == list("AABBCCDD")


def test_breakdown_sums_contributions_per_dimension():
    b = breakdown(json.dumps([RECORD, EVENT, {**RECORD, "contribution": -0.5}], ensure_ascii=False))
    assert b["business"] == 0.8 and b["n_business"] == 2  # a negative contribution adds nothing
    assert b["social_responsibility"] == 0.0 and b["n_social_responsibility"] == 1
    assert b["compliance"] == 0.0 and b["n_related_parties"] == 0


def test_history_records_changes_with_date_and_reason_and_lists_the_declined(tmp_path):
    first = assign([_score("F1", 0.01), _score("F2", 0.30, [RECORD]), _score("F3", 0.05)], CUTS)
    changes = record(first, tmp_path, date(2024, 1, 1))
    assert {c["direction"] for c in changes} == {"new"} and len(changes) == 3
    second = assign([_score("F1", 0.30, [RECORD]), _score("F2", 0.05), _score("F3", 0.05)], CUTS)
    changes = record(second, tmp_path, date(2025, 1, 1))
    by_id = {c["subject_id"]: c for c in changes}
    assert set(by_id) == {"F1", "F2"}  # F3 kept its tier: no entry
    assert (by_id["F1"]["from"], by_id["F1"]["to"], by_id["F1"]["direction"]) == ("A", "D", "declined")
    assert "(2023)浙0803执1号" in by_id["F1"]["reason"] and by_id["F1"]["date"] == "2025-01-01"
    assert by_id["F2"]["direction"] == "improved"
    declined = list(csv.DictReader((tmp_path / "key_supervision.csv").open(encoding="utf-8")))
    assert [r["subject_id"] for r in declined] == ["F1"]
    assert [h["to"] for h in history(tmp_path, "F1")] == ["A", "D"]


def test_draw_by_tier_inspects_d_more_often_than_a():
    rng = np.random.default_rng(0)
    scores = [_score(f"F{i}", float(s)) for i, s in enumerate(rng.beta(0.5, 8, size=2000))]
    d = draw_by_credit_tier(scores, 200, 3, CUTS)
    prob = {t["name"]: t["probability"] for t in d.tiers if t["size"]}
    assert prob["D"] > prob["C"] > prob["B"] > prob["A"] > 0
    assert sum(t["drawn"] for t in d.tiers) == 200
    sizes = {t["name"]: t["size"] for t in d.tiers}
    assert sizes == {t: sum(1 for s in scores if tier_of(s.score, CUTS) == t) for t in "ABCD"}
    # every drawn subject belongs to the tier it is reported under
    assert all(tier_of(s["score"], CUTS) == s["tier"] for s in d.selected)
    assert draw_by_credit_tier(scores, 200, 3, CUTS).selected == d.selected  # reproducible
    assert TIER_WEIGHTS["D"] > TIER_WEIGHTS["A"]
