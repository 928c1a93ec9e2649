"""Risk answers, the audit log, jobs, health, metrics and the OpenAPI schema."""

from __future__ import annotations

import time

import pytest
from api_fixtures import FIRM, PERSON, SUB_FIRM, audit_lines, auth

from api.deps import get_store
from api.security import Role


def test_firm_risk_reasons_are_checkable(client):
    body = client.get(f"/entities/{FIRM}/risk", headers=auth(Role.INVESTIGATOR)).json()
    assert (body["score"], body["own_score"], body["related_score"]) == (0.71, 0.40, 0.31)
    assert body["model_version"] == "risk-test-1"
    kinds = {r["kind"]: r for r in body["reasons"]}
    assert kinds["record"]["grounded"] is True and kinds["record"]["document_no"] == "衢环罚〔2024〕15号"
    assert kinds["event"]["grounded"] is False
    assert kinds["related"]["entity_id"] == PERSON and kinds["related"]["role"] == "legal_rep"
    assert kinds["related"]["path"] == [{"src": PERSON, "rel": "LEGAL_REP", "dst": FIRM, "share_pct": None}]
    assert kinds["event"]["record_id"] == "E4" and "inspection" in kinds["event"]["text"]


def test_prose_reasons_are_parsed(client):
    body = client.get(f"/entities/{PERSON}/risk", headers=auth(Role.INVESTIGATOR)).json()
    own, related = body["reasons"]
    assert (
        own["kind"] == "record" and own["grounded"] is True and own["document_no"] == "(2023)浙0803执1234号"
    )
    assert (
        related["kind"] == "related" and related["entity_id"] == SUB_FIRM and related["contribution"] == 0.10
    )


def test_unscored_and_batch_missing(client):
    inv = auth(Role.INVESTIGATOR)
    resp = client.get("/entities/92330803MA2D00010P/risk", headers=inv)
    assert resp.status_code == 404 and resp.json()["type"].endswith("/not-found")
    batch = client.post(
        "/risk/batch", json={"ids": [FIRM, "92330803MA2D00010P", "nonsense"]}, headers=inv
    ).json()
    assert [r["subject_id"] for r in batch["results"]] == [FIRM]
    assert batch["missing"] == ["92330803MA2D00010P", "nonsense"]
    assert client.post("/risk/batch", json={"ids": []}, headers=inv).status_code == 422
    assert client.post("/risk/batch", json={"ids": ["x"] * 501}, headers=inv).status_code == 422


def test_person_reads_are_audited_with_who_what_where(client, settings):
    client.get(f"/entities/{PERSON}", headers=auth(Role.INVESTIGATOR))
    client.get(f"/entities/{PERSON}/risk", headers=auth(Role.SERVICE))
    lines = audit_lines(settings)
    assert [(x["who"], x["role"], x["route"]) for x in lines] == [
        ("investigator-user", "investigator", "/entities/{entity_id}"),
        ("service-user", "service", "/entities/{entity_id}/risk"),
    ]
    assert all(PERSON in x["subjects"] and x["action"] == "read" and x["client"] and x["at"] for x in lines)


def test_reads_without_people_are_not_audited_and_log_only_grows(client, settings):
    client.get("/entities/search", params={"q": "廿里建材"}, headers=auth(Role.INVESTIGATOR))
    assert audit_lines(settings) == []
    client.get(f"/entities/{FIRM}", headers=auth(Role.INVESTIGATOR))  # its legal rep is a person
    first = audit_lines(settings)
    client.get(f"/entities/{FIRM}/associates", headers=auth(Role.ADMIN))
    assert audit_lines(settings)[: len(first)] == first and len(audit_lines(settings)) == len(first) + 1


def test_denied_reads_write_no_audit_line(client, settings):
    assert client.get(f"/entities/{PERSON}", headers=auth(Role.SERVICE)).status_code == 403
    assert audit_lines(settings) == []


def test_retrain_job_runs_in_background(client, app, settings):
    resp = client.post("/jobs/retrain", headers=auth(Role.ADMIN))
    assert resp.status_code == 202
    job_id = resp.json()["id"]
    for _ in range(100):
        job = client.get(f"/jobs/{job_id}", headers=auth(Role.ADMIN)).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.02)
    assert job["status"] == "succeeded" and job["result"] == {"promoted": False, "reason": "test job"}
    assert job["requested_by"] == "admin-user"
    assert any(x["action"] == "decision" and x.get("job") == "retrain" for x in audit_lines(settings))


