"""Differential test: random small worlds loaded into the networkx store and into Neo4j must give
the same answer to every question (the networkx store is the reference)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from graph.memory_store import MemoryStore
from graph.model import AFFILIATION_RELS, NodeLabel, RelType
from graph.store import GraphStore
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource


def random_links(rng: random.Random, firms: list[str], version: str) -> list[Link]:
    links = []
    for i in range(12):
        source = LinkSource.EVENTS if i % 3 else LinkSource.CREDIT_RECORDS
        record = f"E{rng.randrange(6)}" if source == LinkSource.EVENTS else f"C{rng.randrange(12)}"
        decision = rng.choice(list(Decision))
        firm = rng.choice(firms)
        links.append(Link(source, record, SubjectType.FIRM, firm, rng.random(), decision, f"e{i}", version))
    return links


def assert_same_tables(a: GraphStore, b: GraphStore) -> None:
    ta, tb = a.export_tables(), b.export_tables()
    for label in NodeLabel:
        pd.testing.assert_frame_equal(ta.nodes[label], tb.nodes[label])
    for rel in RelType:
        pd.testing.assert_frame_equal(ta.edges[rel], tb.edges[rel])


@pytest.mark.neo4j
@pytest.mark.parametrize("seed", [3, 17, 29])
def test_random_world_same_answers(seed: int, random_world, neo4j_store: GraphStore) -> None:  # noqa: ANN001
    ds = random_world(seed)
    neo4j_store.workers = 2  # concurrent node batches and side-by-side edge groups, as a big load runs
    ref = MemoryStore()
    ref.load_dataset(ds)
    neo4j_store.load_dataset(ds)
    assert neo4j_store.counts() == ref.counts()
    assert_same_tables(neo4j_store, ref)

    rng = random.Random(seed)
    subjects = [(NodeLabel.FIRM, f.uscc) for f in ds.firms]
    subjects += [(NodeLabel.PERSON, p.person_id) for p in ds.persons]
    roles = set(rng.sample(sorted(AFFILIATION_RELS), 2))
    for label, key in subjects:
        assert neo4j_store.associates(label, key, depth=3) == ref.associates(label, key, depth=3)
        by_role = neo4j_store.associates(label, key, 4, roles, limit=7)
        assert by_role == ref.associates(label, key, 4, roles, limit=7)
        assert neo4j_store.shared_contacts(label, key) == ref.shared_contacts(label, key)
        assert neo4j_store.entity(label, key) == ref.entity(label, key)
    for _ in range(40):
        (a, b) = rng.sample(subjects, 2)
        assert neo4j_store.shortest_paths(*a, *b, limit=5) == ref.shortest_paths(*a, *b, limit=5)
    for text in ("王", "张伟", "字号1", "有限公司", "F01", "P00"):
        assert neo4j_store.search(text, limit=8) == ref.search(text, limit=8)

    firms = [f.uscc for f in ds.firms]
    for version in ("m1", "m2", "m1"):
        links = random_links(rng, firms, version)
        assert neo4j_store.write_links(links) == ref.write_links(links)
    assert neo4j_store.counts() == ref.counts()
    assert_same_tables(neo4j_store, ref)
