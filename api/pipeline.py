"""`credgraph run`: ingest → resolve → load → risk → outputs, one stage after the other.

The orchestration is here, at the edge, so every stage below stays a pure function of plain data
(or, for graph/, of a store handed in). Each stage is timed for the run summary.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from api.settings import Settings
from graph.features_cut import default_as_of
from graph.model import RiskScore
from graph.store import GraphStore, open_store
from ingest.atomic import atomic_open, write_text_atomic
from ingest.dataset import read_dataset, write_quarantine_report
from ingest.errors import ConfigError
from resolution.links import Link

if TYPE_CHECKING:
    from graph.bulk_load import ManagedServer
    from ingest.records import Dataset
    from resolution.resolver import Resolver
    from resolution.review_queue import ReviewQueue

RESOLUTION_COLUMNS = ["source", "record_id", "entity_type", "entity_id", "score", "decision", "evidence"]
RISK_COLUMNS = [
    "subject_type", "subject_id", "score", "own_score", "related_score", "model_version", "top_reasons",
]


@dataclass
class RunSummary:
    rows_read: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    warnings: int = 0
    links: dict[str, int] = field(default_factory=dict)
    graph_counts: dict[str, int] = field(default_factory=dict)
    risk_scored: int = 0
    as_of: str = ""
    model_version: str = ""
    matcher: str = ""  # which matcher resolved: the promoted version, or the unsupervised fit
    matcher_version: str = ""
    engine: dict[str, object] = field(default_factory=lambda: {"name": "local"})  # where resolution ran
    load: dict[str, object] = field(default_factory=lambda: {"by": "bolt"})  # how the graph was filled
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - start, 3)


def matcher_dir(settings: Settings) -> Path:
    """The matcher registry folder (CREDGRAPH_MATCHER_DIR, default CREDGRAPH_MODEL_DIR/matcher)."""
    return settings.matcher_dir or settings.model_dir / "matcher"


def store_from_settings(settings: Settings) -> GraphStore:
    return open_store(
        settings.graph_uri,
        user=settings.neo4j_user,
        password=settings.neo4j_password,
        database=settings.neo4j_database,
        batch_size=settings.load_batch_size,
        retry_s=settings.neo4j_retry_s,
        connect_timeout_s=settings.neo4j_connect_timeout_s,
    )


def check_memory(rows_read: dict[str, int], progress: bool) -> None:
    """Refuse a run the embedded store cannot hold before it starts (graph.memory_budget's estimate)."""
    from graph.memory_budget import available_from, judge

    def text(path: str) -> str | None:
        try:
            return Path(path).read_text()
        except OSError:
            return None

    available = available_from(
        text("/proc/meminfo") or "", text("/sys/fs/cgroup/memory.max"), text("/sys/fs/cgroup/memory.current")
    )
    if not available:
        return  # not Linux, or nothing readable: no basis for a verdict
    verdict = judge(rows_read, available)
    if verdict.refuse:
        raise ConfigError(verdict.message())
    if verdict.warn and progress:
        print(f"warning: {verdict.message()}", file=sys.stderr)


def run_pipeline(
    data_dir: Path,
    out_dir: Path,
    settings: Settings,
    as_of: date | None = None,
    progress: bool = True,
    store: GraphStore | None = None,
) -> RunSummary:
    """Run every stage on one data directory and write the contract's outputs into out_dir.

    A store passed in is used and left open (`credgraph serve --data` serves it afterwards);
    otherwise one is opened from the settings and closed at the end."""
    from gnn.pipeline import RiskConfig, score_risk
    from resolution.pipeline import active_resolver
    from resolution.registry import MatcherRegistry
    from resolution.resolver import ResolverConfig
    from resolution.review_queue import ReviewQueue

    if settings.first_load == "import":
        import_server(settings)  # refuse now, not after resolving
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary()
    with summary.stage("ingest"):
        ds = read_dataset(data_dir, progress=progress)
        summary.rows_read = dict(ds.rows_read)
        summary.quarantined = len(ds.quarantine)
        write_quarantine_report(ds.quarantine, out_dir / "quarantine.csv")
        # values cleared on rows that still loaded (bad phone, masked legal-rep id...): reported apart
        write_quarantine_report(ds.warnings, out_dir / "warnings.csv")
        summary.warnings = len(ds.warnings)
    if store is None and not settings.uses_neo4j and settings.memory_check:
        check_memory(ds.rows_read, progress)

    with summary.stage("resolve"):
        queue = ReviewQueue(settings.review_db_url)
        registry = MatcherRegistry(matcher_dir(settings))
        resolver, summary.matcher = active_resolver(
            ds, ResolverConfig(workers=settings.resolve_workers), queue.steward_decisions(), registry.root
        )
        summary.matcher_version = resolver.model_version
        resolver.save(out_dir / "matcher")  # the matcher that wrote these links (serve --data uses it)
        links = resolve_links(resolver, ds, queue, settings, summary)
        write_resolutions(links, out_dir / "resolutions.csv")
        for link in links:
            summary.links[link.decision.value] = summary.links.get(link.decision.value, 0) + 1

    owned = store is None
    store = store if store is not None else store_from_settings(settings)
    try:
        with summary.stage("load"):
            if settings.first_load == "import":
                summary.load = first_load_by_import(store, ds, links, out_dir, settings)
            else:
                store.ensure_schema()
                store.load_dataset(ds, progress=progress)
                store.write_links(links)
        with summary.stage("risk"):
            tables = store.export_tables()
            # one rule for run, train and score: the latest credit-record or event date (not founding dates)
            as_of = as_of or default_as_of(tables)
            summary.as_of = as_of.isoformat()
            scores = score_risk(tables, as_of, RiskConfig(seed=settings.seed), settings.model_dir)
            store.write_risk_scores(scores)
            write_risk_scores(scores, out_dir / "risk_scores.csv")
            summary.risk_scored = len(scores)
            summary.model_version = scores[0].model_version if scores else ""
        summary.graph_counts = store.counts()
    finally:
        if owned:
            store.close()
    write_text_atomic(out_dir / "summary.json", json.dumps(summary.__dict__, ensure_ascii=False, indent=2))
    return summary


def resolve_links(
    resolver: Resolver, ds: Dataset, queue: ReviewQueue, settings: Settings, summary: RunSummary
) -> list[Link]:
    """Every record's links, on this machine or on the Spark master the settings name (same rows)."""
    if settings.engine != "spark":
        from resolution.pipeline import resolve_with

        return resolve_with(resolver, ds, queue)
    from resolution.spark_engine import SparkOptions, resolve_dataset_on_spark

    links, stats = resolve_dataset_on_spark(
        resolver, ds, SparkOptions(master=settings.spark_master, conf=settings.spark_conf), queue
    )
    summary.engine = {
        "name": "spark", "master": settings.spark_master, "units": stats.units,
        "partitions": stats.partitions, "executors": stats.executors_seen,
        "scoring_processes": stats.scoring_processes, "seconds": stats.seconds,
    }
    return links


def import_server(settings: Settings) -> ManagedServer:
    """The server `--first-load import` works on; refused before any work when there is none."""
    from graph.bulk_load import ManagedServer

    server = ManagedServer()
    if not settings.uses_neo4j or not server.serves(settings.graph_uri):
        raise ConfigError(
            f"--first-load import needs the Neo4j server scripts/neo4j.sh runs on this machine "
            f"(--graph bolt://127.0.0.1:{server.bolt_port}, its NEO4J_BOLT_PORT), not {settings.graph_uri}"
        )
    return server


def first_load_by_import(
    store: GraphStore, ds: Dataset, links: list[Link], out_dir: Path, settings: Settings
) -> dict[str, object]:
    """Fill an empty Neo4j database with neo4j-admin's importer, then create the schema (graph.bulk_load)."""
    import shutil

    from graph.bulk_load import bulk_first_load

    server = import_server(settings)
    work = out_dir / "neo4j-import"
    report = bulk_first_load(store.counts(), ds, links, work, server, settings.neo4j_database)
    store.ensure_schema()
    shutil.rmtree(work, ignore_errors=True)  # the database holds it now; the files only cost disk
    return {"by": "neo4j-admin import", "nodes": report.nodes, "relationships": report.relationships,
            "seconds": report.seconds}


def write_resolutions(links: list[Link], path: Path) -> None:
    with atomic_open(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(RESOLUTION_COLUMNS)
        for link in links:
            writer.writerow([
                link.source.value, link.record_id, link.entity_type.value, link.entity_id,
                f"{link.score:.4f}", link.decision.value, link.evidence,
            ])


def write_risk_scores(scores: list[RiskScore], path: Path) -> None:
    with atomic_open(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(RISK_COLUMNS)
        for s in scores:
            writer.writerow([
                s.subject_type.value, s.subject_id, f"{s.score:.6f}", f"{s.own_score:.6f}",
                f"{s.related_score:.6f}", s.model_version, s.top_reasons,
            ])
