"""`credgraph neo4j start|stop|status|fetch`: the repo's own Neo4j server, via scripts/neo4j.sh.

A convenience over the script (which needs only Java 17 and Maven): the port, password and
folders come from the same NEO4J_* environment variables the script documents.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j.sh"


def _run(action: str) -> None:
    if not SCRIPT.is_file():
        typer.echo(f"{SCRIPT} not found: the neo4j commands work from a source checkout", err=True)
        raise typer.Exit(2)
    raise typer.Exit(subprocess.call(["bash", str(SCRIPT), action]))


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=True, help="the repo's own Neo4j Community server (scripts/neo4j.sh)")

    @group.command()
    def fetch() -> None:
        """Download Neo4j and its dependencies from Maven Central into .cache/neo4j."""
        _run("fetch")

    @group.command()
    def start() -> None:
        """Start the server (Bolt on 127.0.0.1:$NEO4J_BOLT_PORT, default 7687) and wait until it answers."""
        _run("start")

    @group.command()
    def stop() -> None:
        """Stop the server cleanly (SIGTERM, then wait)."""
        _run("stop")

    @group.command()
    def status(
        quiet: Annotated[
            bool, typer.Option("--quiet", help="only the exit status: 0 running, 3 stopped")
        ] = False,
    ) -> None:
        """Say whether the server is running (exit status 3 when it is not)."""
        if quiet:
            code = subprocess.call(["bash", str(SCRIPT), "status"], stdout=subprocess.DEVNULL)
            raise typer.Exit(code)
        _run("status")

    app.add_typer(group, name="neo4j")
