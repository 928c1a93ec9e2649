"""`credgraph punish alerts|tasks|close|rate`: joint punishment from the command line (thin: parse,
call api.services.punish, print)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from ingest.errors import CredgraphError

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", exists=True, file_okay=False,
                 help="read, resolve and load this data directory first (required with --graph memory)"),
]
GraphOpt = Annotated[str | None, typer.Option("--graph", help="memory or bolt://host:port")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default: today")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


def _settings(graph: str | None) -> Settings:
    s = Settings()  # type: ignore[call-arg]  # fields come from the environment
    return s.model_copy(update={"graph_uri": graph}) if graph else s


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise typer.BadParameter(f"not a YYYY-MM-DD date: {text!r}") from None


def _store(settings: Settings, data: Path | None) -> Any:
    """The configured store, with `data` read, resolved and loaded into it first when given."""
    from api.pipeline import store_from_settings
    from ingest.errors import ConfigError

    if data is None and not settings.uses_neo4j:
        raise ConfigError("the embedded graph starts empty: pass --data DIR, or --graph bolt://... "
                          "for a graph loaded by `credgraph run`")
    store = store_from_settings(settings)
    if data is not None:
        from ingest.dataset import read_dataset
        from resolution.pipeline import resolve_dataset
        from resolution.review_queue import ReviewQueue

        ds = read_dataset(data)
        links = resolve_dataset(ds, None, ReviewQueue(settings.review_db_url))
        store.ensure_schema()
        store.load_dataset(ds)
        store.write_links(links)
    return store


def _fail(exc: CredgraphError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2)


def _print(rows: list[dict[str, Any]], columns: list[str], title: str, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*("" if r.get(c) is None else str(r.get(c)) for c in columns))
    out.print(table)


def register(app: typer.Typer) -> None:
    punish = typer.Typer(
        no_args_is_help=True, help="joint punishment: alerts, tasks, closing, execution rate"
    )
    app.add_typer(punish, name="punish")

    @punish.command("alerts")
    def alerts_cmd(
        data: DataOpt = None, graph: GraphOpt = None, as_of: AsOfOpt = None, as_json: JsonOpt = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="list the alerts, issue no tasks")] = False,
    ) -> None:
        """Alerts from active, grounded dishonest-debtor / serious-dishonesty listings, and the tasks
        they call for, issued once per (listing, target, measure) to the task table."""
        from api.services import punish as svc

        try:
            settings = _settings(graph)
            day = _day(as_of)
            store = _store(settings, data)
            try:
                if dry_run:
                    found, new = svc.alerts(store, settings, day), 0
                else:
                    found, new = svc.issue(store, svc.open_tasks(settings), settings, day, "cli")
            finally:
                store.close()
        except CredgraphError as exc:
            raise _fail(exc) from exc
        rows = [a.model_dump(mode="json") for a in map(svc.alert_out, found)]
        cols = ["record_id", "document_no", "relation", "target_id", "target_name", "region_code", "path"]
        _print(rows, cols, f"joint-punishment alerts as of {day}", as_json)
        if not dry_run:
            console.print(f"{len(found)} alert(s); {new} new task(s) issued to {svc.punish_db(settings)}")

    @punish.command("tasks")
    def tasks_cmd(
        department: Annotated[
            str | None, typer.Option(help="department code, e.g. market_regulation")
        ] = None,
        district: Annotated[str | None, typer.Option(help="6-digit region code")] = None,
        status: Annotated[str | None, typer.Option(help="open, done or overdue")] = None,
        as_of: AsOfOpt = None, as_json: JsonOpt = False,
    ) -> None:
        """Punishment tasks with their status on the day (overdue = open past the deadline)."""
        from api.services import punish as svc

        if status not in (None, "open", "done", "overdue"):
            raise typer.BadParameter("status is open, done or overdue")
        settings = _settings(None)
        views = svc.open_tasks(settings).tasks(_day(as_of), department, district, status)
        rows = [svc.task_out(v).model_dump(mode="json") for v in views]
        cols = ["task_id", "department", "measure", "target_name", "region_code", "deadline", "status",
                "closed_by"]
        _print(rows, cols, f"punishment tasks on {_day(as_of)}", as_json)

    @punish.command("close")
    def close_cmd(
        task_id: Annotated[str, typer.Argument(help="the task's id (credgraph punish tasks)")],
        by: Annotated[str, typer.Option("--by", help="who carried it out (department officer)")],
        feedback: Annotated[str, typer.Option("--feedback", help="how it was carried out")],
        on: Annotated[str | None, typer.Option("--on", help="YYYY-MM-DD it was done; default: now")] = None,
    ) -> None:
        """Record a task as carried out, by whom, when, with the department's feedback."""
        from api.services import punish as svc

        when = datetime.combine(_day(on), datetime.min.time()) if on else None
        try:
            view = svc.open_tasks(_settings(None)).close(task_id, by, feedback, when)
        except CredgraphError as exc:
            raise _fail(exc) from exc
        console.print(f"{view.task.task_id} closed by {view.closed_by} at {view.closed_at:%Y-%m-%d}")

    @punish.command("rate")
    def rate_cmd(
        by: Annotated[str, typer.Option("--by", help="district or department")] = "district",
        as_of: AsOfOpt = None, as_json: JsonOpt = False,
    ) -> None:
        """信用惩戒执行率: tasks done on time / tasks due, per district or per department."""
        from api.services import punish as svc

        if by not in svc.RATE_GROUPS:
            raise typer.BadParameter("--by is district or department")
        day = _day(as_of)
        rows = [r.model_dump() for r in svc.rates(svc.open_tasks(_settings(None)), by, day)]
        for r in rows:
            r["rate"] = None if r["rate"] is None else f"{r['rate']:.1%}"
        cols = ["group", "tasks", "due", "done_on_time", "done_late", "overdue", "open", "rate"]
        _print(rows, cols, f"execution rate per {by} on {day}", as_json)

    @punish.command("feedback")
    def feedback_cmd(
        events: Annotated[
            Path, typer.Argument(exists=True, dir_okay=False, help="events.jsonl with inspections")
        ],
        data: DataOpt = None, graph: GraphOpt = None, as_of: AsOfOpt = None,
        depth: Annotated[int, typer.Option(help="affiliation hops of neighbours rescored")] = 1,
    ) -> None:
        """Information feedback: inspection results (source=inspection) read, resolved and loaded;
        their subjects and neighbours rescored with the registry's model; tier changes logged."""
        from api.services.feedback import all_subjects, apply_inspections, model_rescore
        from api.services.loaders import load_resolver
        from api.services.punish import punish_db
        from graph.feedback import FeedbackLog

        try:
            settings = _settings(graph)
            day = _day(as_of)
            store = _store(settings, data)
            try:
                resolver = load_resolver(settings, store)
                if data is not None:  # a fresh embedded graph: score it first, the tiers before
                    store.write_risk_scores(model_rescore(store, settings, day)(all_subjects(store)))
                report = apply_inspections(
                    events, store, resolver, model_rescore(store, settings, day),
                    FeedbackLog(punish_db(settings)), day, settings.tier_thresholds, depth,
                )
            finally:
                store.close()
        except CredgraphError as exc:
            raise _fail(exc) from exc
        changed = {c.subject_id: c for c in report.changes}
        moves = {k: (f"{c.from_tier or '-'} -> {c.to_tier}", c.event_id) for k, c in changed.items()}
        rows = [
            {"subject_id": sid, "before": None if b is None else f"{b:.4f}", "after": f"{a:.4f}",
             "tier_change": moves.get(sid, ("", ""))[0], "event_id": moves.get(sid, ("", ""))[1]}
            for _, sid, b, a in report.scores
        ]
        cols = ["subject_id", "before", "after", "tier_change", "event_id"]
        _print(rows, cols, f"rescored after inspection feedback {report.outcomes}", False)
        console.print(f"{report.events} inspection(s), {len(report.inspected)} subject link(s), "
                      f"{report.rescored} rescored, {len(report.changes)} tier change(s)")
