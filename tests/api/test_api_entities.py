"""Search, profiles, associates with depth and role limits, paths; pagination and problem+json."""

from __future__ import annotations

import pytest
from api_fixtures import FIRM, PERSON, SUB_FIRM, auth

from api.security import Role

INV = auth(Role.INVESTIGATOR)


@pytest.mark.parametrize(
    "q,expected",
    [
        ("浙江廿里新材料科技有限公司", FIRM),  # registered name
        ("廿里新材料", FIRM),  # short name / alias
        (FIRM, FIRM),  # code
        ("王建国", PERSON),
    ],
)
def test_search_puts_the_subject_first(client, q, expected):
    resp = client.get("/entities/search", params={"q": q}, headers=INV)
    assert resp.status_code == 200, resp.text
    assert resp.json()["items"][0]["id"] == expected


def test_search_finds_homonyms_and_pages(client):
    first = client.get("/entities/search", params={"q": "张伟", "limit": 1}, headers=INV).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    second = client.get("/entities/search", params={"q": "张伟", "limit": 1, "offset": 1}, headers=INV).json()
    assert second["items"][0]["id"] != first["items"][0]["id"]
    assert {first["items"][0]["name"], second["items"][0]["name"]} == {"张伟"}


@pytest.mark.parametrize(
    "params", [{"q": ""}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101}, {"q": "x" * 101}]
)
def test_search_limits_are_problems(client, params):
    resp = client.get("/entities/search", params=params, headers=INV)
    assert resp.status_code == 422
    body = resp.json()
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert body["status"] == 422 and body["errors"] and "title" in body and "type" in body


def test_profile_detects_firm_and_person(client):
    firm = client.get(f"/entities/{FIRM}", headers=INV).json()
    assert firm["type"] == "firm" and firm["name"] == "浙江廿里新材料科技有限公司"
    assert {(r["role"], r["other"]["id"]) for r in firm["roles"]} >= {
        ("legal_rep", PERSON),
        ("shareholder", SUB_FIRM),
    }
    c3 = next(r for r in firm["records"] if r["record_id"] == "C3")
    assert c3["grounded"] is True and c3["document_no"] == "衢环罚〔2024〕15号"
    person = client.get(f"/entities/{PERSON.lower()}", headers=INV).json()  # case and spaces tolerated
    assert person["type"] == "person" and person["name"] == "王建国"
    assert any(r["direction"] == "out" and r["other"]["id"] == FIRM for r in person["roles"])


def test_unknown_entity_is_404_problem(client):
    resp = client.get("/entities/91330803MA2D0009XX", headers=INV)
    assert resp.status_code == 404
    assert resp.json()["type"].endswith("/not-found")


def test_associates_depth_grows_and_paths_chain(client):
    one = client.get(f"/entities/{PERSON}/associates", params={"depth": 1}, headers=INV).json()["items"]
    two = client.get(f"/entities/{PERSON}/associates", params={"depth": 2, "limit": 100}, headers=INV).json()[
        "items"
    ]
    assert {a["id"] for a in one} < {a["id"] for a in two}
    for a in two:
        assert len(a["path"]) == a["depth"] <= 2
        ends = {a["path"][0]["src"], a["path"][0]["dst"]}
        assert PERSON in ends
        last = a["path"][-1]
        assert a["id"] in (last["src"], last["dst"])


@pytest.mark.parametrize("depth", [0, 4, -1])
def test_associates_depth_is_bounded(client, depth):
    resp = client.get(f"/entities/{PERSON}/associates", params={"depth": depth}, headers=INV)
    assert resp.status_code == 422 and resp.json()["errors"][0]["loc"][-1] == "depth"


def test_associates_role_filter_and_pages(client):
    only = client.get(f"/entities/{PERSON}/associates", params={"roles": "shareholder"}, headers=INV).json()
    assert only["items"] and all(a["path"][0]["rel"] == "SHAREHOLDER" for a in only["items"])
    page1 = client.get(f"/entities/{PERSON}/associates", params={"depth": 2, "limit": 2}, headers=INV).json()
    page2 = client.get(
        f"/entities/{PERSON}/associates", params={"depth": 2, "limit": 2, "offset": 2}, headers=INV
    ).json()
    assert len(page1["items"]) == 2 and page1["next_offset"] == 2
    assert not {a["id"] for a in page1["items"]} & {a["id"] for a in page2["items"]}
    bad = client.get(f"/entities/{PERSON}/associates", params={"roles": "friend"}, headers=INV)
    assert bad.status_code == 422


def test_associates_with_risk(client):
    items = client.get(f"/entities/{PERSON}/associates", params={"with_risk": True}, headers=INV).json()[
        "items"
    ]
    assert next(a for a in items if a["id"] == FIRM)["risk"] == pytest.approx(0.71)


def test_paths_between_subjects(client):
    resp = client.get(
        "/paths", params={"from": "330821197803120318", "to": "330821198107020422"}, headers=INV
    )
    paths = resp.json()["paths"]
    assert paths and paths[0]["length"] == 2
    assert {s["dst"] for s in paths[0]["steps"]} == {"91330803MA2D00029P"}
    assert (
        client.get("/paths", params={"from": PERSON, "to": FIRM, "max_depth": 7}, headers=INV).status_code
        == 422
    )


@pytest.mark.parametrize(
    "q,expected",
    [
        ("杜泽食品公司", "91330803MA2D00029P"),  # not a substring of any name: found by fuzzy windows
        ("衢州宏達物流", "91330802MA2D00053R"),  # traditional characters
        ("９１３３０８０３ＭＡ２Ｄ０００３７Ｊ", FIRM),  # a full-width code
    ],
)
def test_search_tolerates_how_people_type(client, q, expected):
    items = client.get("/entities/search", params={"q": q}, headers=INV).json()["items"]
    assert items[0]["id"] == expected


def test_full_width_id_in_path(client):
    resp = client.get("/entities/９１３３０８０３ＭＡ２Ｄ０００３７Ｊ", headers=INV)
    assert resp.status_code == 200 and resp.json()["id"] == FIRM


def test_profile_lists_shared_contacts(client):
    # 廿里新材料 and 廿里建材 share an address and a landline; 宏达物流 uses 王建国's mobile
    firm = client.get(f"/entities/{FIRM}", headers=INV).json()
    assert {(c["via"], c["other"]["id"]) for c in firm["shared_contacts"]} >= {
        ("address", SUB_FIRM),
        ("phone", SUB_FIRM),
    }
    person = client.get(f"/entities/{PERSON}", headers=INV).json()
    assert ("phone", "91330802MA2D00053R") in {
        (c["via"], c["other"]["id"]) for c in person["shared_contacts"]
    }
    masked = client.get(f"/entities/{PERSON}/risk", headers=auth(Role.SERVICE)).text
    assert "13905708888" not in masked
