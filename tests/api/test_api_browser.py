"""End to end in headless Chromium: the steward and investigator pages over a live uvicorn.

The app runs in a thread on 127.0.0.1 over the contract example (memory store, real SQLite queue);
Debian's chromium is driven by Playwright. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import EXAMPLE, FIRM, KEYS, PERSON, RISK_ROWS, audit_lines, fill_queue

from api.app import create_app
from api.security import KeyRing, Role, hash_key
from api.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A uvicorn server in a thread; yields its base URL, settings and queue."""
    uvicorn = pytest.importorskip("uvicorn")
    from graph.store import open_store
    from ingest.dataset import read_dataset
    from resolution.review_queue import ReviewQueue

    ds = read_dataset(EXAMPLE)
    store = open_store("memory")
    store.load_dataset(ds)
    store.write_risk_scores(RISK_ROWS)
    settings = Settings(audit_log=tmp_path / "audit.jsonl", review_db_url=f"sqlite:///{tmp_path / 'q.db'}")
    queue = ReviewQueue(settings.review_db_url)
    fill_queue(queue, ds)
    ring = KeyRing.from_mapping(
        {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    )
    app = create_app(settings, store=store, queue=queue, keyring=ring)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "settings": settings, "queue": queue}
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def page() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 900})
        pg.set_default_timeout(15_000)
        yield pg
        browser.close()


def _login(page: Any, url: str, role: Role, target: str) -> None:
    page.goto(f"{url}/ui/login?next={target}")
    page.fill("#key", KEYS[role])
    page.click("#login")
    page.wait_for_url(f"{url}{target}*")


def test_steward_decides_an_item_with_the_keyboard(live: dict[str, Any], page: Any) -> None:
    _login(page, live["url"], Role.STEWARD, "/ui/review")
    assert page.inner_text("#pending-count") == "2"
    first = page.get_attribute("#item", "data-item")
    mention = page.inner_text("#mention")
    assert "****" in mention  # the phone mention is highlighted, masked for a steward
    page.screenshot(path=str(ARTIFACTS / "steward_review_before.png"), full_page=True)

    page.fill("#comment", "the number is the shop's, not his")
    page.locator("#comment").blur()
    page.keyboard.press("n")
    page.wait_for_function("document.querySelector('#pending-count').textContent === '1'")
    assert page.get_attribute("#item", "data-item") != first
    page.screenshot(path=str(ARTIFACTS / "steward_review_after.png"), full_page=True)

    assert [i.item_id for i in live["queue"].pending()] != [int(first)]
    assert int(first) not in [i.item_id for i in live["queue"].pending()]
    decision = live["queue"].decisions()[-1]
    assert (decision.verdict.value, decision.who) == ("no_match", "steward-user")
    assert decision.comment == "the number is the shop's, not his"
    lines = [x for x in audit_lines(live["settings"]) if x["action"] == "decision"]
    assert lines and lines[-1]["item_id"] == first and lines[-1]["who"] == "steward-user"

    page.keyboard.press("m")
    page.wait_for_selector("#empty")
    assert page.inner_text("#pending-count") == "0"


def test_investigator_opens_a_subject_and_expands_its_graph(live: dict[str, Any], page: Any) -> None:
    _login(page, live["url"], Role.INVESTIGATOR, "/ui/investigate")
    page.fill("#q", "廿里新材料")
    page.wait_for_selector(f".hit[data-id='{FIRM}']")
    page.click(f".hit[data-id='{FIRM}']")
    page.wait_for_selector("#risk-card")
    assert page.inner_text("#risk-score") == "0.71"
    reasons = page.inner_text("#reasons")
    assert "衢环罚〔2024〕15号" in reasons and "grounded" in reasons and "soft signal" in reasons
    assert "王建国" in reasons  # the related party named, with its role path
    page.wait_for_selector("#associates li.associate")
    associates = page.locator("#associates li.associate").all_inner_texts()
    assert any("王建国" in a and "legal_rep" in a for a in associates)
    page.wait_for_function("document.querySelector('#graph').dataset.expanded === '1'")
    before = int(page.get_attribute("#graph", "data-nodes"))
    page.screenshot(path=str(ARTIFACTS / "investigator_subject.png"), full_page=True)

    # click the legal representative's node: its own firms join the drawing
    box = page.evaluate(
        """(id) => { const n = window.credgraphCy.getElementById(id); const p = n.renderedPosition();
                     const r = document.querySelector('#graph').getBoundingClientRect();
                     return {x: r.left + p.x, y: r.top + p.y}; }""",
        PERSON,
    )
    page.mouse.click(box["x"], box["y"])
    page.wait_for_function("document.querySelector('#graph').dataset.expanded === '2'")
    assert int(page.get_attribute("#graph", "data-nodes")) > before
    page.screenshot(path=str(ARTIFACTS / "investigator_expanded.png"), full_page=True)
    reads = [x for x in audit_lines(live["settings"]) if x["action"] == "read"]
    assert any(PERSON in x["subjects"] and x["who"] == "investigator-user" for x in reads)


def test_pages_require_login_and_the_right_role(live: dict[str, Any], page: Any) -> None:
    page.goto(f"{live['url']}/ui/review")
    assert "/ui/login" in page.url
    _login(page, live["url"], Role.SERVICE, "/ui/investigate")
    assert "Not for your role" in page.content()
