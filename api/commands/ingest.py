"""`credgraph ingest INC_DIR --state DIR [--base DATA_DIR]` and `credgraph rescore`.

ingest applies a daily increment (new or changed rows in the contract format) to a served graph
(api.services.increment); rescore is the scheduled full rescore that refreshes the scores time
alone moves (records expiring, history ageing), which an increment does not touch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from ingest.errors import CredgraphError

console = Console(stderr=True)


def _settings(graph: str | None, state: Path | None) -> Settings:
    settings = Settings()
    if graph:
        settings = settings.model_copy(update={"graph_uri": graph})
    if "model_dir" not in settings.model_fields_set and state is not None:
        from api.services.increment_state import IncrementState

        st = IncrementState.open(state)
        model_dir = Path(st.meta["model_dir"]) if st.meta.get("model_dir") else st.base_run / "models"
        settings = settings.model_copy(
            update={"model_dir": model_dir, "matcher_dir": model_dir / "matcher"}
        )
    return settings


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        console.print(f"[red]error:[/red] --as-of {text!r} is not a date: write YYYY-MM-DD")
        raise typer.Exit(2) from exc


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        data_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="increment folder")],
        state: Annotated[Path, typer.Option("--state", help="state folder of the served graph")] = Path(
            "credgraph-state"
        ),
        base: Annotated[
            Path | None, typer.Option("--base", help="base data directory (first ingest)")
        ] = None,
        graph: Annotated[str | None, typer.Option("--graph", help="memory or bolt://host:port")] = None,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="YYYY-MM-DD; default latest date")
        ] = None,
        matcher: Annotated[Path | None, typer.Option("--matcher", help="saved matcher folder")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="no progress bars")] = False,
    ) -> None:
        """Apply a day's new or changed rows: resolve, relink, rescore only what they reach."""
        from api.services.increment import ingest_folder

        settings = _settings(graph, state)
        try:
            report = ingest_folder(
                data_dir, state, settings, base, _day(as_of), matcher, progress=not quiet
            )
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        table = Table(title=f"credgraph ingest {report.increment} (as of {report.as_of or '-'})")
        table.add_column("what")
        table.add_column("count / seconds", justify="right")
        for name, n in report.rows_read.items():
            table.add_row(f"rows read: {name}", str(n))
        table.add_row("rows quarantined", str(report.quarantined))
        for name, n in report.registry.items():
            if n:
                table.add_row(name.replace("_", " "), str(n))
        table.add_row(
            "records resolved (new / rechecked)", f"{report.records_new} / {report.records_rechecked}"
        )
        table.add_row(
            "links added / changed / removed",
            f"{report.links_added} / {report.links_changed} / {report.links_removed}",
        )
        table.add_row("subjects rescored", str(report.rescored))
        table.add_row("tier changes", str(len(report.tier_changes)))
        for name, s in report.seconds.items():
            table.add_row(f"time: {name}", f"{s:.2f}")
        console.print(table)

    @app.command()
    def rescore(
        state: Annotated[Path | None, typer.Option("--state", help="state folder (embedded graph)")] = None,
        graph: Annotated[str | None, typer.Option("--graph", help="memory or bolt://host:port")] = None,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="YYYY-MM-DD; default latest date")
        ] = None,
    ) -> None:
        """Score every subject again (the scheduled full rescore) and write the scores."""
        from api.services.increment import rescore_all

        settings = _settings(graph, state)
        try:
            report = rescore_all(settings, state, _day(as_of))
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        console.print(
            f"rescored {report.rescored} subjects as of {report.as_of} with {report.model_version}: "
            f"{len(report.tier_changes)} tier changes ({report.seconds.get('rescore', 0):.1f} s)"
        )
