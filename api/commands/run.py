"""`credgraph run DATA_DIR --out OUT_DIR [--as-of DATE] [--graph URI] [--engine spark --spark-master URL]`."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.pipeline import RunSummary, run_pipeline
from api.settings import Settings
from ingest.errors import CredgraphError

console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        data_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="data directory")],
        out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("out"),
        as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default latest date")] = None,
        graph: Annotated[str | None, typer.Option("--graph", help="memory or bolt://host:port")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="no progress bars")] = False,
        strict: Annotated[bool, typer.Option("--strict", help="exit 3 if any row was quarantined")] = False,
        engine: Annotated[
            str | None, typer.Option("--engine", help="where to resolve: local (default) or spark")
        ] = None,
        spark_master: Annotated[
            str | None,
            typer.Option("--spark-master", help="Spark master URL for --engine spark (default local[*])"),
        ] = None,
        first_load: Annotated[
            str | None,
            typer.Option("--first-load", help="fill an empty Neo4j: bolt (default) or import (neo4j-admin)"),
        ] = None,
        no_memory_check: Annotated[
            bool, typer.Option("--no-memory-check", help="run on the embedded store even if it looks too big")
        ] = False,
    ) -> None:
        """Ingest, resolve, load the graph, score risk; write resolutions.csv and risk_scores.csv."""
        settings = Settings()
        if graph:
            settings = settings.model_copy(update={"graph_uri": graph})
        if engine is not None:
            settings = settings.model_copy(update={"engine": one_of("--engine", engine, ("local", "spark"))})
        if spark_master is not None:
            if settings.engine != "spark":
                console.print("[red]error:[/red] --spark-master needs --engine spark")
                raise typer.Exit(2)
            settings = settings.model_copy(update={"spark_master": spark_master})
        if first_load is not None:
            settings = settings.model_copy(
                update={"first_load": one_of("--first-load", first_load, ("bolt", "import"))}
            )
        if no_memory_check:
            settings = settings.model_copy(update={"memory_check": False})
        if "model_dir" not in settings.model_fields_set:
            # a run is self-contained unless a registry is named (CREDGRAPH_MODEL_DIR): the same
            # data gives the same outputs whatever an earlier run left in the working directory
            settings = settings.model_copy(update={"model_dir": out / "models"})
        try:
            cutoff = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            console.print(f"[red]error:[/red] --as-of {as_of!r} is not a date: write YYYY-MM-DD")
            raise typer.Exit(2) from exc
        try:
            summary = run_pipeline(data_dir, out, settings, cutoff, progress=not quiet)
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        except OSError as exc:  # an input or output path that cannot be used (a file as --out, no rights)
            console.print(f"[red]error:[/red] cannot use {exc.filename}: {exc.strerror}")
            raise typer.Exit(2) from exc
        print_summary(summary, out)
        for file, note in input_encodings(out / "warnings.csv"):
            console.print(f"[yellow]{file} is {note}[/yellow]")
        if summary.quarantined:
            report = out / "quarantine.csv"
            console.print(f"[yellow]{summary.quarantined} rows quarantined: see {report}[/yellow]")
            if strict:
                raise typer.Exit(3)


def one_of(flag: str, value: str, allowed: tuple[str, ...]) -> str:
    """`value` when it is one of `allowed`; otherwise exit 2 with a line naming the choices."""
    if value not in allowed:
        console.print(f"[red]error:[/red] {flag} {value!r}: choose {' or '.join(allowed)}")
        raise typer.Exit(2)
    return value


def input_encodings(warnings_csv: Path) -> list[tuple[str, str]]:
    """(file, note) for each input file that was not UTF-8 but read as GB18030 (from warnings.csv)."""
    if not warnings_csv.is_file():
        return []
    with warnings_csv.open(encoding="utf-8", newline="") as fh:
        return [(r["file"], r["value"]) for r in csv.DictReader(fh) if r["reason"] == "encoding"]


def print_summary(summary: RunSummary, out: Path) -> None:
    table = Table(title=f"credgraph run (as of {summary.as_of})")
    table.add_column("what")
    table.add_column("count / seconds", justify="right")
    for name, n in summary.rows_read.items():
        table.add_row(f"rows read: {name}", str(n))
    table.add_row("rows quarantined", str(summary.quarantined))
    table.add_row("values cleared (warnings.csv)", str(summary.warnings))
    for name, n in sorted(summary.links.items()):
        table.add_row(f"links: {name}", str(n))
    for name, n in sorted(summary.graph_counts.items()):
        table.add_row(f"graph: {name}", str(n))
    table.add_row("subjects scored", str(summary.risk_scored))
    table.add_row("model version", summary.model_version)
    for name, s in summary.seconds.items():
        table.add_row(f"time: {name}", f"{s:.2f}")
    console.print(table)
    files = "resolutions.csv, risk_scores.csv, quarantine.csv, warnings.csv, summary.json"
    console.print(f"outputs in {out}/: {files}")
