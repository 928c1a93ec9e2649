"""Credit tiers over the API (memory store, contract example): the distribution with its filters and
pages, a subject's tier with breakdown and history, the key-supervision list, recording a run
idempotently, inspection feedback merged into the history, roles and masking."""

from __future__ import annotations

import json
from datetime import date

import pytest
from api_fixtures import FIRM, PERSON, PERSON_MASKED, SUB_FIRM, auth

from api.security import Role
from api.services.punish import punish_db
from gnn.tiers import tier_of
from graph.feedback import FeedbackLog, TierChange
from graph.model import RiskScore
from ingest.records import SubjectType

CUTS = (0.02, 0.08, 0.25)
DOC = "衢环罚〔2024〕15号"
REASONS = json.dumps([
    {"type": "record", "record_id": "C3", "kind": "admin_penalty", "document_no": DOC, "grounded": True,
     "dimension": "social_responsibility", "contribution": 0.4},
    {"type": "related", "party": f"Person:{PERSON}", "dimension": "related_parties", "contribution": 0.2},
    {"type": "event", "event_id": "E4", "dimension": "compliance", "grounded": False},
], ensure_ascii=False)
OTHERS = {"92330803MA2D00010P": 0.01, "91330803MA2D00029P": 0.05, "91330802MA2D00053R": 0.12,
          "91330106MA2D00061A": 0.015}


def _score(sid: str, s: float, reasons: str = "", kind: SubjectType = SubjectType.FIRM) -> RiskScore:
    return RiskScore(kind, sid, s, s, 0.0, "risk-test-2", reasons)


@pytest.fixture()
def scored(store):
    """The fixture's three scores plus four firms spread over the tiers: A A B C + D D D."""
    store.write_risk_scores([_score(k, v) for k, v in OTHERS.items()])
    store.write_risk_scores([_score(FIRM, 0.71, REASONS)])
    return store


def _all_scores() -> dict[str, float]:
    return {**OTHERS, FIRM: 0.71, PERSON: 0.64, SUB_FIRM: 0.35}


def test_distribution_counts_filters_and_pages(client, scored):
    who = auth(Role.INVESTIGATOR)
    body = client.get("/tiers", headers=who).json()
    expected = {t: sum(1 for s in _all_scores().values() if tier_of(s, CUTS) == t) for t in "ABCD"}
    mix = {d["tier"]: d["count"] for d in body["distribution"]}
    assert mix == expected == {"A": 2, "B": 1, "C": 1, "D": 3}
    assert body["total"] == 7 and body["thresholds"] == list(CUTS)
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True) and body["items"][0]["subject_id"] == FIRM
    # a region prefix keeps that region's firms (persons carry no region)
    qujiang = client.get("/tiers?region=330803", headers=who).json()
    assert {i["subject_id"] for i in qujiang["items"]} == {FIRM, SUB_FIRM, "92330803MA2D00010P",
                                                           "91330803MA2D00029P"}
    assert {d["tier"]: d["count"] for d in qujiang["distribution"]} == {"A": 1, "B": 1, "C": 0, "D": 2}
    # a tier filter narrows the page, not the mix; pages follow next_offset
    d_only = client.get("/tiers?tier=D&limit=2", headers=who).json()
    assert d_only["total"] == 3 and len(d_only["items"]) == 2 and d_only["next_offset"] == 2
    assert d_only["distribution"] == body["distribution"]
    rest = client.get("/tiers?tier=D&limit=2&offset=2", headers=who).json()
    assert rest["next_offset"] is None and [i["tier"] for i in rest["items"]] == ["D"]
    assert {i["subject_id"] for i in d_only["items"] + rest["items"]} == {FIRM, PERSON, SUB_FIRM}
    persons = client.get("/tiers?subject_type=person", headers=who).json()
    assert [i["subject_id"] for i in persons["items"]] == [PERSON]
    assert client.get("/tiers?tier=E", headers=who).status_code == 422
    assert client.get("/tiers?region=zj", headers=who).status_code == 422


