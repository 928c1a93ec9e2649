"""`credgraph serve --workers N` (issue 11, item 4): it refuses what would make workers disagree
(no shared token secret, an embedded graph each worker would hold alone, --data), and two real
worker processes over one Neo4j and one review database answer tokens, reads and jobs alike,
whichever of them a connection reaches."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from api_fixtures import FIRM, RISK_ROWS
from private_neo4j import free_port
from typer.testing import CliRunner

from api.cli import app
from api.commands.serve import workers_problem
from api.security import hash_key
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("env", "args", "words"),
    [
        ({}, [], "CREDGRAPH_API_TOKEN_SECRET"),
        ({"CREDGRAPH_API_TOKEN_SECRET": "s" * 32}, [], "shared graph"),
        ({"CREDGRAPH_API_TOKEN_SECRET": "s" * 32}, ["--data", "x"], "--data"),
    ],
    ids=["no-secret", "embedded-graph", "data"],
)
def test_serve_refuses_workers_that_would_disagree(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], words: str
) -> None:
    monkeypatch.delenv("CREDGRAPH_API_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("CREDGRAPH_GRAPH_URI", "memory")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = CliRunner().invoke(app, ["serve", "--workers", "2", *args])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output


def test_one_worker_needs_nothing_shared() -> None:
    assert workers_problem(1, Settings(graph_uri="memory"), None) is None
    shared = Settings(graph_uri="bolt://127.0.0.1:7687", api_token_secret="x" * 32)
    assert workers_problem(2, shared, None) is None


@pytest.mark.neo4j
@pytest.mark.slow
def test_two_workers_answer_tokens_reads_and_jobs_alike(neo4j_driver, dataset, tmp_path: Path) -> None:
    from graph.neo4j_store import Neo4jStore

    neo = Neo4jStore(neo4j_driver, "neo4j")
    neo.clear()
    neo.ensure_schema()
    neo.load_dataset(dataset)
    neo.write_risk_scores(RISK_ROWS)
    admin, inv = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({
        hash_key(admin): {"name": "ops", "role": "admin"},
        hash_key(inv): {"name": "ann", "role": "investigator"},
    }))
    port = free_port()
    env = {
        **os.environ,
        "CREDGRAPH_GRAPH_URI": os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        "CREDGRAPH_API_KEYS_FILE": str(keys),
        "CREDGRAPH_API_TOKEN_SECRET": secrets.token_urlsafe(32),
        "CREDGRAPH_REVIEW_DB_URL": f"sqlite:///{tmp_path / 'review.db'}",
        "CREDGRAPH_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "CREDGRAPH_MODEL_DIR": str(tmp_path / "models"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "serve --workers 2 did not start"
            time.sleep(0.3)
        workers = [c for c in _children(proc.pid)]
        assert len(workers) >= 2, "uvicorn did not start two worker processes"
        token = httpx.post(f"{base}/auth/token", data={"username": "ann", "password": inv}).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        job = httpx.post(f"{base}/jobs/ingest", json={"folder": str(tmp_path / "absent"),
                                                      "state": str(tmp_path / "state")},
                         headers={"X-API-Key": admin})
        assert job.status_code == 202, job.text
        job_id = job.json()["id"]
        reads, polls = [], []
        for _ in range(30):  # a fresh connection each: the kernel hands them to either worker
            reads.append(httpx.get(f"{base}/entities/{FIRM}", headers=bearer).status_code)
            polls.append(httpx.get(f"{base}/jobs/{job_id}", headers={"X-API-Key": admin}).status_code)
        assert set(reads) == {200} and set(polls) == {200}
        deadline = time.monotonic() + 60
        while httpx.get(f"{base}/jobs/{job_id}", headers={"X-API-Key": admin}).json()["status"] not in (
            "failed", "succeeded"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.5)
        final = {httpx.get(f"{base}/jobs/{job_id}", headers={"X-API-Key": admin}).json()["status"]
                 for _ in range(10)}
        assert final == {"failed"}  # the folder does not exist: the same answer from every worker
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _children(pid: int) -> list[int]:
    import psutil

    return [c.pid for c in psutil.Process(pid).children(recursive=True) if "python" in c.name().lower()]
