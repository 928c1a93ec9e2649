"""`credgraph resolution model`: the matcher's fitted weights, as a table and a match-weights chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ingest.errors import CredgraphError

console = Console(stderr=True, soft_wrap=True)


def register(app: typer.Typer) -> None:
    resolution = typer.Typer(no_args_is_help=True, help="the resolution matcher: fitted weights")
    app.add_typer(resolution, name="resolution")

    @resolution.command("model")
    def model(
        data: Annotated[
            Path | None,
            typer.Option(
                "--data", exists=True, file_okay=False, help="fit on this data directory (as run does)"
            ),
        ] = None,
        model_dir: Annotated[
            Path | None,
            typer.Option(
                "--model-dir", exists=True, file_okay=False, help="a saved resolver (Resolver.save)"
            ),
        ] = None,
        chart: Annotated[
            Path | None, typer.Option("--chart", help="write a match-weights chart (PNG)")
        ] = None,
    ) -> None:
        """Print every comparison level's m, u and log2 Bayes factor; optionally chart them."""
        from resolution.weights import format_table, resolver_rows, saved_rows, write_chart

        if (data is None) == (model_dir is None):
            console.print("[red]error:[/red] give exactly one of --data DIR or --model-dir DIR")
            raise typer.Exit(2)
        try:
            if model_dir is not None:
                rows = saved_rows(model_dir)
            else:
                from ingest.dataset import read_dataset
                from resolution.pipeline import active_resolver

                assert data is not None
                resolver, origin = active_resolver(read_dataset(data))
                console.print(f"matcher: {origin}")
                rows = resolver_rows(resolver)
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        typer.echo(format_table(rows))
        if chart is not None:
            console.print(f"match-weights chart: {write_chart(rows, chart)}")
