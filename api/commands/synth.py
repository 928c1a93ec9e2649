"""`credgraph synth OUT_DIR --firms N --seed S`: write a synthetic Zhejiang data directory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `synth` command to the CLI."""

    @app.command()
    def synth(
        out_dir: Annotated[Path, typer.Argument(help="directory to write (created if missing)")],
        firms: Annotated[int, typer.Option("--firms", help="number of registered firms")] = 2000,
        seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same bytes")] = 1,
        events: Annotated[int | None, typer.Option("--events", help="events (default 5 x firms)")] = None,
        start: Annotated[str, typer.Option("--start", help="first day of records and events")] = "2019-01-01",
        end: Annotated[str, typer.Option("--end", help="last day of records and events")] = "2025-12-31",
        progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress bar")] = True,
        hidden: Annotated[bool, typer.Option("--hidden",
                                             help="also write hidden_risk.csv (not contract)")] = False,
    ) -> None:
        """Write firms, persons, affiliations, credit records, events and their ground truth."""
        from ingest.synth import generate

        summary = generate(out_dir, firms, seed, events, start=dt.date.fromisoformat(start),
                           end=dt.date.fromisoformat(end), progress=progress, hidden=hidden)
        for name, n in summary.rows.items():
            typer.echo(f"{name:22s} {n:>10,d}")
        typer.echo("structures: " + ", ".join(f"{k}={v}" for k, v in summary.structures.items()))
        typer.echo(f"written to {summary.out_dir} in {sum(summary.seconds.values()):.1f} s")
