"""The pages' session cookie (signed, HttpOnly, SameSite=Lax, Secure over https, expiring, never the
key) and the rate limit on the routes that check keys (POST /auth/token, the login form)."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import pytest
from api_fixtures import FIRM, KEYS, PERSON, auth
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import COOKIE_NAME
from api.limits import TokenBucket
from api.security import KeyRing, Principal, Role, hash_key


def _login(client: TestClient, role: Role) -> Any:
    form = {"key": KEYS[role], "next": "/ui/investigate"}
    return client.post("/ui/login", data=form, follow_redirects=False)


def _attrs(resp: Any) -> dict[str, Any]:
    jar = SimpleCookie()
    jar.load(resp.headers["set-cookie"])
    morsel = jar[COOKIE_NAME]
    flags = ("httponly", "samesite", "secure", "max-age", "path")
    return {"value": morsel.value, **{k: morsel[k] for k in flags}}


def test_login_sets_a_signed_expiring_session_not_the_key(client: TestClient, settings) -> None:  # noqa: ANN001
    resp = _login(client, Role.INVESTIGATOR)
    assert resp.status_code == 303 and resp.headers["location"] == "/ui/investigate"
    c = _attrs(resp)
    assert KEYS[Role.INVESTIGATOR] not in resp.headers["set-cookie"]
    assert hash_key(KEYS[Role.INVESTIGATOR]) not in c["value"]
    assert c["httponly"] is True and c["samesite"].lower() == "lax" and c["path"] == "/"
    assert int(c["max-age"]) == settings.session_ttl_s == 8 * 3600
    assert not c["secure"]  # plain http (tests, loopback): a Secure cookie would never come back
    # the session opens the pages and the JSON routes of its role
    page = client.get(f"/ui/investigate?id={PERSON}")
    assert page.status_code == 200 and "王建国" in page.text
    assert client.get(f"/entities/{FIRM}").status_code == 200
    assert client.get("/review/queue").status_code == 403


def test_secure_over_https(app: Any) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        assert _attrs(_login(c, Role.STEWARD))["secure"] is True


def test_forged_old_and_expired_sessions_are_refused(client: TestClient, app: Any) -> None:
    keyring: KeyRing = app.state.keyring
    inv = Principal("investigator-user", Role.INVESTIGATOR)
    good = keyring.issue_session(inv, KEYS[Role.INVESTIGATOR], 60)
    bad = {
        "raw key (the old cookie)": KEYS[Role.INVESTIGATOR],
        "tampered": good[:-2] + ("00" if not good.endswith("00") else "11"),
        "expired": keyring.issue_session(inv, KEYS[Role.INVESTIGATOR], -1),
        "a bearer token": keyring.issue_token(inv, 60),
        "another server's secret": KeyRing({}, b"x" * 32).issue_session(inv, KEYS[Role.INVESTIGATOR], 60),
        "a role the key does not have": keyring.issue_session(
            Principal("investigator-user", Role.ADMIN), KEYS[Role.INVESTIGATOR], 60),
    }
    for why, cookie in bad.items():
        client.cookies.set(COOKIE_NAME, cookie)
        page = client.get("/ui/investigate", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/ui/login"), why
        assert client.get(f"/entities/{FIRM}").status_code == 401, why
    client.cookies.set(COOKIE_NAME, good)
    assert client.get("/ui/investigate", follow_redirects=False).status_code == 200
    # a session is not a bearer token either
    client.cookies.clear()
    assert client.get(f"/entities/{FIRM}", headers={"Authorization": f"Bearer {good}"}).status_code == 401


def test_a_revoked_key_ends_its_sessions() -> None:
    secret = b"s" * 32
    entries = {hash_key(KEYS[r]): {"name": f"{r.value}-user", "role": r.value} for r in Role}
    before = KeyRing.from_mapping(entries, secret)
    cookie = before.issue_session(Principal("steward-user", Role.STEWARD), KEYS[Role.STEWARD], 600)
    assert before.by_session(cookie) == Principal("steward-user", Role.STEWARD)
    del entries[hash_key(KEYS[Role.STEWARD])]
    assert KeyRing.from_mapping(entries, secret).by_session(cookie) is None  # restarted without the key


def test_logout_clears_the_session(client: TestClient) -> None:
    _login(client, Role.INVESTIGATOR)
    assert client.get("/ui/investigate", follow_redirects=False).status_code == 200
    out = client.post("/ui/logout", follow_redirects=False)
    assert out.status_code == 303 and COOKIE_NAME in out.headers["set-cookie"]
    assert client.get("/ui/investigate", follow_redirects=False).status_code == 303


@pytest.fixture()
def limited(settings, store, queue, keyring) -> Any:  # noqa: ANN001
    s = settings.model_copy(update={"auth_burst": 3, "auth_per_minute": 6.0})
    with TestClient(create_app(s, store=store, queue=queue, keyring=keyring)) as c:
        yield c


def test_token_endpoint_is_rate_limited(limited: TestClient) -> None:
    attempts = [limited.post("/auth/token", data={"password": f"guess-{i}"}).status_code for i in range(3)]
    assert attempts == [401, 401, 401]
    over = limited.post("/auth/token", data={"password": KEYS[Role.ADMIN]})  # even the right key waits
    assert over.status_code == 429
    assert over.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(over.headers["retry-after"]) <= 10  # one token back in 60/6 = 10 s
    assert over.json()["status"] == 429
    # other routes are not limited by it
    assert limited.get(f"/entities/{FIRM}", headers=auth(Role.INVESTIGATOR)).status_code == 200


def test_login_form_is_rate_limited(limited: TestClient) -> None:
    for _ in range(3):
        assert limited.post("/ui/login", data={"key": "guess"}).status_code == 401
    page = limited.post("/ui/login", data={"key": KEYS[Role.STEWARD]}, follow_redirects=False)
    assert page.status_code == 429 and "Too many attempts" in page.text
    assert int(page.headers["retry-after"]) >= 1
    assert COOKIE_NAME not in page.headers.get("set-cookie", "")
    # the token endpoint shares the address's bucket
    assert limited.post("/auth/token", data={"password": KEYS[Role.ADMIN]}).status_code == 429


def test_token_bucket_refills_and_keeps_clients_apart() -> None:
    b = TokenBucket(per_minute=60, burst=2)
    assert [b.take("a", now=0.0), b.take("a", now=0.0)] == [0.0, 0.0]
    assert b.take("a", now=0.0) == pytest.approx(1.0)  # one a second
    assert b.take("b", now=0.0) == 0.0  # another address has its own bucket
    assert b.take("a", now=0.5) == pytest.approx(0.5)
    assert b.take("a", now=1.5) == 0.0
    small = TokenBucket(per_minute=60, burst=1, max_clients=10)
    for i in range(50):
        small.take(f"c{i}", now=float(i) * 2)
    assert len(small._buckets) <= 11  # refilled buckets are pruned