def test_record_a_run_then_a_decline_lists_the_subject_for_key_supervision(client, scored):
    admin = auth(Role.ADMIN)
    first = client.post("/tiers/record?as_of=2024-06-30&run=r1", headers=admin).json()
    assert (first["subjects"], first["changes"], first["declined"]) == (7, 7, 0)
    again = client.post("/tiers/record?as_of=2024-06-30&run=r1", headers=admin).json()
    assert again["changes"] == 0  # the same run again adds nothing
    # 宏达物流 (C) gets the grounded record and falls to D
    scored.write_risk_scores([_score("91330802MA2D00053R", 0.40, REASONS)])
    second = client.post("/tiers/record?as_of=2024-12-31&run=r2", headers=admin).json()
    assert (second["changes"], second["declined"]) == (1, 1)
    who = auth(Role.INVESTIGATOR)
    down = client.get("/tiers/declined", headers=who).json()
    assert down["total"] == 1
    d = down["items"][0]
    assert (d["subject_id"], d["from_tier"], d["to_tier"], d["date"], d["source"], d["run"]) == (
        "91330802MA2D00053R", "C", "D", "2024-12-31", "run", "r2")
    assert DOC in d["reason"] and d["name"] == "衢州宏达物流有限公司" and d["region_code"] == "330802"
    assert client.get("/tiers/declined?region=330803", headers=who).json()["total"] == 0
    tier = client.get("/entities/91330802MA2D00053R/tier", headers=who).json()
    assert tier["tier"] == "D" and [h["to_tier"] for h in tier["history"]] == ["C", "D"]
    assert [h["direction"] for h in tier["history"]] == ["new", "declined"]
    # lifted again by a rescore: off the list
    scored.write_risk_scores([_score("91330802MA2D00053R", 0.05)])
    client.post("/tiers/record?as_of=2025-01-31&source=rescore", headers=admin)
    assert client.get("/tiers/declined", headers=who).json()["total"] == 0
    hist = client.get("/entities/91330802MA2D00053R/tier", headers=who).json()["history"]
    assert (hist[-1]["source"], hist[-1]["run"], hist[-1]["to_tier"]) == ("rescore", "2025-01-31", "B")


def test_subject_tier_has_the_breakdown_by_dimension(client, scored):
    body = client.get(f"/entities/{FIRM}/tier", headers=auth(Role.INVESTIGATOR)).json()
    assert (body["tier"], body["score"], body["name"]) == ("D", 0.71, "浙江廿里新材料科技有限公司")
    dims = {d["dimension"]: (d["contribution"], d["reasons"]) for d in body["breakdown"]}
    assert dims == {"business": (0.0, 0), "compliance": (0.0, 1), "social_responsibility": (0.4, 1),
                    "related_parties": (0.2, 1)}
    assert DOC in body["lead_reason"] and body["history"] == []
    assert client.get("/entities/91330000XXXXXXXXXX/tier", headers=auth(Role.INVESTIGATOR)).status_code == 404


def test_inspection_feedback_joins_the_history_and_the_next_run_builds_on_it(client, scored, settings):
    admin, who = auth(Role.ADMIN), auth(Role.INVESTIGATOR)
    client.post("/tiers/record?as_of=2024-06-30&run=r1", headers=admin)
    # an inspection found problems at 杜泽食品 (B): the feedback path logged B -> D and wrote the score
    FeedbackLog(punish_db(settings)).record([TierChange("E77", "problem", "firm", "91330803MA2D00029P", 0.05,
                                                        0.30, "B", "D", date(2024, 8, 1))])
    scored.write_risk_scores([_score("91330803MA2D00029P", 0.30)])
    hist = client.get("/entities/91330803MA2D00029P/tier", headers=who).json()["history"]
    assert [(h["source"], h["to_tier"]) for h in hist] == [("run", "B"), ("feedback", "D")]
    assert "E77" in hist[-1]["reason"] and "problem" in hist[-1]["reason"]
    assert [d["subject_id"] for d in client.get("/tiers/declined", headers=who).json()["items"]] == [
        "91330803MA2D00029P"]
    # the next run finds the feedback's tier already recorded: no duplicate change
    out = client.post("/tiers/record?as_of=2024-12-31&run=r2", headers=admin).json()
    assert out["changes"] == 0
    assert len(client.get("/entities/91330803MA2D00029P/tier", headers=who).json()["history"]) == 2


def test_roles_and_masking(client, scored):
    svc_body = client.get(f"/entities/{PERSON}/tier", headers=auth(Role.SERVICE))
    assert svc_body.status_code == 200 and svc_body.json()["subject_id"] == PERSON_MASKED
    inv = client.get(f"/entities/{PERSON}/tier", headers=auth(Role.INVESTIGATOR)).json()
    assert inv["subject_id"] == PERSON
    listed = client.get("/tiers?subject_type=person", headers=auth(Role.SERVICE)).json()
    assert [i["subject_id"] for i in listed["items"]] == [PERSON_MASKED]
    # a leading reason naming a person: starred for the service, in clear for the investigator
    related_first = json.dumps([{"type": "related", "party": f"Person:{PERSON}",
                                 "dimension": "related_parties"}])
    scored.write_risk_scores([_score(SUB_FIRM, 0.35, related_first)])
    masked = client.get(f"/entities/{SUB_FIRM}/tier", headers=auth(Role.SERVICE)).json()
    assert PERSON_MASKED in masked["lead_reason"] and PERSON not in json.dumps(masked)
    clear = client.get(f"/entities/{SUB_FIRM}/tier", headers=auth(Role.INVESTIGATOR)).json()
    assert PERSON in clear["lead_reason"]
    assert client.get("/tiers", headers=auth(Role.STEWARD)).status_code == 403
    assert client.get("/tiers/declined").status_code == 401
    assert client.post("/tiers/record", headers=auth(Role.INVESTIGATOR)).status_code == 403
    assert client.post("/tiers/record?source=feedback", headers=auth(Role.ADMIN)).status_code == 422
