"""The HTTP edge under bad input: every error is problem+json, bodies and batches are bounded,
`/` and HEAD lead somewhere, landlines in free text are masked, broken key config reads clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_fixtures import FIRM, PERSON, auth
from fastapi.testclient import TestClient

from api.security import KeyRing, Role, mask_payload, mask_text
from api.settings import Settings
from ingest.errors import ConfigError

PROBLEM = "application/problem+json"


def test_an_unexpected_exception_is_problem_json_without_its_detail(app, monkeypatch) -> None:
    from api.services import risk as risk_svc

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals: 330821196911200177")

    monkeypatch.setattr(risk_svc, "risk_of", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        resp = client.get(f"/entities/{FIRM}/risk", headers=auth(Role.INVESTIGATOR))
    assert resp.status_code == 500
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    assert body["status"] == 500 and body["type"].endswith("/internal")
    assert "secret" not in resp.text and "330821" not in resp.text


@pytest.mark.parametrize(
    ("ids", "ok"),
    [
        ([FIRM] * 100, True),
        ([FIRM] * 101, False),
        (["9" * 40], True),
        (["9" * 41], False),
        ([""], False),
    ],
)
def test_risk_batch_is_bounded_in_count_and_id_length(client, ids: list[str], ok: bool) -> None:
    resp = client.post("/risk/batch", json={"ids": ids}, headers=auth(Role.INVESTIGATOR))
    assert resp.status_code == (200 if ok else 422), resp.text
    if not ok:
        assert resp.headers["content-type"].startswith(PROBLEM)


def test_a_body_over_the_limit_is_refused_before_it_is_read(settings, store, queue, keyring) -> None:
    from api.app import create_app

    small = settings.model_copy(update={"max_body_bytes": 2_000})
    with TestClient(create_app(small, store=store, queue=queue, keyring=keyring)) as client:
        ok = client.post("/risk/batch", json={"ids": [FIRM, PERSON]}, headers=auth(Role.INVESTIGATOR))
        big = client.post("/risk/batch", json={"ids": [FIRM] * 200}, headers=auth(Role.INVESTIGATOR))

        def chunks():  # no Content-Length: the limit is counted as the body arrives
            for _ in range(10):
                yield b" " * 500

        headers = {**auth(Role.INVESTIGATOR), "content-type": "application/json"}
        streamed = client.post("/resolve", content=chunks(), headers=headers)
    assert ok.status_code == 200
    for resp in (big, streamed):
        assert resp.status_code == 413, resp.text
        assert resp.headers["content-type"].startswith(PROBLEM)
        assert resp.json()["status"] == 413 and "2,000 bytes" in resp.json()["detail"]


def test_the_root_leads_to_the_pages_and_head_works(client) -> None:
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/ui/"
    for url in ("/ui/", "/ui/login", "/healthz"):
        get, head = client.get(url, follow_redirects=False), client.head(url, follow_redirects=False)
        assert head.status_code == get.status_code != 405, url
        assert head.content == b""
    assert client.head("/", follow_redirects=False).status_code == 307


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("店主电话0570-3456789，已整改", "店主电话0570-***6789，已整改"),
        ("（0570）3456789", "（0570）***6789"),
        ("0571 88123456转801", "0571 ****3456转801"),
        ("电话：０５７０－３４５６７８９", "电话：０５７０－＊＊＊６７８９".replace("＊", "*")),
        ("罚款5000元，2024-05-06", "罚款5000元，2024-05-06"),
        ("91330803MA2D00037J", "91330803MA2D00037J"),
    ],
)
def test_landlines_in_free_text_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_the_service_role_sees_landlines_in_text_masked(client, app, monkeypatch) -> None:
    from api.services import risk as risk_svc

    real = risk_svc.risk_of

    def with_text(store, entity_id, **kw):  # a reason quoting an event that names a landline
        out = real(store, entity_id, **kw)
        out.reasons[0].text = "12345热线：来电人0570-3456789反映噪音"
        return out

    monkeypatch.setattr(risk_svc, "risk_of", with_text)
    svc = client.get(f"/entities/{FIRM}/risk", headers=auth(Role.SERVICE)).json()
    inv = client.get(f"/entities/{FIRM}/risk", headers=auth(Role.INVESTIGATOR)).json()
    assert "0570-***6789" in svc["reasons"][0]["text"] and "3456789" not in json.dumps(svc)
    assert "0570-3456789" in inv["reasons"][0]["text"]
    assert mask_payload({"summary": "0570-3456789"}) == {"summary": "0570-***6789"}


@pytest.mark.parametrize("raw", ['["abc", "def"]', '"a string"', "42"])
def test_a_keys_value_that_is_not_an_object_is_a_clear_config_error(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("CREDGRAPH_API_KEYS", raw)
    with pytest.raises(ConfigError) as info:
        KeyRing.load(None)
    assert "CREDGRAPH_API_KEYS must be a JSON object" in str(info.value)
    assert "credgraph keys create" in str(info.value)


def test_a_keys_file_that_is_a_list_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('[{"name": "alice"}]', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"keys\.json must be a JSON object .* not a list"):
        KeyRing.load(path)


def test_the_neo4j_password_has_no_default_and_is_secret(monkeypatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("CREDGRAPH_NEO4J_PASSWORD", raising=False)
    assert Settings().neo4j_password is None  # the memory graph needs none
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD is not set"):
        _ = Settings(graph_uri="bolt://127.0.0.1:7687").neo4j_password
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    settings = Settings(graph_uri="bolt://127.0.0.1:7687")
    assert settings.neo4j_password == "s3cret-pw"
    assert "s3cret-pw" not in repr(settings) and "s3cret-pw" not in str(settings.model_dump())


def test_run_on_neo4j_without_a_password_says_so_without_a_traceback(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("CREDGRAPH_NEO4J_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    example = Path(__file__).resolve().parents[2] / "examples" / "contract-example"
    result = CliRunner().invoke(app, ["run", str(example), "--out", "out", "--graph", "bolt://127.0.0.1:1"])
    assert result.exit_code == 2, result.output
    assert "NEO4J_PASSWORD is not set" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证号 330821 19780312 0318，在路边摆摊", "身份证号 330821 ******** 0318，在路边摆摊"),
        ("当事人（身份证号330821780312031）", "当事人（身份证号330821*****2031）"),  # an old 15-digit ID
        ("电话138 5701 2345", "电话138 **** 2345"),
        ("他手机幺三八五七零幺二三四五", "他手机幺三八****二三四五"),  # as voice-to-text writes it
        ("电话3456789", "电话***6789"),  # a landline without its area code
    ],
)
def test_ids_and_phones_the_resolver_reads_in_any_form_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked
