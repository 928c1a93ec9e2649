"""Fixtures for the graph store tests: both stores, the contract example, small random worlds.

`store` is parametrised over the networkx store and the Neo4j store (the second carries the
`neo4j` marker and wipes the test server's database first), so one test body checks both.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from graph.store import GraphStore
from ingest.dataset import read_dataset
from ingest.records import (
    Affiliation,
    CreditKind,
    CreditRecord,
    Dataset,
    Event,
    EventSource,
    Firm,
    FirmKind,
    FirmStatus,
    Person,
    Provenance,
    Role,
    SubjectType,
)

_HERE = Path(__file__).resolve().parent
_CANDIDATES = (
    _HERE.parent / "ingest" / "example",  # the copy committed for CI
    _HERE.parents[2] / "shared" / "contract" / "example",  # ../shared/contract/example
    Path("/work/shared/contract/example"),
)
EXAMPLE = next((p for p in _CANDIDATES if (p / "firms.csv").is_file()), _CANDIDATES[-1])

STORE_KINDS = ["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def make_store(kind: str, request: pytest.FixtureRequest, batch_size: int = 4) -> GraphStore:
    """An empty store of `kind`; small batches so that batching itself is exercised."""
    if kind == "memory":
        return MemoryStore(batch_size=batch_size)
    from graph.neo4j_store import Neo4jStore

    driver = request.getfixturevalue("neo4j_driver")
    store = Neo4jStore(driver, os.environ.get("NEO4J_DATABASE", "neo4j"), batch_size=batch_size)
    store.clear()
    store.ensure_schema()
    return store


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    s = make_store(request.param, request)
    yield s
    s.close()


@pytest.fixture
def neo4j_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty Neo4j store (for tests marked neo4j that compare it with the networkx store)."""
    s = make_store("neo4j", request, batch_size=16)
    yield s
    s.close()


@pytest.fixture(scope="session")
def example() -> Dataset:
    ds = read_dataset(EXAMPLE)
    assert not ds.quarantine
    return ds


@pytest.fixture
def loaded(store: GraphStore, example: Dataset) -> GraphStore:
    store.load_dataset(example)
    return store


@pytest.fixture(scope="session")
def reference(example: Dataset) -> MemoryStore:
    """The example in the networkx store: what the other store must answer too."""
    ref = MemoryStore()
    ref.load_dataset(example)
    return ref


@pytest.fixture
def random_world():  # noqa: ANN201 - a factory: random_world(seed) -> Dataset
    """`random_world(seed)`: a small random Dataset (see random_dataset)."""
    return random_dataset


def random_dataset(seed: int, n_firms: int = 30, n_persons: int = 24, n_affiliations: int = 90) -> Dataset:
    """A small random world with the awkward cases: firm holders, renewed roles (parallel edges),
    shared addresses and phones, homonyms, affiliations and records about unknown subjects."""
    rng = random.Random(seed)
    addresses = [f"浙江省衢州市柯城区荷花路{i}号" for i in range(6)]
    phones = [f"13857{i:06d}" for i in range(6)]
    firms = [
        Firm(
            uscc=f"F{i:03d}", name=f"衢州{rng.choice('宏达永盛')}{i % 7}有限公司",
            other_names=(f"字号{i % 5}",),
            kind=FirmKind.ENTERPRISE, legal_rep_name=None, legal_rep_id=None,
            address=rng.choice([*addresses, None]), region_code="330802",
            phone=rng.choice([*phones, None]), industry=None, status=FirmStatus.ACTIVE,
            founded_on=date(2010 + i % 10, 1 + i % 12, 1), registered_capital_wan=float(rng.randint(1, 500)),
            prov=Provenance("firms.csv", i + 2),
        )
        for i in range(n_firms)
    ]
    persons = [
        Person(
            person_id=f"P{i:03d}", name=rng.choice(["张伟", "王芳", "李娜", "王建国"]), gender=None,
            birth_date=None, address=rng.choice([*addresses, None]), phone=rng.choice([*phones, None]),
            prov=Provenance("persons.csv", i + 2),
        )
        for i in range(n_persons)
    ]
    affiliations = []
    for i in range(n_affiliations):
        firm_holder = rng.random() < 0.2
        holder = f"F{rng.randrange(n_firms):03d}" if firm_holder else f"P{rng.randrange(n_persons):03d}"
        role = Role.SHAREHOLDER if firm_holder else rng.choice(list(Role))
        target = f"F{rng.randrange(n_firms):03d}" if i else "F999"  # the first one: an unknown firm
        affiliations.append(
            Affiliation(
                holder_type=SubjectType.FIRM if firm_holder else SubjectType.PERSON, holder_id=holder,
                firm_uscc=target, role=role,
                share_pct=float(rng.choice([10, 25, 50])) if role == Role.SHAREHOLDER else None,
                start_date=rng.choice([None, date(2015, 1, 1), date(2020, 6, 1)]), end_date=None,
                prov=Provenance("affiliations.csv", i + 2),
            )
        )
    records = [
        CreditRecord(
            record_id=f"C{i}", subject_type=SubjectType.FIRM,
            subject_id=None if i % 4 == 0 else f"F{rng.randrange(n_firms + 2):03d}",
            masked_id=None, subject_name="某公司", kind=rng.choice(list(CreditKind)), authority=None,
            document_no=rng.choice([None, f"衢罚〔2024〕{i}号"]), decided_on=date(2024, 1 + i % 12, 1),
            expires_on=None, amount_yuan=None, summary=None, prov=Provenance("credit_records.csv", i + 2),
        )
        for i in range(12)
    ]
    events = [
        Event(
            event_id=f"E{i}", source=EventSource.COMPLAINT, occurred_at=datetime(2024, 5, 1 + i, 9, 30),
            region_code=None, location=None, category=None, text=f"投诉{i}", raw_text=f"投诉{i}",
            prov=Provenance("events.jsonl", i + 1),
        )
        for i in range(6)
    ]
    return Dataset(
        firms=firms, persons=persons, affiliations=affiliations, credit_records=records, events=events
    )
