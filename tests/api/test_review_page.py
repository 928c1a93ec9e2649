"""The steward page in headless Chromium: the whole record with every competing candidate side by
side, keys m / n / u / j (next) / z (undo), a visible confirmation, progress today, and a match
that shows in the graph at once (the store's links, not only the queue)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import EXAMPLE, KEYS, RISK_ROWS

from api.app import create_app
from api.security import KeyRing, Role, hash_key
from api.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
GONGSI = "91330803MA2D00029P"  # 衢州杜泽食品有限公司
XIAOCHI = "92330803MA2D00010P"  # 衢州市衢江区杜泽老街小吃店


def _ev(name: str, score: float, level: str) -> str:
    return f'mention "杜泽老街" ~ {name}; address: {level} +1.5; region: same district +1.8; prior → {score}'


ITEMS = [  # one record, one mention, two competing firms; a second record
    {"source": "events", "record_id": "E2", "entity_type": "firm", "entity_id": XIAOCHI, "score": 0.55,
     "mention": '"杜泽老街"', "candidate_name": "衢州市衢江区杜泽老街小吃店",
     "evidence": _ev("衢州市衢江区杜泽老街小吃店", 0.55, "road")},
    {"source": "events", "record_id": "E2", "entity_type": "firm", "entity_id": GONGSI, "score": 0.3,
     "mention": '"杜泽老街"', "candidate_name": "衢州杜泽食品有限公司",
     "evidence": _ev("衢州杜泽食品有限公司", 0.3, "town")},
    {"source": "events", "record_id": "E3", "entity_type": "firm", "entity_id": "91330803MA2D00045D",
     "score": 0.35, "mention": '"廿里建材"', "candidate_name": "廿里建材",
     "evidence": 'mention "廿里建材" ~ 廿里建材; name: trade/short name or core +3.0; prior -1.0 → 0.35'},
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    uvicorn = pytest.importorskip("uvicorn")
    from graph.store import open_store
    from ingest.dataset import read_dataset
    from resolution.review_queue import ReviewQueue

    ds = read_dataset(EXAMPLE)
    store = open_store("memory")
    store.load_dataset(ds)
    store.write_risk_scores(RISK_ROWS)
    settings = Settings(audit_log=tmp_path / "audit.jsonl", review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
                        model_dir=tmp_path / "models")
    queue = ReviewQueue(settings.review_db_url)
    texts = {e.event_id: e.raw_text for e in ds.events}
    queue.enqueue([{**it, "record_text": texts[str(it["record_id"])]} for it in ITEMS])
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
    yield {"url": f"http://127.0.0.1:{port}", "queue": queue, "store": store}
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
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(15_000)
        yield pg
        browser.close()


def _mentions(store: Any, event_id: str) -> set[tuple[str, str]]:
    from graph.model import RelType

    df = store.export_tables().edges[RelType.MENTIONS]
    df = df[df["src"] == event_id]
    return {(str(r["dst"]), str(r["decision"])) for r in df.to_dict("records")}


def test_steward_sees_competitors_confirms_undoes_and_skips(live: dict[str, Any], page: Any) -> None:
    url = live["url"]
    page.goto(f"{url}/ui/login?next=/ui/review")
    page.fill("#key", KEYS[Role.STEWARD])
    page.click("#login")
    page.wait_for_url(f"{url}/ui/review*")
    assert page.inner_text("#progress") == "0 of 3 today"
    # the most informative item first: E2's candidate at 0.55, with its competitor for the mention beside it
    first = page.get_attribute("#item", "data-item")
    assert page.get_attribute("#cand-current", "data-item") == first
    assert "杜泽老街" in page.inner_text("#record")
    cards = page.locator("#candidates .cand")
    assert cards.count() == 2
    assert "衢州杜泽食品有限公司" in page.inner_text("#candidates .competitor")
    assert "address" in page.inner_text("#candidates .competitor")  # its evidence, side by side
    page.screenshot(path=str(ARTIFACTS / "steward_page_competitors.png"), full_page=True)

    page.keyboard.press("m")
    page.wait_for_selector("#confirm")
    assert page.inner_text("#confirm-verdict") == "match"
    assert "衢州市衢江区杜泽老街小吃店" in page.inner_text("#confirm")
    assert page.inner_text("#progress") == "1 of 3 today"
    assert (XIAOCHI, "auto_link") in _mentions(live["store"], "E2")  # in the graph at once
    page.screenshot(path=str(ARTIFACTS / "steward_page_confirmed.png"), full_page=True)

    page.keyboard.press("z")
    page.wait_for_selector("#flash-message")
    assert "Undone: match" in page.inner_text("#flash-message")
    assert page.inner_text("#progress") == "0 of 3 today"
    assert live["queue"].decisions()[-1].verdict.value == "retracted"
    assert live["queue"].steward_decisions().verdict(("events", "E2", "firm", XIAOCHI)) is None
    assert (XIAOCHI, "auto_link") not in _mentions(live["store"], "E2")  # the undone match is unlinked
    assert page.get_attribute("#item", "data-item") == first  # back in the queue, first again

    page.keyboard.press("j")  # next: pass over it without a verdict
    page.wait_for_function(f"document.querySelector('#item').dataset.item !== '{first}'")
    second = page.get_attribute("#item", "data-item")
    page.keyboard.press("n")
    page.wait_for_selector("#confirm")
    assert page.inner_text("#confirm-verdict") == "no match"
    assert page.get_attribute("#item", "data-item") not in (first, second)  # the skip holds
    decided = live["queue"].decisions()[-1]
    assert (str(decided.item_id), decided.verdict.value, decided.origin) == (second, "no_match", "page")