def test_failed_job_keeps_its_error(client, app):
    def boom() -> dict:
        raise RuntimeError("no data")

    app.state.retrain_job = boom
    job_id = client.post("/jobs/retrain", headers=auth(Role.ADMIN)).json()["id"]
    job = app.state.jobs.wait(job_id)
    assert job.status == "failed" and "no data" in job.error
    assert client.get("/jobs/nope", headers=auth(Role.ADMIN)).status_code == 404


def test_health_and_readiness(client, app):
    assert client.get("/healthz").json() == {"status": "ok", "detail": None}
    assert client.get("/readyz").json()["status"] == "ready"

    class ClosedStore:  # a store whose database went away: every call raises
        def counts(self) -> dict:
            raise ConnectionError("database unavailable")

    app.dependency_overrides[get_store] = ClosedStore
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.json()["status"] == "unavailable"


def test_store_override_swaps_the_graph(client, app, dataset):
    from graph.store import open_store

    empty = open_store("memory")
    app.dependency_overrides[get_store] = lambda: empty
    assert client.get(f"/entities/{FIRM}", headers=auth(Role.INVESTIGATOR)).status_code == 404
    app.dependency_overrides.clear()
    assert client.get(f"/entities/{FIRM}", headers=auth(Role.INVESTIGATOR)).status_code == 200


def test_metrics_count_routes_by_template(client):
    client.get(f"/entities/{FIRM}/risk", headers=auth(Role.SERVICE))
    client.get(f"/entities/{PERSON}/risk", headers=auth(Role.SERVICE))
    text = client.get("/metrics").text
    line = next(
        x
        for x in text.splitlines()
        if x.startswith("credgraph_http_requests_total") and "/entities/{entity_id}/risk" in x
    )
    assert line.endswith(" 2.0") and 'status="200"' in line
    assert "credgraph_http_request_seconds_bucket" in text


def test_openapi_lists_every_route_with_models(client):
    spec = client.get("/openapi.json").json()
    expected = {
        "/entities/search",
        "/entities/{entity_id}",
        "/entities/{entity_id}/associates",
        "/paths",
        "/entities/{entity_id}/risk",
        "/risk/batch",
        "/resolve",
        "/review/queue",
        "/review/{item_id}/decision",
        "/jobs/retrain",
        "/jobs/{job_id}",
        "/healthz",
        "/readyz",
    }
    assert expected <= set(spec["paths"])
    for path in expected:
        for op in spec["paths"][path].values():
            ok = op["responses"].get("200") or op["responses"].get("202")
            assert "$ref" in str(ok["content"]["application/json"]["schema"]), path
    schemes = spec["components"]["securitySchemes"]
    assert {"APIKeyHeader", "OAuth2PasswordBearer"} <= set(schemes)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_max_results_caps_associates(client, app, depth):
    app.state.settings = app.state.settings.model_copy(update={"max_results": 3})
    body = client.get(
        f"/entities/{PERSON}/associates",
        params={"depth": depth, "limit": 2, "offset": 5},
        headers=auth(Role.INVESTIGATOR),
    ).json()
    assert body["offset"] <= 1  # an offset past max_results is pulled back inside the cap


def test_default_retrain_job_promotes_then_is_idempotent(settings, store, queue, keyring):
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(settings, store=store, queue=queue, keyring=keyring)  # the real retrain job
    with TestClient(app) as c:
        outcomes = []
        for _ in range(2):
            job_id = c.post("/jobs/retrain", headers=auth(Role.ADMIN)).json()["id"]
            app.state.jobs.wait(job_id, timeout=120)
            job = c.get(f"/jobs/{job_id}", headers=auth(Role.ADMIN)).json()
            assert job["status"] == "succeeded", job["error"]
            outcomes.append(job["result"])
    assert outcomes[0]["risk"]["action"] == "promoted" and outcomes[0]["risk"]["candidate_version"]
    assert outcomes[1]["risk"]["action"] == "unchanged"  # same data, config and code: no new version
    assert outcomes[0]["matcher"]["labels"] == 0 and not outcomes[0]["matcher"]["promoted"]
    assert "too few verdicts" in outcomes[0]["matcher"]["reason"]
