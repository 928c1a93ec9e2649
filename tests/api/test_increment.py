"""Differential test of daily increments (issue 14): a base load plus monthly increments of one
generated world must give the graph and the resolutions one full run over the whole world gives,
and every subject an increment rescored must carry the full run's score (same model, same as-of),
on the embedded store and on Neo4j. The same increment twice changes nothing; a steward verdict
stands against the matcher.

The world is cut by bench.increment_split: the base holds what is dated before October 2025 (31
firms first registered under an older name, 37 deregistered later, an affiliation that ends),
then one increment a month. Provenance (file and line a row was read from) differs by design and
is left out of the comparison; risk properties are compared for the rescored subjects only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from api.pipeline import run_pipeline
from api.services.increment import IncrementReport, apply_increment
from api.settings import Settings
from bench.increment_split import Split, monthly_cuts, split_by_date
from gnn.config import RiskConfig
from gnn.scoped import score_scope
from graph.increment import stored_links
from graph.memory_store import MemoryStore
from graph.model import NodeLabel
from ingest.dataset import read_dataset
from ingest.increment import read_increment
from ingest.records import Dataset
from ingest.synth import generate
from resolution.decisions import DecisionRecord, StewardDecisions, Verdict
from resolution.pipeline import active_resolver, fit_resolver, record_contexts
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver, ResolverConfig

pytestmark = pytest.mark.slow
AS_OF = date(2025, 12, 31)
LABEL = {"firm": NodeLabel.FIRM, "person": NodeLabel.PERSON}


@dataclass
class World:
    split: Split
    settings: Settings
    full: MemoryStore


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("increment")
    generate(root / "world", 300, 3, progress=False)
    split = split_by_date(root / "world", root / "split", monthly_cuts(date(2025, 10, 1), 3))
    base = read_dataset(split.base)
    resolver = Resolver.from_dataset(base, ResolverConfig())
    fit_resolver(resolver, record_contexts(resolver, base))
    reg = MatcherRegistry(root / "matcher")
    reg.promote(reg.save(resolver, [], {}), "the matcher both paths use")
    settings = Settings(
        matcher_dir=root / "matcher", model_dir=root / "models", review_db_url=f"sqlite:///{root}/queue.db"
    )
    full = MemoryStore()
    run_pipeline(root / "world", root / "full", settings, AS_OF, progress=False, store=full)
    return World(split, settings, full)


def _resolver_factory(settings: Settings, decisions: StewardDecisions | None = None) -> Any:
    def make(ds: Dataset) -> Resolver:
        return active_resolver(ds, ResolverConfig(), decisions, settings.matcher_dir)[0]

    return make


def _score(settings: Settings) -> Any:
    def score(tables: Any, as_of: date, scope: set[tuple[str, str]]) -> Any:
        return score_scope(tables, as_of, RiskConfig(seed=settings.seed), settings.model_dir, scope)

    return score


def _apply(
    w: World, store: Any, current: Dataset, folder: Path, make: Any = None
) -> tuple[Dataset, IncrementReport]:
    inc = read_increment(folder, {f.uscc for f in current.firms}, {p.person_id for p in current.persons})
    return apply_increment(
        store,
        current,
        inc,
        make or _resolver_factory(w.settings),
        _score(w.settings),
        AS_OF,
        w.settings.tier_thresholds,
    )


def incremental(w: World, store: Any, tmp: Path) -> tuple[Dataset, list[IncrementReport]]:
    run_pipeline(w.split.base, tmp / "base", w.settings, AS_OF, progress=False, store=store)
    current = read_dataset(w.split.base)
    reports = []
    for folder in w.split.increments:
        current, rep = _apply(w, store, current, folder)
        reports.append(rep)
    return current, reports


def canonical(store: Any) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Every node table and edge table as sorted row tuples (the same export on both stores)."""
    t = store.export_tables()
    nodes = {
        str(k): sorted(map(str, df.sort_index(axis=1).itertuples(index=False))) for k, df in t.nodes.items()
    }
    edges = {
        str(k): sorted(map(str, df.sort_index(axis=1).itertuples(index=False))) for k, df in t.edges.items()
    }
    return nodes, edges


