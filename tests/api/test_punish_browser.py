"""The regional e-map and the punishment page in headless Chromium over a live uvicorn (contract
example, memory store, hand-written risk scores, C2 linked to 王建国, tasks issued once).
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import EXAMPLE, KEYS, PERSON, RISK_ROWS
from test_api_browser import ARTIFACTS, _free_port, _login, page  # noqa: F401 - the page fixture

from api.app import create_app
from api.security import KeyRing, Role, hash_key
from api.services import punish as svc
from api.settings import Settings
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource

pytestmark = pytest.mark.browser
DEPT_KEY = "key-dept-mr"


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    uvicorn = pytest.importorskip("uvicorn")
    from graph.store import open_store
    from ingest.dataset import read_dataset

    store = open_store("memory")
    store.load_dataset(read_dataset(EXAMPLE))
    store.write_risk_scores(RISK_ROWS)
    store.write_links([Link(LinkSource.CREDIT_RECORDS, "C2", SubjectType.PERSON, PERSON, 0.95,
                            Decision.AUTO_LINK, "尾号0177", "m1")])
    settings = Settings(audit_log=tmp_path / "audit.jsonl", review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
                        punish_db_url=f"sqlite:///{tmp_path / 'p.db'}")
    svc.issue(store, svc.open_tasks(settings), settings, date.today(), "test")
    entries = {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    entries[hash_key(DEPT_KEY)] = {"name": "market_regulation", "role": "service"}
    app = create_app(settings, store=store, queue=None, keyring=KeyRing.from_mapping(entries))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "settings": settings}
    server.should_exit = True
    thread.join(timeout=10)


def test_investigator_map_colours_counties_and_opens_a_district(live: dict[str, Any], page: Any) -> None:  # noqa: F811
    _login(page, live["url"], Role.INVESTIGATOR, "/ui/investigate")
    page.wait_for_function("(document.querySelector('#region-map') || {dataset: {}}).dataset.ready")
    assert int(page.get_attribute("#region-map", "data-ready")) >= 2  # 衢江区, 柯城区, ... have firms
    # every county of the boundary file is drawn, 衢江区 in a different colour from an empty county
    drawn = page.evaluate(
        """() => { const o = window.credgraphMap.getOption(); const s = o.series[0];
                   return {map: s.map, n: window.credgraphMap.getModel().getSeriesByIndex(0)
                           .getData().count()}; }"""
    )
    assert drawn["map"] == "zhejiang"
    geo = json.loads((Path(svc.BOUNDARIES)).read_text(encoding="utf-8"))
    assert len(geo["features"]) == 89 and {f["id"][:4] for f in geo["features"]} >= {"3301", "3308", "3311"}
    colours = page.evaluate(
        """(codes) => { const d = window.credgraphMap.getModel().getSeriesByIndex(0).getData();
                        return codes.map(c => { const i = d.indexOfName(c);
                          return i < 0 ? null : d.getItemVisual(i, 'style').fill; }); }""",
        ["330803", "330127"],
    )
    assert colours[0] and colours[0] != colours[1]
    page.screenshot(path=str(ARTIFACTS / "investigator_map.png"), full_page=True)
    qujiang = next(f for f in geo["features"] if f["id"] == "330803")
    box = page.evaluate(
        """(cp) => { const p = window.credgraphMap.convertToPixel({seriesIndex: 0}, cp);
                     const r = document.querySelector('#region-map').getBoundingClientRect();
                     return {x: r.left + p[0], y: r.top + p[1]}; }""",
        qujiang["properties"]["cp"],
    )
    page.mouse.click(box["x"], box["y"])
    page.wait_for_selector("#region-subjects li")
    subjects = page.locator("#region-subjects li").all_inner_texts()
    assert "浙江廿里新材料科技有限公司" in subjects[0] and "0.71" in subjects[0]
    assert page.locator("#region-tasks li").count() > 0
    page.screenshot(path=str(ARTIFACTS / "investigator_map_district.png"), full_page=True)


def test_department_closes_a_task_on_the_page(live: dict[str, Any], page: Any) -> None:  # noqa: F811
    page.goto(f"{live['url']}/ui/login?next=/ui/punish")
    page.fill("#key", DEPT_KEY)
    page.click("#login")
    page.wait_for_url(f"{live['url']}/ui/punish*")
    row = page.locator("tr.task", has=page.locator("form.close")).first
    tid = row.get_attribute("data-task")
    row.locator("input[name=feedback]").fill("已暂停其变更登记")
    row.locator("button").click()
    page.wait_for_selector(f"tr[data-task='{tid}'] .st.done")
    assert "已暂停其变更登记" in page.inner_text(f"tr[data-task='{tid}']")
    page.screenshot(path=str(ARTIFACTS / "department_punish.png"), full_page=True)


def test_investigator_runs_alerts_from_the_page(live: dict[str, Any], page: Any) -> None:  # noqa: F811
    _login(page, live["url"], Role.INVESTIGATOR, "/ui/punish")
    page.click("#run-alerts")
    page.wait_for_selector("#issued")
    assert "0 new task(s)" in page.inner_text("#issued")  # the fixture issued them already
    assert page.locator("#rates-district tbody tr").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "investigator_punish.png"), full_page=True)
