"""Apply a daily increment to a served graph: merge, resolve what it reaches, load, relink, rescore.

One increment, in stages (each timed for the report):
1. merge: the increment's rows upserted into the current registry and records (ingest.increment);
   nothing changed (the same increment again) means nothing more is done;
2. resolve: the increment's records and the old records its registry changes reach, with the
   fixed matcher, steward verdicts applied (resolution.increment); records a steward decided are
   re-resolved too, so a verdict given since the last increment reaches the graph; the stored
   links it needs (those naming a touched entity, those of the re-resolved records) are read from
   the store directly (records_links, entity_links), not from an export of the whole graph;
3. load: the new and changed rows upserted (graph writes are MERGEs, so a repeat is a no-op);
4. links: each re-resolved record's links replaced; one left with no candidate loses its links;
5. tables and rescore: the graph exported (a served embedded store patches its last export:
   graph.export_patch), the risk model scores it at `as_of` and only the scope is written: subjects of
   changed links, records and registry rows, their affiliation neighbours within the model's
   reach and their shared-contact neighbours (graph.increment.rescore_scope). Scores that move only
   because time passes are the scheduled full rescore's job (`credgraph rescore`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graph.increment import LinkDiff, link_diff, linked_to, links_before, links_naming, rescore_scope
from graph.model import NodeLabel, RiskScore
from ingest.increment import Changes, merge_increment
from ingest.records import Dataset, Firm, Person, SubjectType
from resolution.gazetteer import Gazetteer, reusing
from resolution.increment import IncrementResolution, resolve_increment, touched_entities
from resolution.links import Link, LinkSource
from resolution.resolver import Resolver

ScoreScope = Callable[[Any, date, set[tuple[str, str]]], list[RiskScore]]  # (tables, as_of, scope)
_TYPES = {NodeLabel.FIRM: "firm", NodeLabel.PERSON: "person"}


@dataclass
class IncrementReport:
    """What one increment read, changed and cost (seconds per stage)."""

    increment: str = ""
    rows_read: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    warnings: int = 0
    registry: dict[str, int] = field(default_factory=dict)
    records_new: int = 0
    records_rechecked: int = 0
    links_added: int = 0
    links_changed: int = 0
    links_removed: int = 0
    link_changes: list[dict[str, Any]] = field(default_factory=list)
    rescored: int = 0
    rescored_subjects: list[tuple[str, str]] = field(default_factory=list)
    tier_changes: list[dict[str, Any]] = field(default_factory=list)
    as_of: str = ""
    model_version: str = ""
    matcher_version: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def changed_rows(inc: Dataset, changes: Changes) -> Dataset:
    """The increment's rows that are new or changed (unchanged rows are not rewritten, so their
    provenance stays where they were first read)."""
    from ingest.increment import affiliation_key

    firms = set(changes.new_firms) | set(changes.changed_firms)
    persons = set(changes.new_persons) | set(changes.changed_persons)
    affs = set(changes.new_affiliations) | set(changes.changed_affiliations)
    credit = set(changes.new_credit_records) | set(changes.changed_credit_records)
    events = set(changes.new_events) | set(changes.changed_events)
    return Dataset(
        firms=[f for f in inc.firms if f.uscc in firms],
        persons=[p for p in inc.persons if p.person_id in persons],
        affiliations=[a for a in inc.affiliations if affiliation_key(a) in affs],
        credit_records=[r for r in inc.credit_records if r.record_id in credit],
        events=[e for e in inc.events if e.event_id in events],
    )


def old_contacts(changes: Changes) -> tuple[list[str], list[str]]:
    """Address and Phone keys the replaced rows of changed subjects were registered at."""
    from graph.rows import address_key, phone_keys

    olds: list[Firm | Person] = [*changes.old_firms.values(), *changes.old_persons.values()]
    addresses = sorted({a for x in olds if (a := address_key(x.address)) is not None})
    phones = sorted({p for x in olds for p in phone_keys(x.phone)})
    return addresses, phones


def _steward_records(resolver: Resolver) -> set[tuple[str, str]]:
    return {(k[0], k[1]) for k in resolver.decisions.latest}


@contextmanager
def served_state_frozen() -> Iterator[None]:
    """The objects alive before the increment (a served city's graph, registry and kept tables:
    tens of millions) are left out of the cyclic garbage collector's passes while it runs, and
    handed back after. Each full pass walked all of them: at 200,000 firms that was a third of
    building the gazetteer (36 s -> 25 s). Only when garbage is found changes, never what."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@served_state_frozen()
