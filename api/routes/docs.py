"""Swagger UI at /docs and ReDoc at /redoc, from assets served by this app (no CDN).

FastAPI's own docs pages load their JavaScript, CSS and favicon from public CDNs, so on a
supervision network without internet access they stay blank. The assets are vendored under
api/static from npm (swagger-ui-dist 5.35.0, Apache-2.0; redoc 2.5.0, MIT; licences beside them).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    """Swagger UI; `validatorUrl: None` keeps it from sending the schema to an online validator."""
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="credgraph API",
        swagger_js_url="/static/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OAUTH2_REDIRECT_URL, response_class=HTMLResponse)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    """ReDoc, without the Google Fonts stylesheet FastAPI adds by default."""
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title="credgraph API",
        redoc_js_url="/static/redoc.standalone.js",
        redoc_favicon_url="/static/favicon.svg",
        with_google_fonts=False,
    )
