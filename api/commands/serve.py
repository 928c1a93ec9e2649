"""`credgraph serve`: run the HTTP API and pages with uvicorn, saying where and whether anyone can log in."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console(stderr=True, soft_wrap=True)


def banner(host: str, port: int, n_keys: int) -> list[str]:
    """The lines `serve` prints before it listens: where the API and pages are, and who can log in."""
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    lines = [
        f"API:                {base}/  (OpenAPI: {base}/openapi.json)",
        f"API docs (offline): {base}/docs",
        f"investigator page:  {base}/ui/investigate",
        f"steward page:       {base}/ui/review",
        f"punishment tasks:   {base}/ui/punish",
    ]
    if n_keys:
        lines.append(f"{n_keys} API key(s) configured")
    else:
        lines += [
            "[bold red]WARNING: no API keys are configured: every request will be refused (401).[/bold red]",
            "  create one: credgraph keys create --name alice --role investigator --file credgraph-keys.json",
            "  then serve with CREDGRAPH_API_KEYS_FILE=credgraph-keys.json set",
        ]
    return lines


def workers_problem(workers: int, settings: Any, data: Path | None) -> str | None:
    """Why `serve --workers N` (N > 1) cannot give every worker the same answers, or None.

    Each worker process builds its own app from the environment: a token signed by one must verify
    on the others (a shared CREDGRAPH_API_TOKEN_SECRET, not a per-process one), and they must read
    one graph (Neo4j; each embedded store would be a separate, empty graph). Jobs, verdicts and the
    audit are in the review database, which every worker opens."""
    if workers <= 1:
        return None
    if data is not None:
        return "--data runs the pipeline into this process's memory: it cannot be shared by workers"
    if not settings.api_token_secret:
        return (
            "--workers needs CREDGRAPH_API_TOKEN_SECRET: a token one worker signs must verify on the "
            "others (generate one: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    if not settings.uses_neo4j:
        return (
            f"--workers needs a shared graph: {settings.graph_uri!r} would give each worker its own "
            "empty store; serve a Neo4j graph (--graph bolt://host:port)"
        )
    return None


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
        """Serve the API (OpenAPI at /openapi.json) and the pages (/ui/) over the configured graph."""
        import uvicorn

        from api.app import create_app
        from api.security import KeyRing
        from api.settings import Settings
        from ingest.errors import CredgraphError

        if graph:
            os.environ["CREDGRAPH_GRAPH_URI"] = graph
        try:
            settings = Settings()  # type: ignore[call-arg]  # fields come from the environment
            keyring = KeyRing.load(settings.api_keys_file, settings.api_token_secret)
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        problem = workers_problem(workers, settings, data)
        if problem is not None:
            console.print(f"[red]error:[/red] {problem}")
            raise typer.Exit(2)
        if workers > 1:  # each worker process builds its own app (and driver) from the environment
            for line in banner(host, port, len(keyring)):
                console.print(line)
            console.print(f"starting {workers} workers")
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
        store = None
        try:
            if data is not None:  # resolve, load and score first, then serve that very store
                from api.pipeline import run_pipeline, store_from_settings
                from graph.memory_store import MemoryStore

                console.print(f"running the pipeline on {data} (resolve, load, score) before serving")
                store = store_from_settings(settings)
                if isinstance(store, MemoryStore):
                    store.keep_tables = True  # daily increments (POST /jobs/ingest) patch its export
                out = Path(tempfile.mkdtemp(prefix="credgraph-serve-"))
                run_pipeline(data, out, settings, store=store)
            app = create_app(settings, store=store, keyring=keyring)
            if data is not None:  # POST /resolve answers with the matcher that wrote the served links
                from api.services.resolution import load_matcher

                app.state.resolver_loader = lambda: load_matcher(settings, store, out / "matcher")
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        for line in banner(host, port, len(keyring)):
            console.print(line)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
        announcing_server(config).run()


def announcing_server(config: Any) -> Any:
    """uvicorn's Server, printing one "ready" line once its socket listens."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                console.print(f"ready: listening on http://{config.host}:{config.port}/ (Ctrl+C stops)")

    return Server(config)