def apply_increment(
    store: Any,
    base: Dataset,
    inc: Dataset,
    make_resolver: Callable[[Dataset], Resolver],
    score_scope: ScoreScope,
    as_of: date | None,
    thresholds: tuple[float, ...],
    depth: int = 2,
    queue: Any = None,
    previous: Gazetteer | None = None,
) -> tuple[Dataset, IncrementReport]:
    """Apply `inc` to the graph in `store` built from `base`; returns the merged dataset and the report.
    `previous`: the gazetteer a served resolver holds for the registry before the day, which the new
    one takes its unchanged records' values from (the same gazetteer, built in less time)."""
    from gnn.tiers import tier_of
    from graph.features_cut import default_as_of
    from resolution.pipeline import pool_links, record_texts

    report = IncrementReport(
        rows_read=dict(inc.rows_read), quarantined=len(inc.quarantine), warnings=len(inc.warnings)
    )
    with report.stage("merge"):
        merged, changes = merge_increment(base, inc)
        report.registry = changes.counts()
    if changes.empty():
        return merged, report
    with report.stage("resolve"):
        with reusing(previous):
            resolver = make_resolver(merged)
        version = report.matcher_version = resolver.model_version
        # targeted reads, not an export of the whole graph: only the links naming a touched entity
        # decide what is rechecked, and only the re-resolved records' links are compared
        named = links_naming(store, *touched_entities(changes, merged), version)
        res: IncrementResolution = resolve_increment(
            resolver, merged, changes, linked_to(named), extra=_steward_records(resolver)
        )
        before = links_before(store, res.records, version)
        report.records_new, report.records_rechecked = res.new_records, res.rechecked
    with report.stage("load"):
        # a changed subject is rewritten whole: fields it no longer has and contacts it left go
        store.reset_subjects(NodeLabel.FIRM, changes.changed_firms)
        store.reset_subjects(NodeLabel.PERSON, changes.changed_persons)
        store.load_dataset(changed_rows(inc, changes))
        addresses, phones = old_contacts(changes)
        store.delete_orphans(NodeLabel.ADDRESS, addresses)
        store.delete_orphans(NodeLabel.PHONE, phones)
    with report.stage("links"):
        diff: LinkDiff = link_diff(before, res.links, res.records)
        _write_links(store, res.links, res.records, resolver.model_version)
        if queue is not None:
            queue.refresh_links(pool_links(res.links, resolver.config), record_texts(merged))
        report.links_added, report.links_changed = len(diff.added), len(diff.changed)
        report.links_removed, report.link_changes = len(diff.removed), diff.rows()
    with report.stage("scope"):
        firms, persons = touched_entities(changes, merged)
        seeds = diff.entities() | {("firm", f) for f in firms} | {("person", p) for p in persons}
        for r in changed_rows(inc, changes).credit_records:
            if r.subject_id is not None:
                seeds.add((r.subject_type.value, r.subject_id))
        scope = rescore_scope(store, seeds, depth)
    with report.stage("tables"):
        tables = store.export_tables()
    with report.stage("rescore"):
        as_of = as_of or default_as_of(tables)
        report.as_of = as_of.isoformat()
        wanted = {(_TYPES[label], key) for label, key in scope}
        scores = [
            s for s in score_scope(tables, as_of, wanted) if (str(s.subject_type), s.subject_id) in wanted
        ]
        report.model_version = scores[0].model_version if scores else ""
    with report.stage("write"):
        for s in scores:
            old = store.risk(
                NodeLabel.FIRM if s.subject_type is SubjectType.FIRM else NodeLabel.PERSON, s.subject_id
            )
            old_tier = tier_of(old.score, thresholds) if old is not None else None
            new_tier = tier_of(s.score, thresholds)
            if old_tier != new_tier:
                report.tier_changes.append(
                    {
                        "subject_type": str(s.subject_type),
                        "subject_id": s.subject_id,
                        "from_score": None if old is None else old.score,
                        "to_score": s.score,
                        "from_tier": old_tier,
                        "to_tier": new_tier,
                    }
                )
        store.write_risk_scores(scores)
        report.rescored = len(scores)
        report.rescored_subjects = [(str(s.subject_type), s.subject_id) for s in scores]
    return merged, report


