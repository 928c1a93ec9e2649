"""`credgraph ingest` and `credgraph rescore` on the embedded store (the state folder, a repeated
increment, the scheduled rescore), and POST /jobs/ingest on a served graph (admin only)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from api_fixtures import KEYS, auth
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from api.security import KeyRing, Role, hash_key
from bench.increment_split import Split, monthly_cuts, split_by_date

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Split:
    from ingest.synth import generate

    root = tmp_path_factory.mktemp("inc-cli")
    generate(root / "world", 120, seed=11, n_events=300)
    return split_by_date(root / "world", root / "split", monthly_cuts(date(2025, 9, 1), 2))


def _report(state: Path, n: int) -> dict:
    entry = json.loads((state / "state.json").read_text(encoding="utf-8"))["increments"][n - 1]
    return json.loads(Path(entry["report"]).read_text(encoding="utf-8"))


def test_cli_ingest_twice_then_rescore(
    split: Split, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDGRAPH_REVIEW_DB_URL", f"sqlite:///{tmp_path / 'q.db'}")
    state = tmp_path / "state"
    runner = CliRunner()
    inc = str(split.increments[0])
    first = runner.invoke(cli, ["ingest", inc, "--state", str(state), "--base", str(split.base), "--quiet"])
    assert first.exit_code == 0, first.output
    assert (state / "graph.pickle").is_file() and (state / "dataset.pickle").is_file()
    rep = _report(state, 1)
    assert rep["links_added"] > 0 and rep["rescored"] > 0 and rep["registry"]["new_events"] > 0
    again = runner.invoke(cli, ["ingest", inc, "--state", str(state), "--quiet"])
    assert again.exit_code == 0, again.output
    rep2 = _report(state, 2)
    assert (rep2["links_added"], rep2["links_changed"], rep2["links_removed"], rep2["rescored"]) == (
        0,
        0,
        0,
        0,
    )
    done = runner.invoke(cli, ["rescore", "--state", str(state)])
    assert done.exit_code == 0, done.output
    assert "rescored" in done.output
    no_state = runner.invoke(cli, ["ingest", inc, "--state", str(tmp_path / "empty"), "--quiet"])
    assert no_state.exit_code == 2 and "--base" in no_state.output


def test_post_jobs_ingest_applies_to_the_served_graph(
    split: Split, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.services.increment as increment_service
    from api.app import create_app
    from api.pipeline import run_pipeline
    from api.settings import Settings
    from graph.memory_store import MemoryStore
    from graph.model import NodeLabel

    settings = Settings(
        audit_log=tmp_path / "audit.jsonl",
        review_db_url=f"sqlite:///{tmp_path / 'q.db'}",
        model_dir=tmp_path / "models",
    )
    store = MemoryStore()
    state = tmp_path / "state"
    run_pipeline(split.base, state / "base_run", settings, progress=False, store=store)
    ring = KeyRing.from_mapping(
        {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    )
    app = create_app(settings, store=store, keyring=ring)
    inc = split.increments[0]
    body = {"folder": str(inc), "state": str(state), "base": str(split.base)}
    new_event = json.loads((inc / "events.jsonl").read_text(encoding="utf-8").splitlines()[0])["event_id"]
    assert store.entity(NodeLabel.EVENT, new_event) is None
    given: list[object] = []  # the gazetteers the day's builds were offered to take values from
    real_reusing = increment_service.reusing

    def spy(previous):  # type: ignore[no-untyped-def]
        given.append(previous)
        return real_reusing(previous)

    monkeypatch.setattr(increment_service, "reusing", spy)
    with TestClient(app) as c:
        assert c.post("/jobs/ingest", json=body, headers=auth(Role.INVESTIGATOR)).status_code == 403
        asked = c.post("/resolve", json={"text": "巡查"}, headers=auth(Role.INVESTIGATOR))
        assert asked.status_code == 200, asked.text
        served_gz = app.state.resolver.gz
        job = c.post("/jobs/ingest", json=body, headers=auth(Role.ADMIN))
        assert job.status_code == 202, job.text
        done = app.state.jobs.wait(job.json()["id"], timeout=900)
        assert done.status == "succeeded", done.error
        assert done.result["links_added"] > 0 and done.result["rescored"] > 0
    assert store.entity(NodeLabel.EVENT, new_event) is not None
    # the increment's resolver and the rebuilt /resolve matcher both started from the served one
    assert given == [served_gz, served_gz]
    assert app.state.resolver.gz is not served_gz
