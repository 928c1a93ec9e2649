"""Risk commands: train, score, evaluate-risk, retrain, inspect-draw (thin: parse, call gnn/, print)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from graph.tables import GraphTables
from ingest.errors import CredgraphError

console = Console(stderr=True)

DataDir = Annotated[
    Path, typer.Argument(exists=True, file_okay=False, help="data directory (contract format)")
]
AsOf = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default: latest record/event date")]
GraphOpt = Annotated[str | None, typer.Option("--graph", help="memory or bolt://host:port")]
ModelDir = Annotated[Path | None, typer.Option("--model-dir", help="model registry folder")]
LinksOpt = Annotated[
    str, typer.Option("--links", help="resolve | truth (benchmarks: ground-truth links) | none")
]


def _settings(graph: str | None) -> Settings:
    s = Settings()  # type: ignore[call-arg]  # fields come from the environment
    return s.model_copy(update={"graph_uri": graph}) if graph else s


def load_tables(
    data_dir: Path, settings: Settings, links: str = "resolve", progress: bool = True
) -> GraphTables:
    """Read a data dir, link its subject-less records, load the store named in settings, export tables."""
    from api.pipeline import store_from_settings
    from ingest.dataset import read_dataset
    from ingest.records import SubjectType

    ds = read_dataset(data_dir, progress=progress)
    link_list = []
    if links == "resolve":
        from resolution.pipeline import resolve_dataset
        from resolution.review_queue import ReviewQueue

        link_list = resolve_dataset(ds, None, ReviewQueue(settings.review_db_url))
    elif links == "truth":
        from ingest.dataset import read_truth
        from resolution.links import Decision, Link, LinkSource

        truth = read_truth(data_dir)
        for src, rows in (
            (LinkSource.EVENTS, truth.events),
            (LinkSource.CREDIT_RECORDS, truth.credit_records),
        ):
            link_list += [
                Link(src, rid, SubjectType(kind), code, 1.0, Decision.AUTO_LINK, "ground truth", "truth")
                for rid, kind, code in rows
            ]
    store = store_from_settings(settings)
    try:
        store.ensure_schema()
        store.load_dataset(ds, progress=progress)
        store.write_links(link_list)
        return store.export_tables()
    finally:
        store.close()


def _as_of(tables: GraphTables, as_of: str | None) -> date:
    from graph.features_cut import default_as_of

    return date.fromisoformat(as_of) if as_of else default_as_of(tables)


def _metrics_table(title: str, metrics: dict) -> Table:
    t = Table(title=title)
    t.add_column("metric")
    t.add_column("value", justify="right")
    for k, v in metrics.items():
        t.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    return t


def register(app: typer.Typer) -> None:
    @app.command()
    def train(
        data_dir: DataDir,
        as_of: AsOf = None,
        graph: GraphOpt = None,
        model_dir: ModelDir = None,
        links: LinksOpt = "resolve",
    ) -> None:
        """Train the risk model on snapshots before the cutoff; save a version in the registry."""
        from gnn.config import RiskConfig
        from gnn.pipeline import train_risk

        settings = _settings(graph)
        try:
            tables = load_tables(data_dir, settings, links)
            res = train_risk(
                tables, _as_of(tables, as_of), RiskConfig(seed=settings.seed), model_dir or settings.model_dir
            )
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        console.print(
            _metrics_table(f"risk model {res.version} ({res.model.kind}), {res.seconds:.1f}s", res.metrics)
        )

    @app.command()
    def score(
        data_dir: DataDir,
        out: Annotated[Path, typer.Option("--out", help="risk_scores.csv path")] = Path("risk_scores.csv"),
        as_of: AsOf = None,
        graph: GraphOpt = None,
        model_dir: ModelDir = None,
        links: LinksOpt = "resolve",
    ) -> None:
        """Score every firm and person at the cutoff; write risk_scores.csv (trains first if no model)."""
        from api.pipeline import write_risk_scores
        from gnn.config import RiskConfig
        from gnn.pipeline import score_risk

        settings = _settings(graph)
        try:
            tables = load_tables(data_dir, settings, links)
            scores = score_risk(
                tables, _as_of(tables, as_of), RiskConfig(seed=settings.seed), model_dir or settings.model_dir
            )
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        if out.suffix != ".csv":
            out = out / "risk_scores.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        write_risk_scores(scores, out)
        console.print(f"{len(scores)} subjects scored -> {out}")

    @app.command("evaluate-risk")
    def evaluate_risk(
        data_dir: DataDir,
        as_of: Annotated[str, typer.Option("--as-of", help="test cutoff")],
        out: Annotated[Path, typer.Option("--out", help="folder for the table and plot")] = Path("risk-eval"),
        graph: GraphOpt = None,
        links: LinksOpt = "resolve",
    ) -> None:
        """Own-records GBM, graph GBM, personalised PageRank and GNN on (as_of, as_of + 12 months]."""
        from gnn.config import RiskConfig
        from gnn.evaluate import evaluate_models

        settings = _settings(graph)
        tables = load_tables(data_dir, settings, links)
        rep = evaluate_models(tables, date.fromisoformat(as_of), RiskConfig(seed=settings.seed))
        out.mkdir(parents=True, exist_ok=True)
        (out / "risk_eval.md").write_text(rep.to_markdown() + "\n", encoding="utf-8")
        rep.plot_precision_at_k(out / "risk_precision_at_k.png")
        rep.plot_precision_at_k(out / "risk_precision_at_k_no_own.png", subset="no_own_record")
        print(rep.to_markdown())
        console.print(f"table and plots in {out}/")

    @app.command()
    def retrain(
        data_dir: DataDir,
        graph: GraphOpt = None,
        model_dir: ModelDir = None,
        links: LinksOpt = "resolve",
        tolerance: Annotated[float, typer.Option("--tolerance", help="ROC-AUC a candidate may lose")] = 0.0,
        matcher: Annotated[
            bool, typer.Option("--matcher", help="retrain the matcher from steward verdicts instead")
        ] = False,
    ) -> None:
        """Retrain the risk model (or, with --matcher, the matcher); promote only if not worse."""
        from gnn.config import RiskConfig
        from gnn.registry import ModelRegistry
        from gnn.retrain import retrain_risk

        settings = _settings(graph)
        if matcher:
            try:
                retrain_matcher_cli(data_dir, settings)
            except CredgraphError as exc:
                console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from exc
            return
        tables = load_tables(data_dir, settings, links)
        registry = ModelRegistry(model_dir or settings.model_dir)
        res = retrain_risk(tables, RiskConfig(seed=settings.seed), registry, tolerance)
        console.print(
            f"risk model: {res.action} ({res.reason}); candidate {res.candidate_version}, "
            f"current was {res.current_version}"
        )

    @app.command()
    def tiers(
        scores: Annotated[Path, typer.Option("--scores", exists=True, help="risk_scores.csv")] = Path(
            "risk_scores.csv"
        ),
        folder: Annotated[
            Path, typer.Option("--history", help="folder keeping the tiers and their history")
        ] = Path("tiers"),
        as_of: Annotated[str, typer.Option("--as-of", help="date of this assignment (YYYY-MM-DD)")] = "",
        source: Annotated[
            str, typer.Option("--source", help="run (replaces tiers.csv); rescore, feedback (merge)")
        ] = "run",
        run: Annotated[str, typer.Option("--run", help="run id (default: the as-of date)")] = "",
        to_db: Annotated[
            bool, typer.Option("--db/--no-db", help="also record into the API's tier history (punishment db)")
        ] = False,
    ) -> None:
        """Credit tiers A/B/C/D from the scores; record changes; list the subjects whose tier fell.
        Recording the same run again adds nothing."""
        from gnn.inspection import read_risk_scores
        from gnn.tiers import SOURCES, assign, counts, record

        if source not in SOURCES:
            raise typer.BadParameter(f"--source must be one of {', '.join(SOURCES)}")
        settings = _settings(None)
        rows = assign(read_risk_scores(scores), settings.tier_thresholds)
        when = date.fromisoformat(as_of) if as_of else date.today()
        run_id = run or when.isoformat()
        changes = record(rows, folder, when, source, run_id)
        declined = sum(1 for c in changes if c["direction"] == "declined")
        console.print(json.dumps(counts(rows)))
        console.print(
            f"{len(changes)} tier changes, {declined} declined -> key supervision; "
            f"{folder}/tiers.csv, tier_history.jsonl, key_supervision.csv"
        )
        if to_db:
            from api.services.tiers import TierHistory, feedback_changes

            history = TierHistory(settings)
            added = history.log.record(rows, when, source, run_id, others=feedback_changes(history.feedback))
            console.print(f"{len(added)} tier changes recorded in the API's tier history")

    @app.command("inspect-draw")
    def inspect_draw(
        n: Annotated[int, typer.Option("--n", help="inspections to draw")],
        seed: Annotated[int, typer.Option("--seed", help="random seed (saved for audit)")],
        scores: Annotated[
            Path | None,
            typer.Option("--scores", exists=True, help="default: the latest run's risk_scores.csv"),
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="audit JSON")] = Path("inspection_draw.json"),
        by_tier: Annotated[
            bool, typer.Option("--by-tier/--by-rank", help="weight by credit tier A-D, or by rank share")
        ] = True,
    ) -> None:
        """Risk-weighted random inspection draw (双随机): reproducible, tiers and seed saved for audit."""
        from api.commands.last_run import latest_scores
        from gnn.inspection import draw, draw_by_credit_tier, read_risk_scores

        if scores is None:
            try:
                scores = latest_scores()
            except CredgraphError as exc:
                console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from exc
            console.print(f"drawing from {scores}")
        rows = read_risk_scores(scores)
        if by_tier:
            result = draw_by_credit_tier(rows, n, seed, _settings(None).tier_thresholds)
        else:
            result = draw(rows, n, seed)
        result.save(out)
        console.print(json.dumps(result.tiers, ensure_ascii=False))
        console.print(f"{len(result.selected)} subjects drawn -> {out}")


def retrain_matcher_cli(data_dir: Path, settings: Settings) -> None:
    """`credgraph retrain --matcher DATA`: EM + supervised matcher on every verdict, compared with
    the incumbent, saved in the registry and promoted only if better; after a promotion the
    question pool is rescored and a persistent graph (Neo4j) is relinked in place."""
    from api.pipeline import matcher_dir, store_from_settings
    from api.services.resolution import relink_graph
    from ingest.dataset import read_dataset
    from resolution.pipeline import resolve_with
    from resolution.registry import MatcherRegistry
    from resolution.review_queue import ReviewQueue
    from resolution.training import retrain_to_registry

    ds = read_dataset(data_dir, progress=False)
    queue = ReviewQueue(settings.review_db_url)
    registry = MatcherRegistry(matcher_dir(settings))
    res = retrain_to_registry(ds, queue.steward_decisions(), registry)
    reports = registry.root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    report = reports / f"{res.candidate or 'refused-' + str(len(registry.history()))}.md"
    report.write_text(res.report(), encoding="utf-8")
    print(res.report())
    console.print(f"report: {report}")
    if not res.promoted or res.resolver is None:
        return
    links = resolve_with(res.resolver, ds, queue)  # the question pool now reflects the new matcher
    if settings.graph_uri == "memory":
        console.print("graph in memory: the next `credgraph run` / `serve` uses the promoted matcher")
        return
    records = {("events", e.event_id) for e in ds.events}
    records |= {("credit_records", r.record_id) for r in ds.credit_records if r.needs_resolution}
    store = store_from_settings(settings)
    try:
        console.print(f"graph relinked: {relink_graph(store, links, records, settings)}")
    finally:
        store.close()
