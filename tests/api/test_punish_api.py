"""Joint punishment and the regional map through the API and the pages: roles, idempotent issue,
closing by the responsible department, execution rate, the map's numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import FIRM, KEYS, PERSON
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import KeyRing, Role, hash_key
from api.settings import Settings
from graph.region_map import county_code
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource

AS_OF = "2024-12-31"
DEPT_KEY, OTHER_DEPT_KEY = "key-dept-mr", "key-dept-nr"


@pytest.fixture()
def punish_client(settings: Settings, store: Any, tmp_path: Path) -> Iterator[TestClient]:
    store.write_links([Link(LinkSource.CREDIT_RECORDS, "C2", SubjectType.PERSON, PERSON, 0.95,
                            Decision.AUTO_LINK, "尾号0177", "m1")])
    entries = {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    entries[hash_key(DEPT_KEY)] = {"name": "market_regulation", "role": "service"}
    entries[hash_key(OTHER_DEPT_KEY)] = {"name": "natural_resources", "role": "service"}
    s = settings.model_copy(update={"punish_db_url": f"sqlite:///{tmp_path / 'punish.db'}"})
    app = create_app(s, store=store, queue=None, keyring=KeyRing.from_mapping(entries), retrain=lambda: None)
    with TestClient(app) as c:
        yield c


def h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_alerts_roles_and_idempotent_issue(punish_client: TestClient) -> None:
    c = punish_client
    assert c.get("/punish/alerts").status_code == 401
    assert c.get("/punish/alerts", headers=h(KEYS[Role.STEWARD])).status_code == 403
    assert c.get("/punish/alerts", headers=h(DEPT_KEY)).status_code == 403
    got = c.get(f"/punish/alerts?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR])).json()
    by_target = {a["target_id"]: a for a in got["alerts"]}
    assert by_target[PERSON]["relation"] == "listed"
    assert by_target[FIRM]["roles"] == ["legal_rep", "shareholder"]
    assert by_target[FIRM]["document_no"] == "(2023)浙0803执1234号" and "→" in by_target[FIRM]["path"]
    # GET issues nothing; POST issues once
    assert c.get(f"/punish/tasks?as_of={AS_OF}", headers=h(KEYS[Role.ADMIN])).json()["tasks"] == []
    first = c.post(f"/punish/alerts?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR])).json()
    again = c.post(f"/punish/alerts?as_of={AS_OF}", headers=h(KEYS[Role.ADMIN])).json()
    assert first["tasks_new"] > 0 and again["tasks_new"] == 0
    assert again["tasks_total"] == first["tasks_total"] == first["tasks_new"]


def test_departments_see_and_close_their_own_tasks(punish_client: TestClient) -> None:
    c = punish_client
    c.post(f"/punish/alerts?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR]))
    mine = c.get(f"/punish/tasks?as_of={AS_OF}", headers=h(DEPT_KEY)).json()["tasks"]
    assert mine and {t["department"] for t in mine} == {"market_regulation"}
    assert c.get("/punish/tasks?department=natural_resources", headers=h(DEPT_KEY)).status_code == 403
    task = next(t for t in mine if t["target_id"] == FIRM)
    url = f"/punish/tasks/{task['task_id']}/close"
    assert c.post(url, json={"feedback": "x"}, headers=h(OTHER_DEPT_KEY)).status_code == 403
    assert c.post(url, json={"feedback": "x"}, headers=h(KEYS[Role.INVESTIGATOR])).status_code == 403
    done = c.post(url, json={"feedback": "已限制变更登记"}, headers=h(DEPT_KEY))
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["closed_by"]) == ("done", "market_regulation")
    assert c.post(url, json={"feedback": "again"}, headers=h(KEYS[Role.ADMIN])).status_code == 409
    nope = c.post("/punish/tasks/Tnope/close", json={"feedback": "x"}, headers=h(KEYS[Role.ADMIN]))
    assert nope.status_code == 404
    # long after every deadline: the closed task was closed today, i.e. late; the rest are overdue
    rates = c.get("/punish/rates?by=department&as_of=2030-01-01", headers=h(KEYS[Role.INVESTIGATOR])).json()
    mr = next(r for r in rates["rates"] if r["group"] == "market_regulation")
    assert mr["due"] == mr["tasks"] and mr["done_late"] == 1 and mr["done_on_time"] == 0 and mr["rate"] == 0
    districts = c.get("/punish/rates?by=district&as_of=2030-01-01", headers=h(KEYS[Role.ADMIN])).json()
    assert {r["group"] for r in districts["rates"]} >= {"330803", "330802"}


def test_map_numbers_and_region_detail(punish_client: TestClient) -> None:
    c = punish_client
    c.post(f"/punish/alerts?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR]))
    m = c.get(f"/map/regions?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR])).json()
    regions = {r["code"]: r for r in m["regions"]}
    assert len(m["years"]) == len(regions["330803"]["trend"]) and m["years"][-1] == 2024
    qujiang = regions["330803"]
    # 0.71 (FIRM) is above the 0.5 threshold, 0.35 (its subsidiary) is not: one of two scored
    assert (qujiang["scored"], qujiang["high_risk"]) == (2, 1)
    assert qujiang["high_share"] == pytest.approx(0.5)
    assert qujiang["open_tasks"] > 0
    detail = c.get(f"/map/regions/330803?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR])).json()
    assert detail["subjects"][0]["id"] == FIRM and detail["subjects"][0]["risk_score"] == pytest.approx(0.71)
    # the person's tasks sit in 330821 (the retired Qu County code of the ID), drawn on 衢江区
    assert {t["region_code"] for t in detail["tasks"]} == {"330803", "330821"}
    assert {county_code(t["region_code"]) for t in detail["tasks"]} == {"330803"}
    assert c.get("/map/regions", headers=h(KEYS[Role.SERVICE])).status_code == 403


def test_punish_page_closes_a_task_with_feedback(punish_client: TestClient) -> None:
    c = punish_client
    c.post(f"/punish/alerts?as_of={AS_OF}", headers=h(KEYS[Role.INVESTIGATOR]))
    c.post("/ui/login", data={"key": DEPT_KEY})  # the session cookie of the department's key
    page = c.get("/ui/punish")
    assert page.status_code == 200
    assert "market_regulation" in page.text and "natural_resources" not in page.text
    tid = page.text.split('data-task="')[1].split('"')[0]
    out = c.post(f"/ui/punish/tasks/{tid}/close", data={"feedback": "已办结"}, headers={"HX-Request": "true"})
    assert out.status_code == 200 and "已办结" in out.text
    c.post("/ui/login", data={"key": KEYS[Role.STEWARD]})
    assert c.get("/ui/punish").status_code == 403


def test_inspection_feedback_route(punish_client: TestClient) -> None:
    from api.routes.punish import get_rescore
    from graph.model import NodeLabel, RiskScore

    def factory(store: Any, settings: Any, as_of: Any) -> Any:  # a stand-in for the model: flat 0.9
        def rescore(scope: list[tuple[NodeLabel, str]]) -> list[RiskScore]:
            kinds = {NodeLabel.FIRM: SubjectType.FIRM, NodeLabel.PERSON: SubjectType.PERSON}
            return [RiskScore(kinds[lab], key, 0.9, 0.5, 0.4, "stand-in", "") for lab, key in scope]

        return rescore

    punish_client.app.dependency_overrides[get_rescore] = lambda: factory  # type: ignore[attr-defined]
    line = json.dumps({"event_id": "INSP-9", "source": "inspection", "occurred_at": "2025-01-10T09:00:00",
                       "region_code": "330803", "location": "", "category": "双随机抽查",
                       "text": f"对浙江廿里新材料科技有限公司（{FIRM}）检查，责令整改"}, ensure_ascii=False)
    body = {"events_jsonl": line + "\n"}
    assert punish_client.post("/feedback/inspections", json=body, headers=h(DEPT_KEY)).status_code == 403
    r = punish_client.post("/feedback/inspections?as_of=2025-01-10", json=body, headers=h(KEYS[Role.ADMIN]))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["outcomes"] == {"INSP-9": "problem"}
    assert FIRM in {x["subject_id"] for x in out["rescored"]}
    changes = {c["subject_id"]: c for c in out["tier_changes"]}
    assert FIRM not in changes  # 0.71 and 0.9 are both tier D under the default cut points
    jianjun = changes["330821197201050156"]  # its executive, unscored before: a first tier
    assert (jianjun["from_tier"], jianjun["to_tier"], jianjun["event_id"]) == (None, "D", "INSP-9")
