"""Search on Neo4j goes through TEXT indexes and answers exactly as the networkx store does.

The other names of a firm live in a list, which a TEXT index cannot hold, so Neo4j keeps them joined
in `other_names_text` (cypher/write/merge_firms) for the index only: that property must follow every
change of the other names, be derived for firms written without it (an import, an older version),
and never show in an answer or an export.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from graph.memory_store import MemoryStore
from graph.model import NodeLabel
from graph.neo4j_store import Neo4jStore
from graph.queries import query
from graph.store import GraphStore
from ingest.records import Dataset

pytestmark = pytest.mark.neo4j

F = NodeLabel.FIRM
SNACKS = "92330803MA2D00010P"  # 衢州市衢江区杜泽老街小吃店


def with_other_names(ds: Dataset, uscc: str, names: tuple[str, ...]) -> Dataset:
    firms = [replace(f, other_names=names) if f.uscc == uscc else f for f in ds.firms]
    return replace(ds, firms=firms)


def operators(store: GraphStore, label: NodeLabel) -> list[str]:
    plan = store.driver.execute_query(  # type: ignore[attr-defined]
        "EXPLAIN " + query("read/search", label=label), text="小吃", limit=5
    ).summary.plan

    def walk(op: dict) -> list[str]:  # type: ignore[type-arg]
        return [op["operatorType"].split("@")[0], *[o for c in op.get("children", []) for o in walk(c)]]

    return walk(plan)


@pytest.mark.parametrize("label", [NodeLabel.FIRM, NodeLabel.PERSON])
def test_search_reads_text_indexes_not_every_subject(neo4j_store: GraphStore, example: Dataset,
                                                     label: NodeLabel) -> None:
    neo4j_store.load_dataset(example)
    ops = operators(neo4j_store, label)
    assert ops.count("NodeIndexContainsScan") == 3
    assert not [o for o in ops if o in ("NodeByLabelScan", "AllNodesScan")]


def test_other_names_follow_changes_and_stay_out_of_answers(
    neo4j_store: GraphStore, example: Dataset
) -> None:
    first = with_other_names(example, SNACKS, ("杜泽小吃王", "老街面馆"))
    neo4j_store.load_dataset(first)
    assert [(h["key"], h["rank"]) for h in neo4j_store.search("小吃王")] == [(SNACKS, 4)]
    entity = neo4j_store.entity(F, SNACKS)
    assert entity is not None and "other_names_text" not in entity["properties"]
    assert all("other_names_text" not in df.columns for df in neo4j_store.export_tables().nodes.values())

    renamed = with_other_names(example, SNACKS, ("衢江面馆",))  # a changed row, merged over the old
    neo4j_store.load_dataset(renamed)
    reference = MemoryStore()
    reference.load_dataset(renamed)
    for text in ("小吃王", "衢江面馆", "面馆", "老街"):
        assert neo4j_store.search(text) == reference.search(text), text
    assert neo4j_store.search("小吃王") == []

    neo4j_store.load_dataset(replace(renamed, firms=[replace(f, other_names=()) for f in renamed.firms]))
    assert neo4j_store.search("衢江面馆") == []


def test_firms_written_without_the_index_property_get_it_from_the_schema_step(
    neo4j_store: GraphStore, example: Dataset
) -> None:
    ds = with_other_names(example, SNACKS, ("杜泽小吃王",))
    neo4j_store.load_dataset(ds)
    driver = neo4j_store.driver  # type: ignore[attr-defined]
    driver.execute_query("MATCH (n:Firm) REMOVE n.other_names_text")  # as neo4j-admin import writes them
    assert neo4j_store.search("小吃王") == []  # the index is what finds other names
    with_names = sum(1 for f in ds.firms if f.other_names)
    assert with_names > 2
    small = Neo4jStore(driver, neo4j_store.database, batch_size=2)  # type: ignore[attr-defined]
    small.ensure_schema()  # in batches of 2 (one transaction for a city's firms runs out of memory)
    missing = (
        "MATCH (n:Firm) WHERE n.other_names IS NOT NULL AND n.other_names_text IS NULL RETURN count(n) AS c"
    )
    assert driver.execute_query(missing).records[0]["c"] == 0
    assert [h["key"] for h in neo4j_store.search("小吃王")] == [SNACKS]


def test_a_database_loaded_without_the_search_indexes_is_searched_in_full(
    neo4j_store: GraphStore, example: Dataset
) -> None:
    """An older version's database (no text indexes, no joined other names): the store's first
    search builds them, so the first answer already equals the networkx store's."""
    ds = with_other_names(example, SNACKS, ("杜泽小吃王",))
    neo4j_store.load_dataset(ds)
    driver = neo4j_store.driver  # type: ignore[attr-defined]
    driver.execute_query("MATCH (n:Firm) REMOVE n.other_names_text")
    for name in ("key_text", "other_names_text"):
        for label in ("Firm", "Person"):
            driver.execute_query(f"DROP INDEX {label}_{name} IF EXISTS")
    fresh = Neo4jStore(driver, neo4j_store.database)  # type: ignore[attr-defined]
    reference = MemoryStore()
    reference.load_dataset(ds)
    assert fresh.search("小吃王") == reference.search("小吃王") != []
    assert "NodeByLabelScan" not in operators(fresh, NodeLabel.FIRM)


def test_concurrent_first_searches_build_the_indexes_once(neo4j_store: GraphStore, example: Dataset) -> None:
    """The API's threads may all search first at once: one builds, the others wait for it."""
    from concurrent.futures import ThreadPoolExecutor

    neo4j_store.load_dataset(example)
    fresh = Neo4jStore(neo4j_store.driver, neo4j_store.database)  # type: ignore[attr-defined]
    built = []
    real = fresh.ensure_search_schema

    def counted() -> None:
        built.append(1)
        time.sleep(0.3)  # long enough for every other thread to arrive meanwhile
        real()

    fresh.ensure_search_schema = counted  # type: ignore[method-assign]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: fresh.search("廿里"), range(6)))
    assert len(built) == 1
    assert all(a == answers[0] != [] for a in answers)
