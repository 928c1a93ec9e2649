"""`credgraph evaluate DATA_DIR OUT_DIR` and `credgraph review list|decide`.

(`credgraph retrain --matcher` lives in api/commands/risk.py and calls resolution.training.)"""

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
        rec = ReviewQueue(Settings().review_db_url).decide(item_id, Verdict(verdict), who, comment, "cli")
    except (CredgraphError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print(
        f"decision {rec.decision_id}: {rec.verdict.value} on {rec.entity_type}:{rec.entity_id} "
        f"for {rec.source}:{rec.record_id} by {rec.who}"
    )


@review_app.command("next")
def review_next(
    n: Annotated[int, typer.Option("--n", help="pairs to ask about")] = 250,
    out: Annotated[Path, typer.Option("--out", help="CSV to write")] = Path("ask.csv"),
    random_seed: Annotated[
        int | None, typer.Option("--random", help="draw uniformly with this seed instead (a baseline)")
    ] = None,
) -> None:
    """The pairs whose verdict would teach the matcher most, as a CSV a steward can answer: add a
    `verdict` column (match / no_match / unsure) and `credgraph review import` it."""
    from api.services.resolution import active_config, active_order
    from resolution.active import choose_random
    from resolution.review_queue import ReviewQueue

    settings = Settings()
    queue = ReviewQueue(settings.review_db_url)
    pool = queue.pool()
    # uncertainty is measured against the cut the promoted matcher decides with (verdicts move it)
    cfg = active_config(settings)
    # disputed links first, then the active choice: the same order as the steward page
    picked = active_order(queue, n, cfg) if random_seed is None else choose_random(pool, n, random_seed)
    write_ask_csv(picked, out)
    console.print(f"{len(picked)} of {len(pool)} pending pairs -> {out}")


def write_ask_csv(items: list, path: Path) -> None:  # noqa: ANN001 - ReviewItem rows
    import csv

    from ingest.spreadsheet import inert_row
    from resolution.active import NEXT_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(NEXT_COLUMNS)
        for it in items:
            w.writerow(inert_row([it.item_id, it.source, it.record_id, it.entity_type, it.entity_id,
                                  f"{it.score:.4f}", it.mention, it.candidate_name, it.evidence]))


@review_app.command("import")
def review_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="verdict CSV")],
    who: Annotated[str, typer.Option("--who", help="steward, for rows without a who")] = "import",
    data: Annotated[
        Path | None, typer.Option("--data", exists=True, file_okay=False, help="check records/entities exist")
    ] = None,
) -> None:
    """Import verdicts `source,record_id,entity_type,entity_id,verdict[,who,comment]`: every row is
    checked first (nothing is applied if one is bad), a verdict already recorded is skipped, and
    every verdict added is written to the audit log."""
    from api.audit import AuditLog
    from api.security import Principal, Role
    from resolution.decisions import read_verdict_csv
    from resolution.review_queue import ReviewQueue

    settings = Settings()
    records = entities = None
    if data is not None:
        from ingest.dataset import read_dataset

        ds = read_dataset(data, progress=False)
        records = {("events", e.event_id) for e in ds.events}
        records |= {("credit_records", r.record_id) for r in ds.credit_records}
        entities = {("firm", f.uscc) for f in ds.firms} | {("person", p.person_id) for p in ds.persons}
    parsed = read_verdict_csv(file, who, records, entities)
    if parsed.errors:
        for e in parsed.errors[:50]:
            console.print(f"[red]{e}[/red]")
        more = " (first 50 shown)" if len(parsed.errors) > 50 else ""
        console.print(f"[red]{len(parsed.errors)} bad row(s){more}; nothing imported[/red]")
        raise typer.Exit(2)
    added = ReviewQueue(settings.review_db_url).import_verdicts(parsed.rows, f"import:{file.name}")
    audit = AuditLog(settings.audit_log)
    for rec in added:
        audit.record(
            Principal(rec.who, Role.STEWARD), "decision", "cli:review import",
            [rec.entity_id, rec.record_id], None, verdict=rec.verdict.value, origin=rec.origin,
        )
    console.print(
        f"{len(added)} verdict(s) imported, {len(parsed.rows) - len(added)} already recorded; "
        f"audit log {settings.audit_log}"
    )


@review_app.command("export")
def review_export(file: Annotated[Path, typer.Argument(dir_okay=False, help="CSV to write")]) -> None:
    """Write every verdict in the import shape (plus decided_at and origin)."""
    from resolution.decisions import write_verdict_csv
    from resolution.review_queue import ReviewQueue

    n = write_verdict_csv(ReviewQueue(Settings().review_db_url).decisions(), file)
    console.print(f"{n} verdict(s) -> {file}")
