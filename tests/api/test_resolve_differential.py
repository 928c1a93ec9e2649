"""POST /resolve and `credgraph run` answer with one matcher: for every event the rows (entity,
score, decision) /resolve returns for its text, region and location are exactly the rows the run
wrote for it in resolutions.csv, with the run's own unsupervised fit and with a promoted matcher."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import KEYS, auth
from fastapi.testclient import TestClient

from api.app import create_app
from api.pipeline import run_pipeline
from api.security import KeyRing, Role, hash_key
from api.settings import Settings
from ingest.dataset import read_dataset

Row = tuple[str, str, str, str]  # entity_type, entity_id, score, decision


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(out, 120, seed=11, n_events=300)
    return out


def _keyring() -> KeyRing:
    return KeyRing.from_mapping(
        {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    )


def _run(world: Path, out: Path, settings: Settings) -> Any:
    from graph.store import open_store

    store = open_store("memory")
    run_pipeline(world, out, settings, progress=False, store=store)
    return store


def _written(out: Path) -> dict[str, set[Row]]:
    rows: dict[str, set[Row]] = {}
    with (out / "resolutions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["source"] == "events":
                rows.setdefault(r["record_id"], set()).add(
                    (r["entity_type"], r["entity_id"], r["score"], r["decision"])
                )
    return rows


def _answered(client: TestClient, world: Path, ids: list[str]) -> dict[str, set[Row]]:
    ds = read_dataset(world, progress=False)
    out = {}
    for e in ds.events:
        if e.event_id not in ids:
            continue
        body = {"text": e.raw_text, "region_code": e.region_code, "location": e.location}
        res = client.post("/resolve", json=body, headers=auth(Role.ADMIN))
        assert res.status_code == 200, res.text
        out[e.event_id] = {
            (c["entity_type"], c["entity_id"], f"{round(c['score'], 6):.4f}", c["decision"])
            for c in res.json()["candidates"]
        }
    return out


def _compare(client: TestClient, world: Path, out: Path) -> int:
    written = _written(out)
    ids = sorted(written)[:150]
    answered = _answered(client, world, ids)
    diff = {i: (written[i], answered[i]) for i in ids if written[i] != answered[i]}
    assert not diff, list(diff.items())[:3]
    return len(ids)


def test_resolve_answers_like_the_run_with_its_unsupervised_fit(world, tmp_path):
    settings = Settings(
        audit_log=tmp_path / "audit.jsonl",
        review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
        model_dir=tmp_path / "models",
    )
    out = tmp_path / "R1"
    store = _run(world, out, settings)
    app = create_app(settings, store=store, keyring=_keyring())
    from api.services.resolution import load_matcher

    app.state.resolver_loader = lambda: load_matcher(settings, store, out / "matcher")  # as serve --data
    with TestClient(app) as client:
        assert _compare(client, world, out) > 100


def test_resolve_answers_like_the_run_with_the_promoted_matcher(world, tmp_path):
    from resolution.evaluate import read_truth
    from resolution.registry import MatcherRegistry
    from resolution.review_queue import ReviewQueue
    from resolution.training import retrain_to_registry

    settings = Settings(
        audit_log=tmp_path / "audit.jsonl",
        review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
        model_dir=tmp_path / "models",
    )
    _run(world, tmp_path / "R1", settings)
    truth = read_truth(world)
    q = ReviewQueue(settings.review_db_url)
    pool = sorted(q.pool(), key=lambda it: abs(it.score - 0.5))[:120]
    for it in pool:
        key = (it.source, it.record_id, it.entity_type, it.entity_id)
        q.decide(it.item_id, "match" if key in truth else "no_match", "ann")
    reg = MatcherRegistry(settings.matcher_dir)
    res = retrain_to_registry(read_dataset(world, progress=False), q.steward_decisions(), reg, min_labels=20)
    assert res.candidate
    reg.promote(res.candidate, "test: whatever the comparison said")
    out = tmp_path / "R2"
    store = _run(world, out, settings)
    summary = (out / "summary.json").read_text(encoding="utf-8")
    assert f"promoted {res.candidate}" in summary
    app = create_app(settings, store=store, keyring=_keyring())  # the plain loader: the promoted matcher
    with TestClient(app) as client:
        written = _written(out)
        labelled = {it.record_id for it in pool}  # a verdict decides its record in the run, not in /resolve
        ids = [i for i in sorted(written) if i not in labelled][:150]
        answered = _answered(client, world, ids)
        diff = {i: (written[i], answered[i]) for i in ids if written[i] != answered[i]}
        assert not diff, list(diff.items())[:3]
        assert app.state.resolver.supervised  # the supervised matcher answered
