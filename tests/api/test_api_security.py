"""Keys, tokens, the role matrix of every route, and masking of personal identifiers."""

from __future__ import annotations

import json

import pytest
from api_fixtures import FIRM, KEYS, PERSON, PERSON_MASKED, SUB_FIRM, auth

from api.security import KeyRing, Role, hash_key, mask_payload, mask_phone, mask_resident_id, mask_text
from ingest.errors import ConfigError

INV, SVC, STW, ADM = Role.INVESTIGATOR, Role.SERVICE, Role.STEWARD, Role.ADMIN

# (method, url, json body, roles allowed)
ROUTES = [
    ("GET", "/entities/search?q=廿里", None, {INV, ADM}),
    ("GET", f"/entities/{FIRM}", None, {INV, ADM}),
    ("GET", f"/entities/{PERSON}/associates?depth=2", None, {INV, ADM}),
    ("GET", f"/paths?from={PERSON}&to={SUB_FIRM}", None, {INV, ADM}),
    ("GET", f"/entities/{FIRM}/risk", None, {INV, SVC, ADM}),
    ("POST", "/risk/batch", {"ids": [FIRM, PERSON]}, {INV, SVC, ADM}),
    ("GET", "/review/queue", None, {STW, ADM}),
    ("GET", "/jobs/does-not-exist", None, {ADM}),
    ("POST", "/jobs/retrain", None, {ADM}),
]


@pytest.mark.parametrize("method,url,body,allowed", ROUTES, ids=[r[1].split("?")[0] for r in ROUTES])
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_matrix(client, method, url, body, allowed, role):
    resp = client.request(method, url, json=body, headers=auth(role))
    if role in allowed:
        assert resp.status_code in (200, 202, 404), resp.text  # 404 only for the missing job
        assert resp.status_code != 404 or "does-not-exist" in url
    else:
        assert resp.status_code == 403
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert resp.json()["status"] == 403


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer nope.nope"}])
def test_unauthenticated_is_401_problem(client, headers):
    resp = client.get(f"/entities/{FIRM}", headers=headers)
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert "WWW-Authenticate" in resp.headers
    body = resp.json()
    assert body["type"].endswith("/unauthenticated") and body["instance"] == f"/entities/{FIRM}"


def test_bearer_token_roundtrip(client):
    tok = client.post("/auth/token", data={"username": "x", "password": KEYS[Role.SERVICE]})
    assert tok.status_code == 200 and tok.json()["role"] == "service"
    bearer = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    assert client.get(f"/entities/{FIRM}/risk", headers=bearer).status_code == 200
    assert client.get(f"/entities/{FIRM}", headers=bearer).status_code == 403
    tampered = tok.json()["access_token"][:-2] + "00"
    assert (
        client.get(f"/entities/{FIRM}/risk", headers={"Authorization": f"Bearer {tampered}"}).status_code
        == 401
    )
    assert client.post("/auth/token", data={"password": "bad"}).status_code == 401


def test_keyring_files_store_hashes_only(tmp_path):
    spec = {hash_key("s3cret"): {"name": "alice", "role": "steward"}}
    (tmp_path / "keys.json").write_text(json.dumps(spec))
    (tmp_path / "keys.toml").write_text(f'["{hash_key("s3cret")}"]\nname = "alice"\nrole = "steward"\n')
    for name in ("keys.json", "keys.toml"):
        ring = KeyRing.load(tmp_path / name)
        assert ring.by_key("s3cret").role == Role.STEWARD
        assert ring.by_key(hash_key("s3cret")) is None  # the stored hash is not itself a key
    with pytest.raises(ConfigError):
        KeyRing.from_mapping({hash_key("k"): {"name": "x", "role": "superuser"}})
    with pytest.raises(ConfigError):
        KeyRing.from_mapping({"plain-key": {"name": "x", "role": "admin"}})


def test_keyring_from_env(monkeypatch):
    monkeypatch.setenv("CREDGRAPH_API_KEYS", json.dumps({hash_key("e"): {"name": "svc", "role": "service"}}))
    assert KeyRing.load(None).by_key("e").name == "svc"


def test_mask_functions():
    assert mask_resident_id(PERSON) == PERSON_MASKED
    assert mask_phone("13812342345") == "138****2345"
    assert mask_phone("0570-3456789") == "0570-***6789"
    text = f"王建国（{PERSON}）电话13905708888，公司{FIRM}"
    assert mask_text(text) == f"王建国（{PERSON_MASKED}）电话139****8888，公司{FIRM}"
    assert mask_text("330821196911200170") == "330821196911200170"  # bad check digit: not an ID
    nested = mask_payload({"phone": "0570-3888666", "items": [{"id": PERSON, "path": [{"src": PERSON}]}]})
    assert nested == {
        "phone": "0570-***8666",
        "items": [{"id": PERSON_MASKED, "path": [{"src": PERSON_MASKED}]}],
    }


def test_service_sees_person_risk_masked(client):
    resp = client.get(f"/entities/{PERSON}/risk", headers=auth(Role.SERVICE))
    assert resp.status_code == 200
    assert PERSON not in resp.text and "13905708888" not in resp.text
    assert resp.json()["subject_id"] == PERSON_MASKED


def test_investigator_sees_person_unmasked(client):
    resp = client.get(f"/entities/{PERSON}", headers=auth(Role.INVESTIGATOR))
    assert resp.status_code == 200
    assert resp.json()["id"] == PERSON
    assert "13905708888" in resp.text


def test_batch_masked_for_service(client):
    resp = client.post("/risk/batch", json={"ids": [FIRM, PERSON]}, headers=auth(Role.SERVICE))
    ids = {r["subject_id"] for r in resp.json()["results"]}
    assert ids == {FIRM, PERSON_MASKED}


def test_tokens_survive_a_restart_with_a_configured_secret(tmp_path):
    from api.app import create_app
    from api.settings import Settings

    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({hash_key("k1"): {"name": "svc", "role": "service"}}))
    settings = Settings(api_keys_file=keys, api_token_secret="s" * 32, audit_log=tmp_path / "a.jsonl")
    first, second = create_app(settings, store=object()), create_app(settings, store=object())
    token = first.state.keyring.issue_token(first.state.keyring.by_key("k1"))
    assert second.state.keyring.by_token(token).name == "svc"
    other = create_app(settings.model_copy(update={"api_token_secret": None}), store=object())
    assert other.state.keyring.by_token(token) is None


def test_serve_command_is_registered():
    from typer.testing import CliRunner

    from api.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output
