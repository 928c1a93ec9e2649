"""`credgraph evaluate DATA_DIR OUT_DIR` and `credgraph review list|decide`.

(`credgraph retrain` lives in api/commands/risk.py and calls resolution.training.retrain_matcher.)"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from ingest.errors import CredgraphError

console = Console()
review_app = typer.Typer(no_args_is_help=True, help="the data stewards' review queue")


def register(app: typer.Typer) -> None:
    @app.command()
    def evaluate(
        data_dir: Annotated[
            Path, typer.Argument(exists=True, file_okay=False, help="data directory with truth")
        ],
        out_dir: Annotated[
            Path, typer.Argument(exists=True, file_okay=False, help="run output with resolutions.csv")
        ],
    ) -> None:
        """Score OUT_DIR/resolutions.csv against the truth files; write evaluation.md and .json."""
        from resolution.evaluate import evaluate_dirs

        ev = evaluate_dirs(data_dir, out_dir)
        table = Table(title=f"resolution evaluation (review share {ev.review_share:.2%})")
        for col in ("group", "truth", "precision", "recall", "recall+review", "pair completeness"):
            table.add_column(col, justify="right" if col != "group" else "left")
        for name, c in [("overall", ev.overall), *sorted(ev.by_group.items())]:
            table.add_row(
                name,
                str(c.truth),
                f"{c.precision:.4f}",
                f"{c.recall:.4f}",
                f"{c.recall_with_review:.4f}",
                f"{c.pair_completeness:.4f}",
            )
        console.print(table)
        console.print(f"{len(ev.homonym_errors)} homonym errors; report in {out_dir}/evaluation.md")

    app.add_typer(review_app, name="review")


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="items to show")] = 20,
    offset: Annotated[int, typer.Option(help="items to skip")] = 0,
) -> None:
    """Pending items, most informative first."""
    from resolution.review_queue import ReviewQueue

    q = ReviewQueue(Settings().review_db_url)
    table = Table(title=f"review queue: {q.count_pending()} pending")
    for col in ("id", "record", "mention", "candidate", "score", "evidence"):
        table.add_column(col)
    for it in q.pending(limit, offset):
        table.add_row(
            str(it.item_id),
            f"{it.source}:{it.record_id}",
            it.mention,
            f"{it.candidate_name} ({it.entity_type}:{it.entity_id})",
            f"{it.score:.3f}",
            it.evidence,
        )
    console.print(table)


@review_app.command("decide")
def review_decide(
    item_id: Annotated[int, typer.Argument(help="review item id")],
    verdict: Annotated[str, typer.Argument(help="match, no_match or unsure")],
    who: Annotated[str, typer.Option("--who", help="steward's name")],
    comment: Annotated[str, typer.Option("--comment", help="why")] = "",
) -> None:
    """Record a steward's verdict (append-only; the next run honours it)."""
    from resolution.decisions import Verdict
    from resolution.review_queue import ReviewQueue

    try:
        rec = ReviewQueue(Settings().review_db_url).decide(item_id, Verdict(verdict), who, comment)
    except (CredgraphError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print(
        f"decision {rec.decision_id}: {rec.verdict.value} on {rec.entity_type}:{rec.entity_id} "
        f"for {rec.source}:{rec.record_id} by {rec.who}"
    )
