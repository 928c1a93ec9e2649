"""Errors as problem+json (RFC 9457): one place maps our exceptions to HTTP answers.

Routes raise CredgraphError subclasses (or let validation fail); they never build error
responses themselves. Details never carry personal data or query parameter values.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import (
    ConfigError,
    ConflictError,
    ContractError,
    CredgraphError,
    GraphStoreError,
    ModelError,
    NotFoundError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "https://credgraph.dev/problems/"

# (status, slug, title) per error kind; the first matching class in MRO order wins.
_KINDS: dict[type[CredgraphError], tuple[int, str, str]] = {
    NotFoundError: (404, "not-found", "Not found"),
    ContractError: (422, "contract", "Input breaks the data contract"),
    ModelError: (409, "model", "Model unavailable or refused"),
    ConflictError: (409, "conflict", "Not possible in the current state"),
    GraphStoreError: (503, "graph-store", "Graph store unavailable"),
    ConfigError: (500, "config", "Server misconfigured"),
}


class AccessDenied(CredgraphError):
    """The caller's role is not entitled to this route."""


class Unauthenticated(CredgraphError):
    """No valid API key or bearer token came with the request."""


_KINDS[AccessDenied] = (403, "forbidden", "Forbidden")
_KINDS[Unauthenticated] = (401, "unauthenticated", "Authentication required")


def problem(
    status: int, slug: str, title: str, detail: str | None, instance: str, **extra: Any
) -> JSONResponse:
    """Build one problem+json response."""
    body: dict[str, Any] = {"type": _TYPE_BASE + slug, "title": title, "status": status, "instance": instance}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer, ApiKey header="X-API-Key"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _detail(exc: CredgraphError) -> str:
    # GraphStoreError's str names the query and parameter keys only (never values): safe to show.
    return str(exc)


async def _credgraph_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CredgraphError)
    for cls in type(exc).__mro__:
        if cls in _KINDS:
            status, slug, title = _KINDS[cls]  # type: ignore[index]
            break
    else:
        status, slug, title = 500, "internal", "Internal error"
    return problem(status, slug, title, _detail(exc), request.url.path)


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    # A bug, not a caller's error: the trace goes to the server log (Starlette re-raises after
    # answering), the caller gets the same problem+json shape as every other error, and no detail.
    detail = "an unexpected error; the server logged it"
    return problem(500, "internal", "Internal error", detail, request.url.path)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return problem(
        422, "validation", "Invalid request", "the request failed validation", request.url.path, errors=errors
    )


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {
        401: "unauthenticated", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
        413: "too-large",
    }.get(exc.status_code, "http")  # fmt: skip
    title = {404: "Not found", 405: "Method not allowed", 413: "Request body too large"}.get(
        exc.status_code, "HTTP error"
    )
    return problem(exc.status_code, slug, title, str(exc.detail) if exc.detail else None, request.url.path)


def install(app: FastAPI) -> None:
    """Register the one mapping from exceptions to problem+json on an app."""
    app.add_exception_handler(CredgraphError, _credgraph_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
