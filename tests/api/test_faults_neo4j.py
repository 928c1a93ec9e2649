"""Faults injected into a real Neo4j server (issue 11, item 2): the server is SIGKILLed in the
middle of a load and under API traffic. Nothing may be lost or half-written, the API must answer
503 problem+json quickly instead of hanging, and everything recovers without a restart of ours.

The server is a private one (tests/private_neo4j.py) so the suite's shared server is never killed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import EXAMPLE, FIRM, KEYS, PERSON, RISK_ROWS, auth, fill_queue
from fastapi.testclient import TestClient
from private_neo4j import PrivateNeo4j
from run_outputs import assert_same_outputs

from api.app import create_app
from api.security import Role
from api.settings import Settings
from graph.store import open_store
from ingest.dataset import read_dataset
from ingest.synth import generate

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNeo4j]:
    if os.environ.get("CREDGRAPH_SKIP_NEO4J", "") not in ("", "0"):
        pytest.skip("CREDGRAPH_SKIP_NEO4J is set")
    srv = PrivateNeo4j(tmp_path_factory.mktemp("neo4j-faults"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faults-world") / "data"
    generate(out, 600, 11, progress=False)
    return out


def checksum(store: Any) -> tuple[dict[str, int], str]:
    """(counts, sha256 over every node's and relationship's properties, in a canonical order)."""
    tables = store.export_tables()
    h = hashlib.sha256()
    for kind, frames in (("node", tables.nodes), ("edge", tables.edges)):
        for name in sorted(frames, key=str):
            df = frames[name]
            rows = sorted(map(str, df.sort_index(axis=1).itertuples(index=False)))
            h.update(f"{kind}:{name}:{len(rows)}\n".encode())
            for r in rows:
                h.update(r.encode())
    return store.counts(), h.hexdigest()


def _open(server: PrivateNeo4j, retry_s: float, batch_size: int = 5000) -> Any:
    return open_store(server.uri, "neo4j", server.password, batch_size=batch_size, retry_s=retry_s)


def _wait_for_nodes(server: PrivateNeo4j, done: threading.Event | None = None) -> None:
    """Block until the server holds some Firm node (a load has begun)."""
    probe = _open(server, retry_s=0.5)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (done is not None and done.is_set()):
            try:
                if probe.counts().get("Firm", 0) > 0:
                    return
            except Exception:  # noqa: BLE001 - the server is still coming up
                pass
            time.sleep(0.05)
        raise AssertionError("no load started")
    finally:
        probe.close()


def test_load_rides_out_a_killed_and_restarted_server(server: PrivateNeo4j, world: Path) -> None:
    """SIGKILL Neo4j mid-load and restart it: the load's retried transactions finish the job and
    the graph equals an uninterrupted load (counts and a checksum over every property)."""
    ds = read_dataset(world)
    store = _open(server, retry_s=180, batch_size=100)  # small batches: many transactions to interrupt
    store.clear()
    failure: list[BaseException] = []
    done = threading.Event()

    def load() -> None:
        try:
            store.ensure_schema()
            store.load_dataset(ds)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failure.append(exc)
        finally:
            done.set()

    loader = threading.Thread(target=load)
    loader.start()
    _wait_for_nodes(server, done)
    assert not done.is_set(), "the load ended before the server could be killed: make it longer"
    server.kill()
    server.start()
    t_restart = time.monotonic()
    loader.join(timeout=300)
    print(f"\nload finished {time.monotonic() - t_restart:.1f}s after the server was back")
    assert not loader.is_alive() and not failure, failure
    interrupted = checksum(store)
    store.clear()
    store.ensure_schema()
    store.load_dataset(ds)
    assert checksum(store) == interrupted
    assert interrupted[0]["Firm"] == len(ds.firms)
    store.close()


def _credgraph(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )


def test_run_fails_clearly_when_the_server_stays_down_and_a_rerun_completes(
    server: PrivateNeo4j, world: Path, tmp_path: Path
) -> None:
    """`credgraph run --graph bolt://…` whose server dies mid-load and stays down past the retry
    window stops with a one-line error naming the graph store (no traceback, no hang); run again
    after the restart, it leaves the graph a clean run leaves."""
    store = _open(server, retry_s=5)
    store.clear()
    env = {
        **os.environ,
        "NEO4J_PASSWORD": server.password,
        "CREDGRAPH_NEO4J_RETRY_S": "2",
        "CREDGRAPH_LOAD_BATCH_SIZE": "50",
        "CREDGRAPH_REVIEW_DB_URL": f"sqlite:///{tmp_path / 'review.db'}",
        "CREDGRAPH_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    cmd = ["run", str(world), "--graph", server.uri, "--as-of", "2025-12-31"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", *cmd, "--out", str(tmp_path / "r1")],
        cwd=ROOT, env={**env, "CREDGRAPH_MODEL_DIR": str(tmp_path / "m1")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for_nodes(server)
        t_kill = time.monotonic()
        server.kill()
        _, err = proc.communicate(timeout=120)
        gave_up = time.monotonic() - t_kill
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode not in (0, None)
    assert "Traceback" not in err and "graph" in err.lower(), err
    assert gave_up < 60, f"the run held on for {gave_up:.0f}s after the server died"
    print(f"\nrun with its server killed stopped after {gave_up:.1f}s: {err.strip().splitlines()[-1]}")
    assert not (tmp_path / "r1" / "summary.json").exists()  # no output claims a finished run
    server.start()
    again = _credgraph(
        [*cmd, "--out", str(tmp_path / "r2")], env | {"CREDGRAPH_MODEL_DIR": str(tmp_path / "m2")}
    )
    assert again.returncode == 0, again.stderr[-2000:]
    store.close()
    store = _open(server, retry_s=5)
    recovered = checksum(store)
    store.clear()
    clean = _credgraph(
        [*cmd, "--out", str(tmp_path / "r3")], env | {"CREDGRAPH_MODEL_DIR": str(tmp_path / "m3")}
    )
    assert clean.returncode == 0, clean.stderr[-2000:]
    assert checksum(store) == recovered
    assert_same_outputs(tmp_path / "r2", tmp_path / "r3")
    store.close()


def test_api_answers_503_during_an_outage_and_recovers_by_itself(
    server: PrivateNeo4j, tmp_path: Path
) -> None:
    """Under concurrent traffic the server is SIGKILLed: every request ends quickly in 200 or 503
    problem+json (never a 500, never a hang), /readyz says why, a steward's verdict given during the
    outage is stored before the failed graph write; after the restart the same app answers 200."""
    from api.security import KeyRing, hash_key

    example = read_dataset(EXAMPLE)
    settings = Settings(
        graph_uri=server.uri,
        audit_log=tmp_path / "audit.jsonl",
        review_db_url=f"sqlite:///{tmp_path / 'review.db'}",
        model_dir=tmp_path / "models",
        api_neo4j_retry_s=1.0,
    )
    store = _open(server, retry_s=settings.api_neo4j_retry_s)
    store.clear()
    store.ensure_schema()
    store.load_dataset(example)
    store.write_risk_scores(RISK_ROWS)
    from api.services.loaders import open_review_queue

    queue = open_review_queue(settings)
    fill_queue(queue, example)
    keyring = KeyRing.from_mapping(
        {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    )
    urls = [f"/entities/{FIRM}", f"/entities/{PERSON}/associates?depth=2", f"/entities/{FIRM}/risk"]
    app = create_app(settings, store=store, queue=queue, keyring=keyring)
    seen: list[tuple[float, int, str, float]] = []  # (t, status, content type, seconds)
    stop = threading.Event()
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200

        def traffic(i: int) -> None:
            while not stop.is_set():
                t = time.perf_counter()
                r = client.get(urls[i % len(urls)], headers=auth(Role.INVESTIGATOR))
                seen.append((time.monotonic(), r.status_code, r.headers.get("content-type", ""),
                             time.perf_counter() - t))

        workers = [threading.Thread(target=traffic, args=(i,)) for i in range(4)]
        for w in workers:
            w.start()
        time.sleep(1.0)
        server.kill()
        t_kill = time.monotonic()
        time.sleep(4.0)
        ready = client.get("/readyz")
        item = queue.pool()[0]
        verdict = client.post(f"/review/{item.item_id}/decision", json={"verdict": "match"},
                              headers=auth(Role.STEWARD))
        server.start()
        t_back = time.monotonic()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and client.get("/readyz").status_code != 200:
            time.sleep(0.5)
        time.sleep(1.0)
        stop.set()
        for w in workers:
            w.join(timeout=30)
        back = client.get(f"/entities/{FIRM}", headers=auth(Role.INVESTIGATOR))
    outage_all = [x for x in seen if t_kill < x[0] < t_back]
    codes = [s for _, s, _, _ in seen]
    slowest = max((d for *_, d in outage_all), default=0.0)
    print(  # for bench/results/reliability.md (pytest -s)
        f"\nAPI through an outage: {len(seen)} requests, {codes.count(200)} x 200, {codes.count(503)} x 503, "
        f"other {len(codes) - codes.count(200) - codes.count(503)}; during the outage {len(outage_all)} "
        f"requests, slowest {slowest:.2f}s; slowest overall {max(d for *_, d in seen):.2f}s; "
        f"readyz during the outage: {ready.json()['detail']}"
    )
    assert ready.status_code == 503 and ready.json()["detail"]["reason"], ready.text
    statuses = {s for _, s, _, _ in seen}
    assert statuses <= {200, 503}, statuses
    outage = [x for x in seen if t_kill + 0.5 < x[0] < t_back]
    assert outage and all(s == 503 and ct.startswith("application/problem+json") for _, s, ct, _ in outage)
    assert max(d for *_, d in seen) < 10.0, "a request was held during the outage"
    assert back.status_code == 200
    # the verdict failed to reach the graph (503) but was stored first: it holds
    assert verdict.status_code in (200, 503)
    decided = queue.steward_decisions().latest
    assert any(k[1] == item.record_id for k in decided), "a verdict given during the outage was lost"
    store.close()