def nx_facts(store: MemoryStore) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Every node's and edge's properties, provenance and risk left out."""

    def drop(p: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if not k.startswith(("prov_", "risk_"))}

    g = store.graph
    return (
        {n: drop(p) for n, p in g.nodes(data=True)},
        {(u, v, k): drop(p) for u, v, k, p in g.edges(keys=True, data=True)},
    )


def assert_same_as_full(w: World, store: Any, reports: list[IncrementReport]) -> None:
    assert canonical(store) == canonical(w.full)
    assert stored_links(store.export_tables()) == stored_links(w.full.export_tables())
    last = reports[-1]
    assert last.rescored > 0
    for st, sid in last.rescored_subjects:
        want, got = w.full.risk(LABEL[st], sid), store.risk(LABEL[st], sid)
        assert want is not None and got is not None
        assert (got.score, got.own_score, got.model_version) == (
            want.score,
            want.own_score,
            want.model_version,
        )


@pytest.fixture(scope="module")
def memory_run(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[MemoryStore, Dataset, list[IncrementReport]]]:
    store = MemoryStore(keep_tables=True)  # as a served store: each increment patches the last export
    current, reports = incremental(world, store, tmp_path_factory.mktemp("mem"))
    yield store, current, reports


def test_base_plus_increments_equals_full_run_in_memory(world: World, memory_run: Any) -> None:
    store, _, reports = memory_run
    assert nx_facts(store) == nx_facts(world.full)
    assert_same_as_full(world, store, reports)
    first = reports[0]
    # the renamed firms of the first month re-examined old links, and some changed
    assert first.registry["changed_firms"] > 0 and first.records_rechecked > 0 and first.links_changed > 0
    assert {"merge", "resolve", "load", "links", "scope", "rescore"} <= set(first.seconds)


def test_same_increment_twice_changes_nothing(world: World, memory_run: Any) -> None:
    store, current, _ = memory_run
    before = nx_facts(store), {n: dict(p) for n, p in store.graph.nodes(data=True)}
    again, rep = _apply(world, store, current, world.split.increments[-1])
    assert not any(rep.registry.values())
    assert (rep.links_added, rep.links_changed, rep.links_removed, rep.rescored) == (0, 0, 0, 0)
    assert (nx_facts(store), {n: dict(p) for n, p in store.graph.nodes(data=True)}) == before
    assert len(again.events) == len(current.events)


def test_steward_verdict_stands_across_an_increment(world: World, tmp_path: Path) -> None:
    """A new event the matcher auto-links: a steward's no_match on that pair keeps it unlinked."""
    store = MemoryStore()
    run_pipeline(world.split.base, tmp_path / "base", world.settings, AS_OF, progress=False, store=store)
    current = read_dataset(world.split.base)
    folder = world.split.increments[0]
    full_links = stored_links(world.full.export_tables())
    auto = [
        (k[0], k[1], e)
        for k, ents in full_links.items()
        for e, (_, d) in ents.items()
        if d == "auto_link" and k[0] == "events"
    ]
    new_ids = {e.event_id for e in read_increment(folder, set(), set()).events}
    source, record, (etype, eid) = next(x for x in auto if x[1] in new_ids)
    verdict = DecisionRecord(
        1, None, source, record, etype, eid, Verdict.NO_MATCH, "steward", datetime(2025, 10, 2, tzinfo=UTC)
    )
    decisions = StewardDecisions.from_records([verdict])
    _, rep = _apply(world, store, current, folder, _resolver_factory(world.settings, decisions))
    links = stored_links(store.export_tables())
    assert links[(source, record)][(etype, eid)][1] == "rejected"
    assert any(r["record_id"] == record and r["new_decision"] == "rejected" for r in rep.link_changes)


@pytest.mark.neo4j
def test_base_plus_increments_equals_full_run_on_neo4j(
    world: World, neo4j_driver: Any, tmp_path: Path
) -> None:
    import os

    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_driver, os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=500)
    store.clear()
    store.ensure_schema()
    _, reports = incremental(world, store, tmp_path)
    assert_same_as_full(world, store, reports)
