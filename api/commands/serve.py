"""`credgraph serve`: run the HTTP API and pages with uvicorn."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="interface to bind (loopback by default)"),
        port: int = typer.Option(8000, help="TCP port"),
        graph: str | None = typer.Option(None, help="graph URI (memory or bolt://...); default: settings"),
        workers: int = typer.Option(1, help="uvicorn worker processes (set CREDGRAPH_API_TOKEN_SECRET)"),
        data: Annotated[
            Path | None, typer.Option(help="run the pipeline on this data directory first (quickstart)")
        ] = None,
    ) -> None:
        """Serve the API (/docs for OpenAPI) and the pages (/ui/) over the configured graph."""
        import uvicorn

        from api.app import create_app
        from api.settings import Settings

        if graph:
            os.environ["CREDGRAPH_GRAPH_URI"] = graph
        if workers > 1:  # each worker process builds its own app (and driver) from the environment
            uvicorn.run(
                "api.app:app_from_env",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
            )
            return
        settings = Settings()  # type: ignore[call-arg]  # fields come from the environment
        store = None
        if data is not None:  # resolve, load and score first, then serve that very store
            from api.pipeline import run_pipeline, store_from_settings

            store = store_from_settings(settings)
            run_pipeline(data, Path(tempfile.mkdtemp(prefix="credgraph-serve-")), settings, store=store)
        app = create_app(settings, store=store)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
