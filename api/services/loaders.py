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
    """The resolver over the store's registry, with the saved matcher when there is one.

    Built on first use, not at start-up: exporting a large graph's registry takes seconds, and
    most API traffic (risk reads) never needs it. None when resolution is unavailable.
    """
    try:
        from resolution.resolver import Resolver
    except ImportError:
        log.warning("resolution.resolver is not available: /resolve is disabled")
        return None
    from api.services.registry import registry_from_tables
    from ingest.errors import ModelError

    ds = registry_from_tables(store.export_tables())
    for directory in (settings.model_dir / "resolver", settings.model_dir):
        try:
            return Resolver.load(directory, ds)
        except ModelError:
            continue
    log.info("no saved resolver in %s: using the unsupervised start model", settings.model_dir)
    return Resolver.from_dataset(ds)


def retrain_job(settings: Settings) -> Callable[[], dict[str, Any] | None]:
    """The callable a retrain job runs: gnn.retrain's entry point with this app's settings."""

    def _run() -> dict[str, Any] | None:
        from gnn import retrain as mod

        fn = getattr(mod, "retrain", None) or mod.run_retrain
        result = fn(settings)
        if result is None or isinstance(result, dict):
            return result
        return (
            {k: v for k, v in vars(result).items() if not k.startswith("_")}
            if hasattr(result, "__dict__")
            else {"result": str(result)}
        )

    return _run
