"""Liveness, readiness and Prometheus metrics (no authentication: no data behind them)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import StoreDep
from api.schemas.jobs import HealthOut
from api.services.health import store_ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def healthz() -> HealthOut:
    """The process answers."""
    return HealthOut(status="ok")


@router.get("/readyz", response_model=HealthOut, responses={503: {"model": HealthOut}})
def readyz(store: StoreDep):
    """The graph store answers a trivial query."""
    ok, detail = store_ready(store)
    body = HealthOut(status="ready" if ok else "unavailable", detail=detail)
    return body if ok else JSONResponse(body.model_dump(), status_code=503)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    queue = request.app.state.queue
    if queue is not None:
        try:
            request.app.state.metrics.review_pending.set(queue.count_pending())
        except Exception:  # noqa: BLE001 - a failing queue must not hide the other metrics
            pass
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
