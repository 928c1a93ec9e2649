"""Credit tiers on the investigator page in headless Chromium over a live uvicorn (contract example,
memory store, hand-written scores, two recorded runs in which 宏达物流 falls from C to D): the
distribution panel with its ECharts bars and key-supervision list, and the subject panel's tier badge,
breakdown and history, reached through the search (an htmx swap). Screenshots go to tests/artifacts/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import EXAMPLE, KEYS, RISK_ROWS
from test_api_browser import ARTIFACTS, _free_port, _login, page  # noqa: F401 - the page fixture

from api.app import create_app
from api.security import KeyRing, Role, hash_key
from api.services import tiers as svc
from api.settings import Settings
from graph.model import RiskScore
from ingest.records import SubjectType

pytestmark = pytest.mark.browser
HONGDA = "91330802MA2D00053R"
MORE = {"92330803MA2D00010P": 0.01, "91330803MA2D00029P": 0.05, HONGDA: 0.12}


def _firm(key: str, score: float) -> RiskScore:
    return RiskScore(SubjectType.FIRM, key, score, score, 0.0, "m", "")


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    uvicorn = pytest.importorskip("uvicorn")
    from graph.store import open_store
    from ingest.dataset import read_dataset

    store = open_store("memory")
    store.load_dataset(read_dataset(EXAMPLE))
    store.write_risk_scores([*RISK_ROWS, *(_firm(k, v) for k, v in MORE.items())])
    settings = Settings(audit_log=tmp_path / "audit.jsonl", review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
                        punish_db_url=f"sqlite:///{tmp_path / 'p.db'}")
    history = svc.TierHistory(settings)
    svc.record(store, settings, history, date(2024, 6, 30), "run", "r1")
    fallen = RiskScore(SubjectType.FIRM, HONGDA, 0.4, 0.3, 0.1, "m", RISK_ROWS[0].top_reasons)
    store.write_risk_scores([fallen])
    svc.record(store, settings, history, date(2024, 12, 31), "run", "r2")
    keyring = KeyRing.from_mapping({hash_key(k): {"name": f"{r.value}-user", "role": r.value}
                                    for r, k in KEYS.items()})
    app = create_app(settings, store=store, queue=None, keyring=keyring)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}"}
    server.should_exit = True
    thread.join(timeout=10)


def test_tier_panel_draws_the_mix_and_lists_the_declined(live: dict[str, Any], page: Any) -> None:  # noqa: F811
    _login(page, live["url"], Role.INVESTIGATOR, "/ui/investigate")
    page.wait_for_function("(document.querySelector('#tier-chart') || {dataset: {}}).dataset.ready")
    assert page.get_attribute("#tier-chart", "data-ready") == "6"
    bars = page.evaluate(
        """() => { const d = window.credgraphTiers.getModel().getSeriesByIndex(0).getData();
                   return [0, 1, 2, 3].map(i => [d.getName(i), d.get(d.mapDimension('y'), i)]); }"""
    )
    # A: 0.01; B: 0.05; C: none left; D: 0.71, 0.64, 0.35, 0.40
    assert bars == [["A", 1], ["B", 1], ["C", 0], ["D", 4]]
    assert page.inner_text("#tier-mix tr[data-tier='D'] td:nth-child(2)") == "4"
    declined = page.locator("#tier-declined li").all_inner_texts()
    assert len(declined) == 1 and "衢州宏达物流有限公司" in declined[0] and "C → D" in declined[0]
    page.screenshot(path=str(ARTIFACTS / "investigator_tiers.png"), full_page=True)


def test_subject_panel_shows_tier_breakdown_and_history(live: dict[str, Any], page: Any) -> None:  # noqa: F811
    _login(page, live["url"], Role.INVESTIGATOR, "/ui/investigate")
    page.fill("#q", "宏达物流")
    page.wait_for_selector(f".hit[data-id='{HONGDA}']")
    page.click(f".hit[data-id='{HONGDA}']")
    page.wait_for_selector("#tier-badge")
    assert page.inner_text("#tier-badge") == "D"
    assert page.locator("#tier-breakdown tr").count() == 4
    # own admin penalty 0.4 + inspection event 0.05 are compliance; the legal rep 0.2 a related party
    num = "#tier-breakdown tr[data-dimension='{}'] td.num"
    assert page.inner_text(num.format("compliance")) == "0.450"
    assert page.inner_text(num.format("related_parties")) == "0.200"
    history = page.locator("#tier-history tbody tr").all_inner_texts()
    assert len(history) == 2 and "2024-12-31" in history[0] and "C → D" in history[0]
    assert "衢环罚〔2024〕15号" in history[0] and "2024-06-30" in history[1]
    page.screenshot(path=str(ARTIFACTS / "investigator_subject_tier.png"), full_page=True)
    # a subject reached by its address directly gets the same part
    page.goto(f"{live['url']}/ui/investigate?id=92330803MA2D00010P")
    page.wait_for_selector("#tier-badge")
    assert page.inner_text("#tier-badge") == "A"
    assert "No tier change" not in page.inner_text("#tier-history")
