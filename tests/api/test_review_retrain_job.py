"""POST /jobs/retrain {"kind": "matcher"}: verdicts → a promoted matcher → the served graph is
relinked in place (new links written, earlier versions' links superseded) and /resolve answers with
the new matcher; a no_match verdict stays unlinked."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_fixtures import KEYS, auth
from fastapi.testclient import TestClient

from api.app import create_app
from api.pipeline import run_pipeline
from api.security import KeyRing, Role, hash_key
from api.settings import Settings
from graph.model import RelType


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(out, 120, seed=11, n_events=300)
    return out


def test_matcher_job_promotes_and_relinks_the_served_graph(world, tmp_path):
    from graph.store import open_store
    from resolution.evaluate import read_truth
    from resolution.review_queue import ReviewQueue

    settings = Settings(
        audit_log=tmp_path / "audit.jsonl",
        review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
        model_dir=tmp_path / "models",
    )
    store = open_store("memory")
    run_pipeline(world, tmp_path / "R1", settings, progress=False, store=store)
    before = store.export_tables().edges[RelType.MENTIONS]
    old_version = str(before["model_version"].iloc[0])
    truth = read_truth(world)
    queue = ReviewQueue(settings.review_db_url)
    for it in sorted(queue.pool(), key=lambda it: abs(it.score - 0.5))[:150]:
        key = (it.source, it.record_id, it.entity_type, it.entity_id)
        queue.decide(it.item_id, "match" if key in truth else "no_match", "ann")
    sure = before[(before["decision"] == "auto_link") & (before["score"] > 0.99)].iloc[0]
    etype = "firm" if sure["dst_label"] == "Firm" else "person"
    refused = ("events", str(sure["src"]), etype, str(sure["dst"]))
    queue.decide_pair(refused, "no_match", "ann", "a sure auto link a steward said no to")
    ring = KeyRing.from_mapping(
        {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    )
    app = create_app(settings, store=store, queue=queue, keyring=ring)
    with TestClient(app) as c:
        job = c.post("/jobs/retrain", json={"kind": "matcher"}, headers=auth(Role.ADMIN)).json()
        assert job["kind"] == "retrain-matcher"
        done = app.state.jobs.wait(job["id"], timeout=600)
        assert done.status == "succeeded", done.error
        result = done.result
        assert result["promoted"] and result["candidate"] == "v0001", result["reason"]
        graph = result["graph"]
        new_version = graph["model_version"]
        assert new_version.startswith("er-sup-") and new_version != old_version
        edges = store.export_tables().edges[RelType.MENTIONS]
        old = edges[edges["model_version"] == old_version]
        assert len(old) and set(old["decision"]) == {"rejected"}  # superseded, readers skip them
        new = edges[edges["model_version"] == new_version]
        assert len(new) == graph["links_written"]
        auto = {(r["src"], r["dst"]) for r in new.to_dict("records") if r["decision"] == "auto_link"}
        assert (refused[1], refused[3]) not in auto and len(auto) > 100
        assert app.state.resolver.model_version == new_version  # /resolve answers with the new matcher
        r = c.post("/resolve", json={"text": "杭州某公司"}, headers=auth(Role.ADMIN))
        assert r.status_code == 200
        bad = c.post("/jobs/retrain", json={"kind": "nonsense"}, headers=auth(Role.ADMIN))
        assert bad.status_code == 422
