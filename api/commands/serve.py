"""`credgraph serve`: run the HTTP API and pages with uvicorn."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="interface to bind (loopback by default)"),
        port: int = typer.Option(8000, help="TCP port"),
        graph: str | None = typer.Option(None, help="graph URI (memory or bolt://...); default: settings"),
        workers: int = typer.Option(1, help="uvicorn worker processes"),
    ) -> None:
        """Serve the API (/docs for OpenAPI) and the pages (/ui/) over the configured graph."""
        import uvicorn

        from api.app import create_app
        from api.settings import Settings

        settings = Settings()
        if graph:
            settings = settings.model_copy(update={"graph_uri": graph})
        if workers > 1:
            typer.echo("workers > 1 needs an import string; serving with one worker per process")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)
