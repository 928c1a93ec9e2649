"""Joint punishment and the map answer identically over the Neo4j store and the memory store
(real server, `neo4j`): alerts, issued tasks, rates, map numbers and a district's detail."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_fixtures import PERSON, RISK_ROWS, auth
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import Role
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource

pytestmark = pytest.mark.neo4j

C2 = Link(
    LinkSource.CREDIT_RECORDS, "C2", SubjectType.PERSON, PERSON, 0.95, Decision.AUTO_LINK, "尾号0177", "m1"
)
URLS = [
    "/punish/alerts?as_of=2024-12-31",
    "/punish/tasks?as_of=2025-01-20",
    "/punish/rates?by=district&as_of=2025-01-20",
    "/punish/rates?by=department&as_of=2025-01-20",
    "/map/regions?as_of=2024-12-31",
    "/map/regions/330803?as_of=2024-12-31",
    "/map/regions/330802?as_of=2024-12-31",
]


def test_punishment_answers_the_same_on_both_stores(
    neo4j_driver, dataset, store, settings, keyring, tmp_path: Path
):
    from graph.neo4j_store import Neo4jStore

    neo = Neo4jStore(neo4j_driver, "neo4j")
    neo.clear()
    neo.ensure_schema()
    neo.load_dataset(dataset)
    neo.write_risk_scores(RISK_ROWS)
    for s in (store, neo):
        s.write_links([C2])
    # each app its own task table, each issued once from its own store
    mem_settings = settings.model_copy(update={"punish_db_url": f"sqlite:///{tmp_path / 'mem.db'}"})
    neo_settings = settings.model_copy(update={"punish_db_url": f"sqlite:///{tmp_path / 'neo.db'}"})
    with (
        TestClient(create_app(mem_settings, store=store, queue=None, keyring=keyring)) as mem,
        TestClient(create_app(neo_settings, store=neo, queue=None, keyring=keyring)) as bolt,
    ):
        who = auth(Role.INVESTIGATOR)
        issued = [c.post("/punish/alerts?as_of=2024-12-31", headers=who).json() for c in (mem, bolt)]
        assert issued[0] == issued[1] and issued[0]["tasks_new"] > 0
        for url in URLS:
            a, b = mem.get(url, headers=who), bolt.get(url, headers=who)
            assert a.status_code == 200 and (a.status_code, a.json()) == (b.status_code, b.json()), url
