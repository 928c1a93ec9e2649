"""The FastAPI application: `create_app(settings)` wires resources, routes, errors and metrics.

Thin by design: the lifespan opens the graph store (driver built once) and the review queue; the
resolver is built on first use; routes only parse, authorise, call a service and show the result.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import problems
from api.audit import AuditLog
from api.limits import BodyLimit, HeadAsGet
from api.metrics import ApiMetrics, MetricsMiddleware
from api.routes import auth, docs, entities, health, jobs, pages, paths, punish, resolve, review, risk
from api.routes.tiers import router as tiers_router
from api.security import KeyRing
from api.services import loaders
from api.services.jobs import JobRunner, JobStore, rebuild_for
from api.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    settings: Settings,
    *,
    store: Any = None,
    resolver: Any = None,
    queue: Any = None,
    keyring: KeyRing | None = None,
    retrain: Callable[[], dict[str, Any] | None] | None = None,
) -> FastAPI:
    """Build the app. Resources passed in are used as they are (and not closed); others are
    opened from settings when the app starts and closed when it stops."""
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned_store = app.state.store is None
        if owned_store:
            app.state.store = loaders.open_graph_store(settings)
        if app.state.queue is None:
            app.state.queue = loaders.open_review_queue(settings)
        app.state.jobs.recover()  # jobs of a worker that stopped (a restart) are rerun or closed
        try:
            yield
        finally:
            app.state.jobs.shutdown()
            if owned_store:
                app.state.store.close()

    app = FastAPI(
        title="credgraph",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from api.routes.docs, with local assets
        redoc_url=None,
        description="Entity resolution and relationship risk for public-credit supervision.",
    )
    app.state.settings = settings
    app.state.store = store
    app.state.resolver = resolver
    app.state.resolver_loader = lambda: loaders.load_resolver(settings, app.state.store)
    app.state.resolver_lock = threading.Lock()
    app.state.queue = queue
    app.state.keyring = keyring or KeyRing.load(settings.api_keys_file, settings.api_token_secret)
    app.state.audit = AuditLog(settings.audit_log)
    app.state.metrics = metrics
    app.state.jobs = JobRunner(
        JobStore(settings.review_db_url),  # in the shared database: any worker answers any job
        on_finish=lambda job: metrics.jobs.labels(job.kind, job.status).inc(),
        rebuild=rebuild_for(settings, app.state),
        lease_s=settings.jobs_lease_s,
    )
    app.state.retrain_job = retrain or loaders.retrain_job(settings, app.state)

    problems.install(app)
    for module in (health, auth, entities, paths, risk, resolve, review, jobs, pages, docs):
        app.include_router(module.router)
    app.include_router(pages.root)
    app.include_router(punish.router)
    app.include_router(punish.pages)
    app.include_router(tiers_router)  # credit tiers: /tiers..., /entities/{id}/tier, their page parts
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeadAsGet)
    return app


def app_from_env() -> FastAPI:
    """An app configured from the environment (CREDGRAPH_*): the factory uvicorn workers import."""
    return create_app(Settings())  # type: ignore[call-arg]  # fields come from the environment
