"""API fixtures: the contract example in the memory store, one key per role, a TestClient.

Risk scores are written by hand (RISK_ROWS in api_fixtures) so these tests do not depend on
training; the review queue is the real SQLite-backed one, filled from the example's records.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import EXAMPLE, KEYS, RISK_ROWS, fill_queue
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import KeyRing, hash_key
from api.settings import Settings
from ingest.dataset import read_dataset


@pytest.fixture(scope="session")
def dataset() -> Any:
    return read_dataset(EXAMPLE)


@pytest.fixture()
def store(dataset: Any) -> Iterator[Any]:
    from graph.store import open_store

    s = open_store("memory", user="", password="", database="", batch_size=1000)
    s.ensure_schema()
    s.load_dataset(dataset)
    s.write_risk_scores(RISK_ROWS)
    yield s
    s.close()


@pytest.fixture()
def keyring() -> KeyRing:
    return KeyRing.from_mapping(
        {hash_key(k): {"name": f"{r.value}-user", "role": r.value} for r, k in KEYS.items()}
    )


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(
        graph_uri="memory",
        audit_log=tmp_path / "audit.jsonl",
        review_db_url=f"sqlite:///{tmp_path / 'review.db'}",
        model_dir=tmp_path / "models",
    )


@pytest.fixture()
def queue(settings: Settings, dataset: Any) -> Any:
    from api.services.loaders import open_review_queue

    q = open_review_queue(settings)
    if q is not None:
        fill_queue(q, dataset)
    return q


@pytest.fixture()
def app(settings: Settings, store: Any, queue: Any, keyring: KeyRing) -> Any:
    return create_app(
        settings,
        store=store,
        queue=queue,
        keyring=keyring,
        retrain=lambda: {"promoted": False, "reason": "test job"},
    )


@pytest.fixture()
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c
