"""Resolution on Apache Spark: the single-machine links, computed by a cluster's executors.

Why this shape. credgraph finds candidates with automata and indexes over the whole registry (a
name, an address, a phone tail anywhere in free text), not with an equi-join on a blocking key,
so the registry side cannot be split by key the way Splink's Spark backend splits record pairs:
every record may meet any registered firm. What Spark distributes is the other side. The fitted
resolver (gazetteer, automata, Fellegi-Sunter and credit models, steward verdicts) is built once on
the driver and broadcast; each executor's Python worker unpickles it once. Records travel as Arrow
batches, partitioned by the unit the single-machine path scores (`batch_size` records in input
order, the chunks the forked workers get), and every unit is scored by the same
`Resolver.unit_links` inside a `mapInArrow` UDF. Output rows carry their unit and their place in
it, so the driver puts them back in the single machine's order: the same `resolutions.csv`, byte
for byte, whatever the number of executors.

pyspark is imported here and nowhere else in the code base (an optional extra: `pip install
'credgraph[spark]'`; Spark itself needs Java 17 or later).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ingest.codes import MaskedId
from ingest.errors import ConfigError
from ingest.records import SubjectType
from resolution.features import RecordContext
from resolution.links import Decision, Link, LinkSource
from resolution.resolver import split_units

if TYPE_CHECKING:
    from ingest.records import Dataset
    from resolution.resolver import Resolver
    from resolution.review_queue import ReviewQueue

# the order the single-machine path writes: an event batch's credit records (none), its other
# records, then the credit records' masked persons and their other records
PHASE_EVENT_CREDIT, PHASE_EVENTS, PHASE_CREDIT_PERSONS, PHASE_CREDIT_OTHERS = range(4)
_CREDIT_PHASES = (PHASE_EVENT_CREDIT, PHASE_CREDIT_PERSONS)

RECORD_SCHEMA = (
    "gid int, phase int, unit int, seq int, source string, record_id string, text string, raw_text string, "
    "region_code string, location string, subject_type string, mask_pattern string, "
    "mask_length int, mask_kind string"
)
LINK_SCHEMA = (
    "gid int, phase int, unit int, pos int, source string, record_id string, entity_type string, "
    "entity_id string, score double, decision string, evidence string, model_version string, scored_by string"
)


@dataclass(frozen=True)
class SparkOptions:
    """Where and how to run: `master` is any Spark master URL (`local[*]`, `spark://host:7077`)."""

    master: str = "local[*]"
    app_name: str = "credgraph-resolve"
    partitions: int | None = None  # default: twice the cluster's default parallelism
    conf: Mapping[str, str] = field(default_factory=dict)  # extra spark.* settings


_WORKER = f"{socket.gethostname()}:{os.getpid()}"  # the Python process that scored a unit


@dataclass
class SparkRunStats:
    """What the cluster did, for the run summary and the benchmark."""

    units: int = 0
    partitions: int = 0
    executors_seen: int = 0
    scoring_processes: int = 0  # distinct executor Python processes that scored units
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WorkUnit:
    """One unit of work: records scored together, `number`-th of its phase (the run's order)."""

    phase: int
    number: int
    contexts: Sequence[RecordContext]


def plan_units(
    resolver: Resolver, events: Sequence[RecordContext], credit: Sequence[RecordContext]
) -> list[WorkUnit]:
    """The single-machine path's units of work, in its order (see `Resolver.resolve_contexts`)."""
    step = resolver.config.batch_size
    units: list[WorkUnit] = []
    for phases, contexts in (
        ((PHASE_EVENT_CREDIT, PHASE_EVENTS), events),
        ((PHASE_CREDIT_PERSONS, PHASE_CREDIT_OTHERS), credit),
    ):
        for phase, part in zip(phases, split_units(contexts), strict=True):
            starts = range(0, len(part), step)
            units.extend(WorkUnit(phase, n, part[i : i + step]) for n, i in enumerate(starts))
    return units


def _record_rows(units: Sequence[WorkUnit]) -> dict[str, list[Any]]:
    """One row per record; `gid` is its unit's place in the run (the order links are written in)."""
    cols: dict[str, list[Any]] = {c.split()[0]: [] for c in RECORD_SCHEMA.split(", ")}
    for gid, u in enumerate(units):
        for seq, c in enumerate(u.contexts):
            m = c.masked
            for key, value in (
                ("gid", gid), ("phase", u.phase), ("unit", u.number), ("seq", seq), ("source", c.source),
                ("record_id", c.record_id), ("text", c.text), ("raw_text", c.raw_text),
                ("region_code", c.region_code), ("location", c.location), ("subject_type", c.subject_type),
                ("mask_pattern", m.pattern if m else None), ("mask_length", m.total_length if m else None),
                ("mask_kind", m.kind if m else None),
            ):
                cols[key].append(value)
    return cols


def _context(row: Mapping[str, Any]) -> RecordContext:
    masked = (
        MaskedId(row["mask_pattern"], row["mask_length"], row["mask_kind"])
        if row["mask_pattern"] is not None
        else None
    )
    return RecordContext(
        row["source"], row["record_id"], row["text"], row["raw_text"], row["region_code"],
        row["location"], row["subject_type"], masked,
    )


def score_unit(resolver: Resolver, phase: int, contexts: Sequence[RecordContext], version: str) -> list[Link]:
    """One unit's links, as the single-machine path computes them."""
    if phase in _CREDIT_PHASES:
        return resolver.credit_unit_links(contexts, version)
    return resolver.unit_links(contexts, version)


def _link_batch(gid: int, phase: int, unit: int, links: Sequence[Link]) -> dict[str, list[Any]]:
    return {
        "gid": [gid] * len(links),
        "phase": [phase] * len(links),
        "unit": [unit] * len(links),
        "pos": list(range(len(links))),
        "source": [lk.source.value for lk in links],
        "record_id": [lk.record_id for lk in links],
        "entity_type": [lk.entity_type.value for lk in links],
        "entity_id": [lk.entity_id for lk in links],
        "score": [lk.score for lk in links],
        "decision": [lk.decision.value for lk in links],
        "evidence": [lk.evidence for lk in links],
        "model_version": [lk.model_version for lk in links],
        "scored_by": [_WORKER] * len(links),
    }


def _scorer(broadcast: Any, version: str, busy: Any) -> Any:
    """The mapInArrow function: rows of one partition, sorted by (gid, seq), in; the links of
    each whole unit out. A unit may span Arrow batches, never partitions. `busy` (an accumulator)
    adds up the seconds spent scoring, to tell the work from Spark's overheads."""

    def score_partition(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        resolver = broadcast.value  # unpickled once per executor process, then cached
        schema = _arrow_link_schema()
        key: tuple[int, int, int] | None = None
        pending: list[RecordContext] = []

        def flush() -> Iterator[Any]:
            if key is not None and pending:
                t0 = time.perf_counter()
                links = score_unit(resolver, key[1], pending, version)
                busy.add(time.perf_counter() - t0)
                yield pa.RecordBatch.from_pydict(_link_batch(*key, links), schema=schema)

        for batch in batches:
            for row in batch.to_pylist():
                k = (row["gid"], row["phase"], row["unit"])
                if k != key:
                    yield from flush()
                    key, pending = k, []
                pending.append(_context(row))
        yield from flush()

    return score_partition


def _arrow_link_schema() -> Any:
    import pyarrow as pa

    s, i = pa.string(), pa.int32()
    return pa.schema([
        ("gid", i), ("phase", i), ("unit", i), ("pos", i), ("source", s), ("record_id", s),
        ("entity_type", s), ("entity_id", s), ("score", pa.float64()), ("decision", s), ("evidence", s),
        ("model_version", s), ("scored_by", s),
    ])


def open_session(options: SparkOptions) -> Any:
    """A SparkSession on `options.master`; executors run this very Python (same code, same libraries)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(
            "--engine spark needs pyspark, which is not installed: pip install 'credgraph[spark]'"
        ) from exc
    # PySpark starts its Python workers with PYSPARK_PYTHON (default: whatever `python3` is on PATH),
    # not with spark.pyspark.python, when the driver is a plain Python process: unset, the workers
    # would run another interpreter without credgraph's packages
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(options.master)
        .appName(options.app_name)
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.ui.showConsoleProgress", "true")
    )
    for k, v in options.conf.items():
        builder = builder.config(k, v)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Java missing or the master unreachable: one message
        raise ConfigError(
            f"could not start Spark on {options.master} ({type(exc).__name__}: {str(exc)[:300]}); "
            "Spark needs Java 17 or later on PATH (or JAVA_HOME) and a reachable master"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def resolve_units_on_spark(
    resolver: Resolver, units: Sequence[WorkUnit], session: Any, options: SparkOptions, stats: SparkRunStats
) -> list[Link]:
    """Score `units` on the cluster and return their links in the single-machine order."""
    import pyarrow as pa

    if not units:
        return []
    version = resolver.model_version
    t0 = time.perf_counter()
    sc = session.sparkContext
    broadcast = sc.broadcast(resolver)
    stats.seconds["broadcast"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    records = pa.table(_record_rows(units))
    # contiguous runs of whole units (range partitioning never splits one key), several tasks per
    # core so that a slow unit does not leave the other executors idle at the end
    parts = options.partitions or max(1, min(len(units), 4 * sc.defaultParallelism))
    stats.units, stats.partitions = len(units), parts
    busy = sc.accumulator(0.0)
    df = session.createDataFrame(records, schema=RECORD_SCHEMA)
    out = (
        df.repartitionByRange(parts, "gid")
        .sortWithinPartitions("gid", "seq")
        .mapInArrow(_scorer(broadcast, version, busy), LINK_SCHEMA)
    )
    table = out.toArrow().sort_by([("gid", "ascending"), ("pos", "ascending")])
    stats.seconds["score"] = round(time.perf_counter() - t0, 3)
    stats.seconds["scoring_in_executors"] = round(busy.value, 3)
    stats.executors_seen = max(0, sc._jsc.sc().getExecutorMemoryStatus().size() - 1)  # noqa: SLF001
    broadcast.unpersist()
    cols = table.to_pydict()
    stats.scoring_processes = len(set(cols["scored_by"]))
    return [
        Link(
            LinkSource(src), rid, SubjectType(et), eid, float(score), Decision(dec), ev, mv,
        )
        for src, rid, et, eid, score, dec, ev, mv in zip(
            cols["source"], cols["record_id"], cols["entity_type"], cols["entity_id"], cols["score"],
            cols["decision"], cols["evidence"], cols["model_version"], strict=True,
        )
    ]


def resolve_dataset_on_spark(
    resolver: Resolver,
    ds: Dataset,
    options: SparkOptions,
    queue: ReviewQueue | None = None,
    session: Any = None,
) -> tuple[list[Link], SparkRunStats]:
    """`resolution.pipeline.resolve_with` on a cluster: every event and masked credit record of
    `ds`, the question pool to `queue`. A session passed in is used and left open."""
    from resolution.pipeline import pool_links, record_texts

    stats = SparkRunStats()
    events = [resolver.event_context(e) for e in ds.events]
    credit = [resolver.credit_context(r) for r in ds.credit_records if r.needs_resolution]
    persons = split_units(credit)[0]
    if persons:
        resolver.credit_scorer(persons)  # fitted here, once, as the single-machine path does
    units = plan_units(resolver, events, credit)
    owned = session is None
    t0 = time.perf_counter()
    session = session if session is not None else open_session(options)
    stats.seconds["session"] = round(time.perf_counter() - t0, 3)
    try:
        links = resolve_units_on_spark(resolver, units, session, options, stats)
    finally:
        if owned:
            session.stop()
    if queue is not None:
        queue.refresh_links(pool_links(links, resolver.config), record_texts(ds))
    return links, stats
