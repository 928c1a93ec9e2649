"""The joint-punishment reads of the store contract, on the networkx store and the real Neo4j store
(the `store` fixture of tests/graph/conftest.py runs each test on both), each answer compared with
the networkx store's as well.

Facts from the contract example: C2, a dishonest-debtor judgment ((2023)浙0803执1234号), is published
with a masked ID and resolves to 王建国 (…0177), legal rep and 70% shareholder of 廿里新材料 (…37J)
and 30% shareholder of 宏达物流 (…53R); 王建军 (…0156) is an executive of 廿里新材料, whose
100% shareholder is the firm 廿里新材料 itself at 廿里建材 (…45D).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.memory_store import MemoryStore
from graph.model import NodeLabel
from graph.sanctions import JOINT_KINDS, SanctionConfig, store_alerts
from graph.store import GraphStore
from ingest.records import Dataset, SubjectType
from resolution.links import Decision, Link, LinkSource

P, F = NodeLabel.PERSON, NodeLabel.FIRM
WANG_JIANGUO, WANG_JIANJUN = "330821196911200177", "330821197201050156"
XINCAILIAO, JIANCAI, HONGDA = "91330803MA2D00037J", "91330803MA2D00045D", "91330802MA2D00053R"
C2_LINK = Link(LinkSource.CREDIT_RECORDS, "C2", SubjectType.PERSON, WANG_JIANGUO, 0.95, Decision.AUTO_LINK,
               "尾号0177", "m1")


def _both(loaded: GraphStore, example: Dataset, links: list[Link]) -> tuple[GraphStore, MemoryStore]:
    ref = MemoryStore()
    ref.load_dataset(example)
    for s in (loaded, ref):
        s.write_links(links)
    return loaded, ref


def test_listed_records_carry_the_link_and_dates(loaded: GraphStore, example: Dataset) -> None:
    store, ref = _both(loaded, example, [C2_LINK])
    rows = store.listed_records(JOINT_KINDS)
    assert [(r["record_id"], r["subject_label"], r["subject_key"], r["decision"]) for r in rows] == [
        ("C2", "Person", WANG_JIANGUO, "auto_link")
    ]
    assert rows[0]["decided_on"] == date(2023, 11, 15) and rows[0]["expires_on"] is None
    assert rows[0]["document_no"] == "(2023)浙0803执1234号"
    assert rows == ref.listed_records(JOINT_KINDS)
    # records published with a code: tied by the "published" relationship, no decision
    penalties = store.listed_records(["admin_penalty", "red_list"])
    regions = {f.uscc: f.region_code for f in example.firms}
    published = sorted(
        (r.record_id, "published", None, regions.get(r.subject_id or ""))
        for r in example.credit_records
        if r.subject_id and str(r.kind) in ("admin_penalty", "red_list")
    )
    assert len(published) >= 2
    assert [(r["record_id"], r["rid"], r["decision"], r["region_code"]) for r in penalties] == published
    assert penalties == ref.listed_records(["admin_penalty", "red_list"])


def test_an_unlinked_masked_record_lists_no_subject(loaded: GraphStore) -> None:
    assert loaded.listed_records(JOINT_KINDS) == []


def test_role_ties_of_holders_with_role_and_share(loaded: GraphStore, reference: GraphStore) -> None:
    ties = loaded.role_ties(P, [WANG_JIANGUO, WANG_JIANGUO, "330000000000000000"])
    assert [(t["firm_key"], t["rel"], t["share_pct"]) for t in ties] == [
        (HONGDA, "SHAREHOLDER", 30.0), (XINCAILIAO, "LEGAL_REP", None), (XINCAILIAO, "SHAREHOLDER", 70.0),
    ]
    assert {t["firm_region_code"] for t in ties} == {"330802", "330803"}
    assert ties == reference.role_ties(P, [WANG_JIANGUO])
    firm = loaded.role_ties(F, [XINCAILIAO])
    assert [(t["holder_label"], t["firm_key"], t["rel"], t["share_pct"]) for t in firm] == [
        ("Firm", JIANCAI, "SHAREHOLDER", 100.0)
    ]
    assert firm == reference.role_ties(F, [XINCAILIAO])


def test_role_holders_of_a_firm(loaded: GraphStore, reference: GraphStore) -> None:
    holders = loaded.role_holders([XINCAILIAO])
    assert [(h["holder_label"], h["holder_key"], h["rel"]) for h in holders] == [
        ("Person", WANG_JIANGUO, "LEGAL_REP"), ("Person", WANG_JIANGUO, "SHAREHOLDER"),
        ("Person", WANG_JIANJUN, "EXECUTIVE"),
    ]
    assert holders == reference.role_holders([XINCAILIAO])
    assert [h["holder_label"] for h in loaded.role_holders([JIANCAI])].count("Firm") == 1
    assert loaded.role_holders(["nope"]) == []


def test_firm_regions(loaded: GraphStore, reference: GraphStore, example: Dataset) -> None:
    rows = loaded.firm_regions()
    assert [r["key"] for r in rows] == sorted(f.uscc for f in example.firms)
    assert {r["key"]: r["region_code"] for r in rows} == {f.uscc: f.region_code for f in example.firms}
    assert all(r["risk_score"] is None for r in rows)
    assert rows == reference.firm_regions()


def test_alerts_are_the_same_on_both_stores(loaded: GraphStore, example: Dataset) -> None:
    store, ref = _both(loaded, example, [C2_LINK])
    found = store_alerts(store, date(2024, 12, 31))
    assert [(a.relation, a.target_key, a.roles) for a in found] == [
        ("listed", WANG_JIANGUO, ()),
        ("related", HONGDA, ("SHAREHOLDER",)),
        ("related", XINCAILIAO, ("LEGAL_REP", "SHAREHOLDER")),
    ]
    assert all(a.document_no == "(2023)浙0803执1234号" for a in found)
    assert found == store_alerts(ref, date(2024, 12, 31))
    # a link still in review is no grounds for punishment
    review = Link(LinkSource.CREDIT_RECORDS, "C2", SubjectType.PERSON, WANG_JIANGUO, 0.7, Decision.REVIEW,
                  "", "m1")
    store.write_links([review])
    assert store_alerts(store, date(2024, 12, 31)) == []


@pytest.mark.neo4j
@pytest.mark.parametrize("seed", [3, 11, 29])
def test_random_worlds_give_the_same_rows_and_alerts(
    neo4j_store: GraphStore, random_world: Any, seed: int
) -> None:
    """Differential: random worlds (firm holders, renewed roles, records about unknown subjects,
    ungrounded records) answer the same on Neo4j as on networkx."""
    ds = random_world(seed)
    ref = MemoryStore()
    for s in (neo4j_store, ref):
        s.load_dataset(ds)
    kinds = ["dishonest_debtor", "serious_dishonesty", "admin_penalty", "abnormal_operation"]
    assert neo4j_store.listed_records(kinds) == ref.listed_records(kinds)
    persons, firms = [p.person_id for p in ds.persons], [f.uscc for f in ds.firms]
    assert neo4j_store.role_ties(P, persons) == ref.role_ties(P, persons)
    assert neo4j_store.role_ties(F, firms) == ref.role_ties(F, firms)
    assert neo4j_store.role_holders(firms) == ref.role_holders(firms)
    assert neo4j_store.firm_regions() == ref.firm_regions()
    config = SanctionConfig(kinds=tuple(kinds), min_share_pct=20.0)
    found = store_alerts(neo4j_store, date(2025, 1, 1), config)
    assert found == store_alerts(ref, date(2025, 1, 1), config)
    assert found  # each of these seeds lists at least one grounded active record
