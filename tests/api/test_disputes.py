"""An investigator disputes a punitive record shown on the wrong person: the link is shown with
how it was made, goes first in the stewards' queue, and a steward's no-match removes it."""

from __future__ import annotations

from typing import Any

from api_fixtures import FIRM, PERSON, auth

from api.security import Role
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource

EVIDENCE = "code: masked ID consistent +4.0; name: exact +6.1; region: same district +1.2"


def _link_c2(store: Any) -> None:
    store.write_links(
        [
            Link(
                LinkSource.CREDIT_RECORDS,
                "C2",
                SubjectType.PERSON,
                PERSON,
                0.93,
                Decision.AUTO_LINK,
                EVIDENCE,
                "m1",
            )
        ]
    )


def _records(client: Any) -> dict[str, dict[str, Any]]:
    body = client.get(f"/entities/{PERSON}", headers=auth(Role.INVESTIGATOR)).json()
    return {r["record_id"]: r for r in body["records"]}


def test_profile_says_how_each_record_was_attached(client: Any, store: Any) -> None:
    _link_c2(store)
    c2 = _records(client)["C2"]
    assert (c2["link_decision"], c2["link_score"], c2["link_evidence"]) == ("auto_link", 0.93, EVIDENCE)
    firm = client.get(f"/entities/{FIRM}", headers=auth(Role.INVESTIGATOR)).json()
    c3 = {r["record_id"]: r for r in firm["records"]}["C3"]
    assert c3["link_decision"] is None and c3["link_evidence"] is None  # published with the firm's code


def test_dispute_goes_first_to_the_stewards_and_their_no_match_unlinks(
    client: Any, store: Any, queue: Any
) -> None:
    _link_c2(store)
    before = client.get("/review/queue", headers=auth(Role.STEWARD)).json()
    assert before["items"] and all(it["record_id"] != "C2" for it in before["items"])

    r = client.post(
        f"/entities/{PERSON}/records/C2/dispute",
        headers=auth(Role.INVESTIGATOR),
        json={"comment": "被执行人另有其人，身份证后四位巧合"},
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["record_id"], out["link_decision"], out["status"]) == ("C2", "auto_link", "open")
    assert "C2" in _records(client)  # a dispute alone unlinks nothing

    first = client.get("/review/queue", headers=auth(Role.STEWARD)).json()["items"][0]
    assert (str(first["item_id"]), first["record_id"]) == (str(out["item_id"]), "C2")
    assert first["entity_id"].endswith(PERSON[-4:])  # stewards see the resident ID masked
    [d] = queue.disputes()
    assert (d.who, d.comment, d.status) == ("investigator-user", "被执行人另有其人，身份证后四位巧合", "open")

    v = client.post(
        f"/review/{out['item_id']}/decision", headers=auth(Role.STEWARD), json={"verdict": "no_match"}
    )
    assert v.status_code == 200, v.text
    assert "C2" not in _records(client)  # the steward's verdict took the record off the person
    assert [x.status for x in queue.disputes()] == ["settled"]
    assert queue.disputed_pending() == []


def test_disputes_that_cannot_be_made(client: Any, store: Any) -> None:
    _link_c2(store)
    published = client.post(
        f"/entities/{FIRM}/records/C3/dispute", headers=auth(Role.INVESTIGATOR), json={"comment": "not ours"}
    )
    assert published.status_code == 409 and "publishing authority" in published.json()["detail"]
    unknown = client.post(
        f"/entities/{PERSON}/records/C9/dispute", headers=auth(Role.INVESTIGATOR), json={"comment": "?"}
    )
    assert unknown.status_code == 404
    empty = client.post(
        f"/entities/{PERSON}/records/C2/dispute", headers=auth(Role.INVESTIGATOR), json={"comment": ""}
    )
    assert empty.status_code == 422
    service = client.post(
        f"/entities/{PERSON}/records/C2/dispute", headers=auth(Role.SERVICE), json={"comment": "x"}
    )
    assert service.status_code == 403


def test_subject_page_shows_how_a_record_was_linked_and_takes_a_dispute(
    client: Any, store: Any, queue: Any
) -> None:
    _link_c2(store)
    from api_fixtures import KEYS

    login = client.post("/ui/login", data={"key": KEYS[Role.INVESTIGATOR]}, follow_redirects=False)
    assert login.status_code == 303
    page = client.get(f"/ui/subject/{PERSON}").text
    assert "linked by the matcher" in page and "auto link, 0.93" in page and "masked ID consistent" in page
    assert f"/ui/subject/{PERSON}/records/C2/dispute" in page
    firm_page = client.get(f"/ui/subject/{FIRM}").text
    assert (
        "published with this subject&#39;s code" in firm_page
        or "published with this subject's code" in firm_page
    )
    assert "/records/C3/dispute" not in firm_page  # nothing a matcher decided, nothing to dispute
    sent = client.post(f"/ui/subject/{PERSON}/records/C2/dispute", data={"comment": "另有其人"})
    assert sent.status_code == 200 and "Sent to the stewards" in sent.text
    assert [d.comment for d in queue.disputes()] == ["另有其人"]
    refused = client.post(f"/ui/subject/{FIRM}/records/C3/dispute", data={"comment": "x"})
    assert "publishing authority" in refused.text


def test_review_next_asks_about_disputed_links_first(tmp_path: Any) -> None:
    import csv

    from typer.testing import CliRunner

    from api.cli import app
    from resolution.review_queue import ReviewQueue

    url = f"sqlite:///{tmp_path / 'q.db'}"
    q = ReviewQueue(url)
    unsure = {"source": "events", "record_id": "E1", "entity_type": "firm", "entity_id": "F1", "score": 0.5}
    sure = {
        "source": "credit_records",
        "record_id": "C2",
        "entity_type": "person",
        "entity_id": PERSON,
        "score": 0.99,
    }
    q.enqueue([unsure])
    q.dispute(sure, "investigator-li", "另有其人")  # a near-certain link, but disputed
    env = {"CREDGRAPH_REVIEW_DB_URL": url, "CREDGRAPH_MODEL_DIR": str(tmp_path / "models")}
    out = tmp_path / "ask.csv"
    result = CliRunner().invoke(app, ["review", "next", "--n", "2", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["record_id"] for r in rows] == ["C2", "E1"]
