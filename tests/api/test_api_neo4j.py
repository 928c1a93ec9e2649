"""The API answers identically over the Neo4j store and the memory store (real server, `neo4j`)."""

from __future__ import annotations

import pytest
from api_fixtures import FIRM, PERSON, RISK_ROWS, SUB_FIRM, auth
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import Role

pytestmark = pytest.mark.neo4j

URLS = [
    (Role.INVESTIGATOR, "/entities/search?q=张伟"),
    (Role.INVESTIGATOR, "/entities/search?q=廿里新材料"),
    (Role.INVESTIGATOR, f"/entities/{FIRM}"),
    (Role.INVESTIGATOR, f"/entities/{PERSON}"),
    (Role.INVESTIGATOR, f"/entities/{PERSON}/associates?depth=3&limit=100&with_risk=true"),
    (Role.INVESTIGATOR, f"/entities/{FIRM}/associates?depth=2&roles=shareholder"),
    (Role.INVESTIGATOR, f"/paths?from={PERSON}&to=330802198509300268"),
    (Role.INVESTIGATOR, f"/paths?from={SUB_FIRM}&to=330821197201050156"),
    (Role.SERVICE, f"/entities/{FIRM}/risk"),
    (Role.SERVICE, f"/entities/{PERSON}/risk"),
    (Role.INVESTIGATOR, "/entities/92330803MA2D00010P/risk"),
    (Role.INVESTIGATOR, "/entities/91330803MA2D0009XX"),
]


def test_api_answers_the_same_on_both_stores(neo4j_driver, dataset, store, settings, keyring, queue):
    from graph.neo4j_store import Neo4jStore

    neo = Neo4jStore(neo4j_driver, "neo4j")
    neo.clear()
    neo.ensure_schema()
    neo.load_dataset(dataset)
    neo.write_risk_scores(RISK_ROWS)
    with (
        TestClient(create_app(settings, store=store, queue=queue, keyring=keyring)) as mem,
        TestClient(create_app(settings, store=neo, queue=queue, keyring=keyring)) as bolt,
    ):
        assert bolt.get("/readyz").json()["status"] == "ready"
        for role, url in URLS:
            a, b = mem.get(url, headers=auth(role)), bolt.get(url, headers=auth(role))
            assert (a.status_code, a.json()) == (b.status_code, b.json()), url
