"""Shared fixtures: the real Neo4j server for tests marked `neo4j`.

The server is the one scripts/neo4j.sh starts (scripts/test.sh does it); NEO4J_URI, NEO4J_USER and
NEO4J_PASSWORD point at it (defaults: bolt://127.0.0.1:7687, neo4j, credgraph-dev). Setting
CREDGRAPH_SKIP_NEO4J=1 skips those tests; otherwise a server that does not answer is a failure,
not a skip, so CI cannot pass without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def neo4j_skipped() -> bool:
    return os.environ.get("CREDGRAPH_SKIP_NEO4J", "") not in ("", "0")


def pytest_configure(config: pytest.Config) -> None:
    """NEO4J_PASSWORD, when unset, is the one scripts/neo4j.sh generated for its data folder."""
    if os.environ.get("NEO4J_PASSWORD"):
        return
    cache = Path(os.environ.get("NEO4J_CACHE", Path(__file__).resolve().parents[1] / ".cache" / "neo4j"))
    found = Path(os.environ.get("NEO4J_RUN_DIR", cache / "run")) / "password"
    if found.is_file():
        os.environ["NEO4J_PASSWORD"] = found.read_text(encoding="utf-8").strip()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not neo4j_skipped():
        return
    skip = pytest.mark.skip(reason="CREDGRAPH_SKIP_NEO4J is set")
    for item in items:
        if "neo4j" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def neo4j_driver() -> Iterator[Any]:
    """A driver to the real server; the database it holds is wiped by the tests that use it."""
    if neo4j_skipped():
        pytest.skip("CREDGRAPH_SKIP_NEO4J is set")
    import neo4j

    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "credgraph-dev"))
    driver = neo4j.GraphDatabase.driver(uri, auth=auth)
    try:
        driver.verify_connectivity()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means the same thing here
        driver.close()
        pytest.fail(
            f"Neo4j at {uri} does not answer ({type(exc).__name__}): run scripts/neo4j.sh start, "
            "or set CREDGRAPH_SKIP_NEO4J=1 to skip the tests marked neo4j"
        )
    yield driver
    driver.close()
