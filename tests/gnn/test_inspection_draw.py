"""The inspection draw is reproducible for a seed, weighted towards risk, and auditable."""

import json

from gnn.inspection import DEFAULT_TIERS, Tier, draw, read_risk_scores
from graph.model import RiskScore
from ingest.records import SubjectType


def _scores(n=1000):
    return [
        RiskScore(
            SubjectType.FIRM,
            f"F{i:04d}",
            score=i / n,
            own_score=0.0,
            related_score=0.0,
            model_version="v0001",
            top_reasons="[]",
        )
        for i in range(n)
    ]


def test_same_seed_same_draw_other_seed_other_draw():
    a, b, c = draw(_scores(), 50, 7), draw(_scores()[::-1], 50, 7), draw(_scores(), 50, 8)
    assert [s["subject_id"] for s in a.selected] == [s["subject_id"] for s in b.selected]
    assert [s["subject_id"] for s in a.selected] != [s["subject_id"] for s in c.selected]
    assert len({s["subject_id"] for s in a.selected}) == 50


def test_tiers_get_the_stated_probabilities():
    d = draw(_scores(), 100, 1, DEFAULT_TIERS)
    tiers = {t["name"]: t for t in d.tiers}
    assert [tiers[n]["size"] for n in ("high", "medium", "low")] == [50, 200, 750]
    assert sum(t["drawn"] for t in d.tiers) == 100
    assert tiers["high"]["probability"] > tiers["medium"]["probability"] > tiers["low"]["probability"]
    for t in d.tiers:  # the saved probability is exactly drawn / size, and the selection agrees
        assert t["probability"] == t["drawn"] / t["size"]
        assert sum(1 for s in d.selected if s["tier"] == t["name"]) == t["drawn"]
    high_min = tiers["high"]["min_score"]
    assert all(s["score"] >= high_min for s in d.selected if s["tier"] == "high")


def test_audit_json_round_trip(tmp_path):
    d = draw(_scores(30), 5, 3, (Tier("high", 0.5, 3.0), Tier("low", 1.0, 1.0)))
    saved = json.loads(d.save(tmp_path / "draw.json").read_text())
    assert saved["seed"] == 3 and saved["n"] == 5 and len(saved["selected"]) == 5
    assert {t["name"] for t in saved["tiers"]} == {"high", "low"}


def test_n_larger_than_population_draws_everyone():
    d = draw(_scores(10), 50, 0)
    assert len(d.selected) == 10


def test_reads_contract_csv(tmp_path):
    p = tmp_path / "risk_scores.csv"
    p.write_text(
        "subject_type,subject_id,score,own_score,related_score,model_version,top_reasons\n"
        'firm,F1,0.5,0.4,0.1,v1,"[{""type"":""record""}]"\n',
        encoding="utf-8",
    )
    (s,) = read_risk_scores(p)
    assert s.subject_id == "F1" and s.score == 0.5 and s.top_reasons == '[{"type":"record"}]'