def _write_links(store: Any, links: list[Link], records: set[tuple[str, str]], version: str) -> None:
    store.write_links(links)
    linked = {(lk.source.value, lk.record_id) for lk in links}
    for source in LinkSource:
        bare = sorted(r for s, r in records - linked if s == source.value)
        if bare:
            store.delete_links(source, bare, version)


def data_files_hash(folder: Path) -> str:
    """sha256 over the contract files of a folder (names and bytes): which increment this was."""
    import hashlib

    h = hashlib.sha256()
    for name in ("firms.csv", "persons.csv", "affiliations.csv", "credit_records.csv", "events.jsonl"):
        p = Path(folder) / name
        if p.is_file():
            h.update(name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def ingest_folder(
    inc_dir: Path,
    state_dir: Path,
    settings: Any,
    base_dir: Path | None = None,
    as_of: date | None = None,
    matcher: Path | None = None,
    progress: bool = False,
    served: Any = None,
    previous: Gazetteer | None = None,
) -> IncrementReport:
    """`credgraph ingest`: apply the increment in `inc_dir` to the graph whose state is `state_dir`
    (see api.services.increment_state), initialising the state from `base_dir` the first time.
    `served` is a store already open (the API's, for POST /jobs/ingest): used and left open;
    `previous` the served resolver's gazetteer (see apply_increment)."""
    from api.pipeline import matcher_dir, run_pipeline, store_from_settings
    from api.services.increment_state import IncrementState
    from gnn.config import RiskConfig
    from gnn.scoped import score_scope
    from graph.memory_store import MemoryStore
    from ingest.dataset import read_dataset, write_quarantine_report
    from ingest.errors import ConfigError
    from ingest.increment import read_increment
    from resolution.pipeline import active_resolver
    from resolution.resolver import ResolverConfig
    from resolution.review_queue import ReviewQueue

    state = IncrementState.open(state_dir)
    memory = settings.graph_uri == "memory"
    if not state.initialised:
        if base_dir is None:
            raise ConfigError(f"{state_dir} holds no increment state yet: give --base DATA_DIR once")
        state.meta = {
            "base": str(Path(base_dir).resolve()),
            "graph_uri": settings.graph_uri,
            "model_dir": str(settings.model_dir),
            "matcher": str(matcher or state.base_run / "matcher"),
        }
        store: Any = served
        if store is None:
            store = MemoryStore(settings.load_batch_size) if memory else store_from_settings(settings)
        try:
            if store.counts().get(str(NodeLabel.FIRM), 0) == 0:
                run_pipeline(Path(base_dir), state.base_run, settings, as_of, progress=progress, store=store)
            if isinstance(store, MemoryStore):
                store.save(state.graph_snapshot)
        finally:
            if served is None:
                store.close()
        state.save_dataset(read_dataset(Path(base_dir)))
        state.save_meta()
    saved_matcher = Path(matcher or state.meta.get("matcher", state.base_run / "matcher"))
    report = IncrementReport(increment=Path(inc_dir).name)
    with report.stage("read"):
        base = state.dataset()
        inc = read_increment(
            Path(inc_dir),
            {f.uscc for f in base.firms},
            {p.person_id for p in base.persons},
            progress=progress,
        )
    queue = ReviewQueue(settings.review_db_url)

    def make_resolver(ds: Dataset) -> Resolver:
        resolver, origin = active_resolver(
            ds,
            ResolverConfig(workers=settings.resolve_workers),  # as `credgraph run` resolves
            queue.steward_decisions(),
            matcher_dir(settings),
            saved_matcher if (saved_matcher / "resolver.json").is_file() else None,
        )
        if origin.startswith(("unsupervised", "declared")):
            raise ConfigError("an increment needs a fixed matcher: promote one, or give --matcher DIR")
        return resolver

    def score_all(tables: Any, day: date, scope: set[tuple[str, str]]) -> list[RiskScore]:
        return score_scope(tables, day, RiskConfig(seed=settings.seed), settings.model_dir, scope)

    store = served
    if store is None:
        store = (
            MemoryStore.load(state.graph_snapshot, settings.load_batch_size)
            if memory
            else store_from_settings(settings)
        )
    try:
        merged, applied = apply_increment(
            store,
            base,
            inc,
            make_resolver,
            score_all,
            as_of,
            tuple(settings.tier_thresholds),
            queue=queue,
            previous=previous,
        )
        with applied.stage("save"):
            if isinstance(store, MemoryStore):
                store.save(state.graph_snapshot)
            state.save_dataset(merged)
    finally:
        if served is None:
            store.close()
    applied.increment = report.increment
    applied.seconds = {**report.seconds, **applied.seconds}
    path = state.record(applied.increment, data_files_hash(Path(inc_dir)), applied.as_dict())
    write_quarantine_report(inc.quarantine, path.with_name(path.stem + "-quarantine.csv"))
    return applied


def rescore_all(settings: Any, state_dir: Path | None, as_of: date | None) -> IncrementReport:
    """`credgraph rescore`: every subject scored at `as_of` (default: the data's latest date) and
    written; tier changes counted. The scheduled job that catches what time alone moves."""
    from api.pipeline import store_from_settings
    from api.services.increment_state import IncrementState
    from gnn.config import RiskConfig
    from gnn.pipeline import score_risk
    from gnn.tiers import tier_of
    from graph.features_cut import default_as_of
    from graph.memory_store import MemoryStore

    state = IncrementState.open(state_dir) if state_dir is not None else None
    memory = settings.graph_uri == "memory"
    if memory and (state is None or not state.graph_snapshot.is_file()):
        from ingest.errors import ConfigError

        raise ConfigError("the embedded graph is kept in a state folder: give --state DIR")
    report = IncrementReport(increment="rescore")
    store: Any = MemoryStore.load(state.graph_snapshot) if memory and state else store_from_settings(settings)
    try:
        with report.stage("rescore"):
            tables = store.export_tables()
            day = as_of or default_as_of(tables)
            report.as_of = day.isoformat()
            scores = score_risk(tables, day, RiskConfig(seed=settings.seed), settings.model_dir)
        with report.stage("write"):
            th = tuple(settings.tier_thresholds)
            for s in scores:
                label = NodeLabel.FIRM if s.subject_type is SubjectType.FIRM else NodeLabel.PERSON
                old = store.risk(label, s.subject_id)
                before = tier_of(old.score, th) if old is not None and old.model_version else None
                if before != tier_of(s.score, th):
                    report.tier_changes.append(
                        {
                            "subject_type": str(s.subject_type),
                            "subject_id": s.subject_id,
                            "from_tier": before,
                            "to_tier": tier_of(s.score, th),
                        }
                    )
            store.write_risk_scores(scores)
            report.rescored = len(scores)
            report.model_version = scores[0].model_version if scores else ""
            if memory and state is not None:
                store.save(state.graph_snapshot)
    finally:
        store.close()
    return report


def ingest_job(body: Any, app_state: Any) -> Callable[[], dict[str, Any]]:
    """POST /jobs/ingest: the increment applied to the served store; the served resolver is
    rebuilt afterwards, so /resolve knows the new registry. Returns the report without its lists."""

    def run() -> dict[str, Any]:
        settings = app_state.settings
        # the served matcher's gazetteer (when /resolve has built one): the day's gazetteers, the
        # increment's and the one /resolve is rebuilt with, take unchanged records' values from it
        served_gz = getattr(getattr(app_state, "resolver", None), "gz", None)
        report = ingest_folder(
            Path(body.folder),
            Path(body.state),
            settings,
            Path(body.base) if body.base else None,
            body.as_of,
            served=app_state.store,
            previous=served_gz,
        )
        loader = getattr(app_state, "resolver_loader", None)
        if loader is not None and any(report.registry.values()):
            with app_state.resolver_lock, reusing(served_gz):
                app_state.resolver = loader()
        out = report.as_dict()
        for k in ("link_changes", "tier_changes", "rescored_subjects"):
            out[k] = len(out[k])
        return out

    return run
