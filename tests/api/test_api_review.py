"""The steward queue over HTTP: listing with evidence, decisions stored, audited, counted down."""

from __future__ import annotations

import pytest
from api_fixtures import PERSON, audit_lines, auth

from api.security import Role

ST = auth(Role.STEWARD)


def test_queue_lists_items_with_evidence_and_masks_for_stewards(client):
    page = client.get("/review/queue", headers=ST).json()
    assert page["total"] == 2 and len(page["items"]) == 2
    item = next(i for i in page["items"] if i["record_id"] == "E8")
    # the mention is found in the raw (traditional, full-width) text and highlighted there
    assert item["text"][item["mention_start"] : item["mention_end"]] == "１３９****８８８８"
    assert item["entity_id"] == "330821********0177"  # stewards see masked identifiers
    assert item["candidate"]["name"] == "王建国"
    assert {c["name"] for c in item["contributions"]} >= {"firm", "phone", "prior"}
    assert PERSON not in str(page)


def test_queue_pages(client):
    first = client.get("/review/queue", params={"limit": 1}, headers=ST).json()
    second = client.get("/review/queue", params={"limit": 1, "offset": 1}, headers=ST).json()
    assert first["next_offset"] == 1 and second["next_offset"] is None
    assert first["items"][0]["item_id"] != second["items"][0]["item_id"]


def test_decision_leaves_queue_and_is_audited(client, settings, queue):
    item_id = client.get("/review/queue", headers=ST).json()["items"][0]["item_id"]
    resp = client.post(
        f"/review/{item_id}/decision",
        json={"verdict": "no_match", "comment": "phone is the firm's"},
        headers=ST,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"item_id": item_id, "verdict": "no_match", "who": "steward-user", "pending": 1}
    assert item_id not in [i["item_id"] for i in client.get("/review/queue", headers=ST).json()["items"]]
    stored = queue.decisions()[-1]
    assert (stored.verdict.value, stored.who, stored.comment) == (
        "no_match",
        "steward-user",
        "phone is the firm's",
    )
    line = [x for x in audit_lines(settings) if x["action"] == "decision"][-1]
    assert line["item_id"] == item_id and line["verdict"] == "no_match" and line["who"] == "steward-user"
    assert stored.entity_id in line["subjects"] and stored.record_id in line["subjects"]


def test_unsure_keeps_the_item_pending(client):
    item_id = client.get("/review/queue", headers=ST).json()["items"][0]["item_id"]
    out = client.post(f"/review/{item_id}/decision", json={"verdict": "unsure"}, headers=ST).json()
    assert out["pending"] == 2


@pytest.mark.parametrize(
    "body,status", [({"verdict": "maybe"}, 422), ({"verdict": "match", "comment": "x" * 1001}, 422)]
)
def test_bad_decisions_are_problems(client, body, status):
    resp = client.post("/review/1/decision", json=body, headers=ST)
    assert resp.status_code == status and resp.headers["content-type"].startswith("application/problem+json")


def test_unknown_item_is_404(client):
    assert client.post("/review/999/decision", json={"verdict": "match"}, headers=ST).status_code == 404
    assert client.get("/review/999", headers=ST).status_code == 404


def test_admin_sees_queue_unmasked(client):
    page = client.get("/review/queue", headers=auth(Role.ADMIN)).json()
    assert PERSON in {i["entity_id"] for i in page["items"]}


def test_resolve_free_text(client, app):
    text = "市民反映宏达物流的货车在廿里镇超载，司机称车是王建国家的公司的。"
    resp = client.post(
        "/resolve", json={"text": text, "region_code": "330803"}, headers=auth(Role.INVESTIGATOR)
    )
    body = resp.json()
    # the API passes the resolver's answer through unchanged, in order, with its evidence
    expected = app.state.resolver.resolve_text(text, region_code="330803")
    assert [(c["entity_id"], c["decision"]) for c in body["candidates"]] == [
        (c.entity_id, c.decision.value) for c in expected
    ]
    top = {c["entity_id"]: c for c in body["candidates"]}
    assert "91330802MA2D00053R" in top and PERSON in top  # the firm named and the person named
    assert top[PERSON]["name"] == "王建国" and top[PERSON]["evidence"].startswith("mention")
    assert top[PERSON]["contributions"] and all(c["name"] for c in top[PERSON]["contributions"])
    # a role not entitled to unmasked identities gets the firms only: no looking people up
    masked = client.post("/resolve", json={"text": text}, headers=auth(Role.SERVICE))
    assert PERSON not in masked.text and "330821********0177" not in masked.text
    assert {c["entity_type"] for c in masked.json()["candidates"]} == {"firm"}
    assert masked.json()["withheld_people"] >= 1
    assert client.post("/resolve", json={"text": ""}, headers=auth(Role.SERVICE)).status_code == 422
    assert client.post("/resolve", json={"text": "x", "region_code": "33"}, headers=ST).status_code == 422
