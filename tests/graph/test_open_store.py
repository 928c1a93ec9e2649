"""open_store picks the store from the URI; the driver is built there, once."""

from __future__ import annotations

import os

import pytest

from graph.memory_store import MemoryStore
from graph.store import GraphStore, open_store
from ingest.errors import ConfigError


def test_memory_is_the_embedded_default() -> None:
    store = open_store("memory", batch_size=10)
    assert isinstance(store, MemoryStore) and isinstance(store, GraphStore)
    assert set(store.counts().values()) == {0}


def test_unknown_uri_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        open_store("postgres://localhost/x")


@pytest.mark.neo4j
def test_bolt_uri_gives_a_working_neo4j_store(neo4j_driver) -> None:  # noqa: ANN001
    from graph.neo4j_store import Neo4jStore

    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    store = open_store(
        uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "credgraph-dev")
    )
    try:
        assert isinstance(store, Neo4jStore) and isinstance(store, GraphStore)
        assert set(store.counts()) == set(MemoryStore().counts())
    finally:
        store.close()
