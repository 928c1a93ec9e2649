"""`--engine spark` gives the single machine's links: first the invariant it rests on (the run is
a concatenation of independently scored units), then the real thing on a Spark standalone cluster
of one master and two workers on loopback (bench/spark_cluster.py), with steward verdicts."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from ingest.dataset import read_dataset
from ingest.errors import ConfigError
from ingest.records import Dataset
from resolution.decisions import DecisionRecord, StewardDecisions, Verdict
from resolution.links import Decision, Link
from resolution.pipeline import resolve_with
from resolution.resolver import Resolver, ResolverConfig
from resolution.spark_engine import (
    PHASE_CREDIT_OTHERS,
    PHASE_CREDIT_PERSONS,
    PHASE_EVENTS,
    SparkOptions,
    _context,
    _record_rows,
    open_session,
    plan_units,
    resolve_dataset_on_spark,
    score_unit,
)

ROOT = Path(__file__).resolve().parents[2]
BATCH = 150  # small units, so a small world makes several for each phase


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("spark_world")
    generate(out, 300, seed=23, n_events=900)
    return out


@pytest.fixture(scope="module")
def ds(world: Path) -> Dataset:
    return read_dataset(world, progress=False)


def _verdicts(serial: list[Link]) -> StewardDecisions:
    """A stewards' log that touches the run: one auto link refused, one review pair confirmed."""
    auto = next(lk for lk in serial if lk.decision is Decision.AUTO_LINK and lk.source.value == "events")
    review = next(lk for lk in serial if lk.decision is Decision.REVIEW)
    when = datetime(2026, 1, 5, 9, 0)
    return StewardDecisions.from_records([
        DecisionRecord(1, None, auto.source.value, auto.record_id, auto.entity_type.value, auto.entity_id,
                       Verdict.NO_MATCH, "steward-a", when),
        DecisionRecord(2, None, review.source.value, review.record_id, review.entity_type.value,
                       review.entity_id, Verdict.MATCH, "steward-b", when),
    ])


def _resolver(ds: Dataset, decisions: StewardDecisions | None = None) -> Resolver:
    return Resolver.from_dataset(ds, ResolverConfig(batch_size=BATCH), decisions)


def test_units_follow_the_single_machine_order(ds: Dataset) -> None:
    r = _resolver(ds)
    events = [r.event_context(e) for e in ds.events]
    credit = [r.credit_context(c) for c in ds.credit_records if c.needs_resolution]
    units = plan_units(r, events, credit)
    assert [u.phase for u in units] == sorted(u.phase for u in units)
    ev = [u for u in units if u.phase == PHASE_EVENTS]
    assert [c.record_id for u in ev for c in u.contexts] == [c.record_id for c in events]
    assert all(len(u.contexts) == BATCH for u in ev[:-1]) and 0 < len(ev[-1].contexts) <= BATCH
    assert [u.number for u in ev] == list(range(len(ev)))
    persons = [c for u in units if u.phase == PHASE_CREDIT_PERSONS for c in u.contexts]
    others = [c for u in units if u.phase == PHASE_CREDIT_OTHERS for c in u.contexts]
    assert persons and all(c.subject_type == "person" for c in persons)
    assert others and all(c.subject_type != "person" for c in others)
    assert len(persons) + len(others) == len(credit)


def test_unit_by_unit_scoring_is_the_run(ds: Dataset) -> None:
    """What the executors compute, done here in a loop: the same links in the same order as
    resolve_with, steward verdicts included. This is why the cluster cannot change an answer."""
    serial = resolve_with(_resolver(ds), ds)
    decisions = _verdicts(serial)
    serial = resolve_with(_resolver(ds, decisions), ds)
    r = _resolver(ds, decisions)
    events = [r.event_context(e) for e in ds.events]
    credit = [r.credit_context(c) for c in ds.credit_records if c.needs_resolution]
    version = r.model_version
    units = plan_units(r, events, credit)
    assert len(units) >= 8
    assert [lk for u in units for lk in score_unit(r, u.phase, u.contexts, version)] == serial


def test_records_survive_the_arrow_columns(ds: Dataset) -> None:
    r = _resolver(ds)
    contexts = [r.event_context(e) for e in ds.events[:40]] + [
        r.credit_context(c) for c in ds.credit_records if c.needs_resolution
    ][:60]
    assert any(c.masked is not None for c in contexts)
    units = plan_units(r, contexts[:40], contexts[40:])
    cols = _record_rows(units)
    rows = [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]
    assert [_context(row) for row in rows] == [c for u in units for c in u.contexts]


def test_no_pyspark_is_a_config_error_that_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ConfigError, match=r"credgraph\[spark\]"):
        open_session(SparkOptions())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "flink"], "choose local or spark"),
        (["--spark-master", "spark://127.0.0.1:7077"], "--spark-master needs --engine spark"),
        (["--first-load", "fast"], "choose bolt or import"),
    ],
)
def test_run_refuses_engine_options_that_cannot_work(
    world: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    r = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "credgraph"), "run", str(world), "--out", str(tmp_path), *args],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 2
    assert message in " ".join(r.stderr.split())
    assert not (tmp_path / "resolutions.csv").exists()


# ---------------------------------------------------------------- on a real standalone cluster
@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from bench.spark_cluster import start_local_cluster

    with start_local_cluster(tmp_path_factory.mktemp("spark_cluster"), workers=2, cores=1) as c:
        yield c.master_url


@pytest.mark.slow
@pytest.mark.spark
def test_a_two_worker_cluster_writes_the_single_machine_links(ds: Dataset, cluster: str) -> None:
    decisions = _verdicts(resolve_with(_resolver(ds), ds))
    serial = resolve_with(_resolver(ds, decisions), ds)
    links, stats = resolve_dataset_on_spark(_resolver(ds, decisions), ds, SparkOptions(master=cluster))
    assert links == serial
    assert stats.units >= 8 and stats.executors_seen == 2
    assert stats.scoring_processes >= 2  # the units really were scored in both workers' executors
    refused = next(lk for lk in links if "rejected by steward" in lk.evidence)
    assert refused.decision is Decision.REJECTED
    assert any("confirmed by steward" in lk.evidence and lk.decision is Decision.AUTO_LINK for lk in links)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.slow
@pytest.mark.spark
def test_credgraph_run_on_the_cluster_writes_the_same_resolutions(
    world: Path, cluster: str, tmp_path: Path
) -> None:
    exe = str(ROOT / ".venv" / "bin" / "credgraph")
    env_runs = {
        "local": ["--out", str(tmp_path / "local")],
        "spark": ["--out", str(tmp_path / "spark"), "--engine", "spark", "--spark-master", cluster],
    }
    for name, args in env_runs.items():
        r = subprocess.run(
            [exe, "run", str(world), "--quiet", *args], capture_output=True, text=True, timeout=600
        )
        assert r.returncode == 0, f"{name}: {r.stderr[-2000:]}"
    local = _rows(tmp_path / "local" / "resolutions.csv")
    spark = _rows(tmp_path / "spark" / "resolutions.csv")
    assert len(local) > 500
    assert spark == local
    engine = json.loads((tmp_path / "spark" / "summary.json").read_text(encoding="utf-8"))["engine"]
    assert engine["name"] == "spark" and engine["master"] == cluster and engine["executors"] == 2
    assert json.loads((tmp_path / "local" / "summary.json").read_text(encoding="utf-8"))["engine"] == {
        "name": "local"
    }
