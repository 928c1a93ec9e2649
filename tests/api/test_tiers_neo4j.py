"""Credit tiers answer identically over the Neo4j store and the memory store (real server, `neo4j`):
the mix and its pages, a subject's tier, the record of a run and the key-supervision list."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_fixtures import FIRM, PERSON, RISK_ROWS, SUB_FIRM, auth
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import Role
from graph.model import RiskScore
from ingest.records import SubjectType

pytestmark = pytest.mark.neo4j
MORE = [RiskScore(SubjectType.FIRM, k, v, v, 0.0, "m", "") for k, v in
        (("92330803MA2D00010P", 0.01), ("91330803MA2D00029P", 0.05), ("91330802MA2D00053R", 0.12))]
URLS = [
    "/tiers", "/tiers?region=3308", "/tiers?tier=D&limit=2", "/tiers?tier=D&limit=2&offset=2",
    "/tiers?subject_type=person", f"/entities/{FIRM}/tier", f"/entities/{PERSON}/tier",
    f"/entities/{SUB_FIRM}/tier", "/entities/91330802MA2D00053R/tier", "/tiers/declined",
]


def test_tiers_answer_the_same_on_both_stores(
    neo4j_driver, dataset, store, settings, keyring, tmp_path: Path
):
    from graph.neo4j_store import Neo4jStore

    neo = Neo4jStore(neo4j_driver, "neo4j")
    neo.clear()
    neo.ensure_schema()
    neo.load_dataset(dataset)
    neo.write_risk_scores(RISK_ROWS)
    for s in (store, neo):
        s.write_risk_scores(MORE)
    mem_settings = settings.model_copy(update={"punish_db_url": f"sqlite:///{tmp_path / 'mem.db'}"})
    neo_settings = settings.model_copy(update={"punish_db_url": f"sqlite:///{tmp_path / 'neo.db'}"})
    with (
        TestClient(create_app(mem_settings, store=store, queue=None, keyring=keyring)) as mem,
        TestClient(create_app(neo_settings, store=neo, queue=None, keyring=keyring)) as bolt,
    ):
        admin, who = auth(Role.ADMIN), auth(Role.INVESTIGATOR)
        runs = [c.post("/tiers/record?as_of=2024-06-30&run=r1", headers=admin).json() for c in (mem, bolt)]
        assert runs[0] == runs[1] and runs[0]["changes"] == 6
        for s in (store, neo):  # 宏达物流 falls from C to D
            s.write_risk_scores([RiskScore(SubjectType.FIRM, "91330802MA2D00053R", 0.4, 0.4, 0.0, "m", "")])
        runs = [c.post("/tiers/record?as_of=2024-12-31&run=r2", headers=admin).json() for c in (mem, bolt)]
        assert runs[0] == runs[1] and runs[0]["declined"] == 1
        for url in URLS:
            for role in (Role.INVESTIGATOR, Role.SERVICE):
                a, b = mem.get(url, headers=auth(role)), bolt.get(url, headers=auth(role))
                assert a.status_code == 200 and a.json() == b.json(), (url, role)
        assert mem.get("/tiers/declined", headers=who).json()["total"] == 1
