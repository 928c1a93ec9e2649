"""Building the app's long-lived resources from settings: store, resolver, review queue, retrain.

Called once by the app's lifespan. Each loader names the one place a package's entry point is
looked up, so a change of signature over there is fixed here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from api.settings import Settings

log = logging.getLogger("credgraph.api")


def open_graph_store(settings: Settings) -> Any:
    """The configured store, driver built once here (the API's edge)."""
    from graph.store import open_store

    return open_store(
        settings.graph_uri,
        user=settings.neo4j_user,
        password=settings.neo4j_password,
        database=settings.neo4j_database,
        batch_size=settings.load_batch_size,
        retry_s=settings.api_neo4j_retry_s,
        connect_timeout_s=settings.neo4j_connect_timeout_s,
    )


def open_review_queue(settings: Settings) -> Any | None:
    """The steward queue at settings.review_db_url, or None when resolution has no queue."""
    try:
        from resolution.review_queue import ReviewQueue
    except ImportError:
        log.warning("resolution.review_queue is not available: review routes are disabled")
        return None
    return ReviewQueue(settings.review_db_url)


def load_resolver(settings: Settings, store: Any) -> Any | None:
    """The resolver over the store's registry: the promoted matcher, else the fit of the run that
    loaded the graph (see api.services.resolution.load_matcher).

    Built on first use, not at start-up: exporting a large graph's registry takes seconds, and
    most API traffic (risk reads) never needs it. None when resolution is unavailable.
    """
    try:
        from api.services.resolution import load_matcher
    except ImportError:
        log.warning("resolution is not available: /resolve is disabled")
        return None
    return load_matcher(settings, store)


def retrain_job(settings: Settings, state: Any) -> Callable[[], dict[str, Any] | None]:
    """What POST /jobs/retrain runs: the matcher from steward decisions (resolution.training), then
    the risk model on the latest window (gnn.retrain), each promoted only if not worse; both read
    the graph the app serves. `state` is the app's state, read when the job runs."""

    def _run() -> dict[str, Any]:
        from dataclasses import asdict

        from gnn.config import RiskConfig
        from gnn.registry import ModelRegistry
        from gnn.retrain import retrain_risk

        out: dict[str, Any] = {}
        if state.queue is not None:  # the matcher first: its relinking changes the risk model's graph
            from api.services.resolution import retrain_matcher_job

            out["matcher"] = retrain_matcher_job(settings, state)
        tables = state.store.export_tables()
        res = retrain_risk(tables, RiskConfig(seed=settings.seed), ModelRegistry(settings.model_dir))
        out["risk"] = asdict(res)
        return out

    return _run
