"""/docs and /redoc render without internet access: every asset they load is served by the app."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|(?:url|Url)\s*:\s*["']([^"']+)["']""")


def _assets(html: str) -> list[str]:
    return [a or b for a, b in ASSET.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_reference_no_external_host(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html, re.findall(r"https?://[^\s\"'<>]+", html)
    assets = _assets(html)
    assert any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/"), asset  # same origin
        if asset.startswith("/static/"):
            fetched = client.get(asset)
            assert fetched.status_code == 200, asset
            assert len(fetched.content) > 100, asset


def test_swagger_ui_loads_the_schema_and_asks_no_online_validator(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/openapi.json" in html
    assert '"validatorUrl": null' in html
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_vendored_assets_carry_their_licences(client: TestClient) -> None:
    for name, words in (("swagger-ui.LICENSE.txt", "Apache License"), ("redoc.LICENSE.txt", "MIT")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and words in response.text, name


@pytest.mark.browser
def test_docs_render_in_chromium_with_every_other_host_blocked(tmp_path: Path) -> None:
    """Swagger UI and ReDoc draw the API's title with every request off 127.0.0.1 refused."""
    uvicorn = pytest.importorskip("uvicorn")
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    from api.app import create_app
    from api.security import KeyRing
    from api.settings import Settings
    from graph.store import open_store

    settings = Settings(audit_log=tmp_path / "audit.jsonl", review_db_url=f"sqlite:///{tmp_path / 'q.db'}")
    app = create_app(settings, store=open_store("memory"), keyring=KeyRing.from_mapping({}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    blocked: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.set_default_timeout(20_000)
            page.route("**/*", only_local)
            page.goto(f"{base}/docs")
            page.wait_for_selector(".swagger-ui .info .title")
            assert "credgraph" in page.inner_text(".swagger-ui .info .title")
            assert page.locator(".opblock").count() > 10  # the routes are listed
            page.goto(f"{base}/redoc")
            page.wait_for_selector("h1")
            assert "credgraph" in page.inner_text("h1")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert blocked == []
