"""The contract every GraphStore honours, run against the networkx store and the real Neo4j store.

Facts are read off the contract example (tests/ingest/example, a copy of the shared one):
王建国 (…0177) is legal rep and 70% shareholder of 廿里新材料 (…37J) and 30% shareholder of 宏达物流
(…53R); 廿里新材料 holds 100% of 廿里建材 (…45D), whose legal rep 王建军 (…0156) is an executive of
廿里新材料; 张伟 (…0318) and 李秀英 (…0422) both hold two roles at 杜泽食品 (…29P); the two 廿里 firms
share an address and a phone; 王建国 and 王建军 share an address; 王建国's phone is 宏达物流's.
Every answer is also compared with the networkx store's (`reference`), so both stores agree.
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph.model import AFFILIATION_RELS, NodeLabel, RelType, RiskScore, Step
from graph.store import GraphStore
from ingest.normalize import normalize_address
from ingest.records import Dataset, Role, SubjectType
from resolution.links import Decision, Link, LinkSource

P, F = NodeLabel.PERSON, NodeLabel.FIRM
WANG_JIANGUO, WANG_JIANJUN = "330821196911200177", "330821197201050156"
ZHANG_WEI_QZ, ZHANG_WEI_HZ, LI_XIUYING = "330821197803120318", "330106199005180516", "330821198107020422"
CHEN_LI = "330802198509300268"
XINCAILIAO, JIANCAI, HONGDA, DUZE_FOOD = (
    "91330803MA2D00037J",
    "91330803MA2D00045D",
    "91330802MA2D00053R",
    "91330803MA2D00029P",
)


def subjects(ds: Dataset) -> list[tuple[NodeLabel, str]]:
    return [(F, f.uscc) for f in ds.firms] + [(P, p.person_id) for p in ds.persons]


def test_counts_follow_the_dataset(loaded: GraphStore, example: Dataset, reference: GraphStore) -> None:
    counts = loaded.counts()
    assert set(counts) == {str(x) for x in NodeLabel} | {str(x) for x in RelType}
    assert counts["Firm"] == len(example.firms) and counts["Person"] == len(example.persons)
    assert counts["CreditRecord"] == len(example.credit_records) and counts["Event"] == len(example.events)
    addresses = {normalize_address(x.address) for x in [*example.firms, *example.persons] if x.address}
    assert counts["Address"] == len(addresses) < len(example.firms) + len(example.persons)
    for role in Role:
        rel = str(role).upper()
        assert counts[rel] == sum(a.role == role for a in example.affiliations)
    assert counts["SUBJECT_OF"] == sum(r.subject_id is not None for r in example.credit_records)
    assert counts["MENTIONS"] == 0
    assert counts == reference.counts()


def test_loading_twice_changes_nothing(loaded: GraphStore, example: Dataset) -> None:
    before, tables = loaded.counts(), loaded.export_tables()
    loaded.load_dataset(example)
    assert loaded.counts() == before
    again = loaded.export_tables()
    for label, df in tables.nodes.items():
        pd.testing.assert_frame_equal(again.nodes[label], df)


def test_associates_carry_the_role_on_each_step(loaded: GraphStore) -> None:
    one = loaded.associates(P, WANG_JIANGUO, depth=1)
    assert [(a.label, a.key, a.depth) for a in one] == [(F, HONGDA, 1), (F, XINCAILIAO, 1)]
    # legal rep and shareholder of 廿里新材料: the tie goes to the smaller step, LEGAL_REP
    assert one[1].path == (Step(WANG_JIANGUO, RelType.LEGAL_REP, XINCAILIAO),)
    two = {a.key: a for a in loaded.associates(P, WANG_JIANGUO, depth=2)}
    assert two[JIANCAI].path == (
        Step(WANG_JIANGUO, RelType.LEGAL_REP, XINCAILIAO),
        Step(XINCAILIAO, RelType.SHAREHOLDER, JIANCAI, 100.0),
    )
    # steps keep the stored direction: 王建军 is an executive *of* 廿里新材料
    assert two[WANG_JIANJUN].path[-1] == Step(WANG_JIANJUN, RelType.EXECUTIVE, XINCAILIAO)
    assert two[CHEN_LI].depth == 2
    assert len(loaded.associates(P, WANG_JIANGUO, depth=5)) == len(two)  # nothing beyond


def test_associates_by_role_and_limit(loaded: GraphStore) -> None:
    shares = loaded.associates(P, WANG_JIANGUO, depth=3, roles={RelType.SHAREHOLDER})
    assert WANG_JIANJUN not in {a.key for a in shares}  # reachable only as legal rep / executive
    assert all(s.rel == RelType.SHAREHOLDER for a in shares for s in a.path)
    assert shares[0].path[0].share_pct == 30.0  # to 宏达物流
    limited = loaded.associates(P, WANG_JIANGUO, depth=3, limit=3)
    assert limited == loaded.associates(P, WANG_JIANGUO, depth=3)[:3]
    assert loaded.associates(P, "000000000000000000", depth=3) == []
    with pytest.raises(ValueError):
        loaded.associates(P, WANG_JIANGUO, depth=2, roles={RelType.HAS_PHONE})


def test_shortest_paths_are_all_listed_in_order(loaded: GraphStore) -> None:
    paths = loaded.shortest_paths(P, ZHANG_WEI_QZ, P, LI_XIUYING)
    assert len(paths) == 4 and all(len(p) == 2 for p in paths)  # two roles each at 杜泽食品
    assert all(p[0].dst == DUZE_FOOD and p[1].src == LI_XIUYING for p in paths)
    first = (
        Step(ZHANG_WEI_QZ, RelType.LEGAL_REP, DUZE_FOOD),
        Step(LI_XIUYING, RelType.SHAREHOLDER, DUZE_FOOD, 40.0),
    )
    assert paths[0] == first
    assert loaded.shortest_paths(P, ZHANG_WEI_QZ, P, LI_XIUYING, limit=2) == paths[:2]
    assert loaded.shortest_paths(P, ZHANG_WEI_HZ, P, WANG_JIANGUO) == []  # Hangzhou's 张伟: unconnected
    assert loaded.shortest_paths(P, WANG_JIANGUO, F, JIANCAI, max_depth=1) == []
    assert loaded.shortest_paths(P, WANG_JIANGUO, P, WANG_JIANGUO) == [()]


def test_shared_address_and_phone(loaded: GraphStore) -> None:
    shared = loaded.shared_contacts(F, XINCAILIAO)
    assert {(s.via_label, s.key) for s in shared} == {
        (NodeLabel.ADDRESS, JIANCAI), (NodeLabel.PHONE, JIANCAI),
    }
    person = {(s.via_label, s.label, s.key) for s in loaded.shared_contacts(P, WANG_JIANGUO)}
    assert (NodeLabel.ADDRESS, P, WANG_JIANJUN) in person
    assert (NodeLabel.PHONE, F, HONGDA) in person
    assert loaded.shared_contacts(P, CHEN_LI) == []


def test_entity_and_search(loaded: GraphStore, reference: GraphStore) -> None:
    firm = loaded.entity(F, XINCAILIAO)
    assert firm is not None and firm["properties"]["name"] == "浙江廿里新材料科技有限公司"
    assert firm["properties"]["prov_file"] == "firms.csv"
    assert [r["record"]["record_id"] for r in firm["credit_records"]] == ["C3"]
    assert loaded.entity(F, "91330000000000000X") is None
    hits = loaded.search("张伟")
    assert [(h["rank"], h["key"]) for h in hits[:2]] == [(1, ZHANG_WEI_HZ), (1, ZHANG_WEI_QZ)]  # homonyms
    assert [h["key"] for h in loaded.search("老街小吃")] == ["92330803MA2D00010P"]  # a trade name
    assert loaded.search("   ") == []
    for text in ("张伟", "廿里", "MA2D", XINCAILIAO, "物流"):
        assert loaded.search(text, limit=3) == reference.search(text, limit=3)


def _links(version: str, e1_score: float) -> list[Link]:
    ev, cr, firm, person = LinkSource.EVENTS, LinkSource.CREDIT_RECORDS, SubjectType.FIRM, SubjectType.PERSON
    return [
        Link(ev, "E1", firm, "92330803MA2D00010P", e1_score, Decision.AUTO_LINK, "店名", version),
        Link(ev, "E1", person, ZHANG_WEI_QZ, 0.7, Decision.REVIEW, "店主张伟", version),
        Link(cr, "C2", person, WANG_JIANGUO, 0.95, Decision.AUTO_LINK, "尾号0177", version),
    ]


def test_write_links_replaces_a_records_links_of_that_version(loaded: GraphStore) -> None:
    base = loaded.counts()
    assert loaded.write_links(_links("m1", 0.9)) == 3
    assert loaded.counts()["MENTIONS"] == 2 and loaded.counts()["SUBJECT_OF"] == base["SUBJECT_OF"] + 1
    debtor = loaded.entity(P, WANG_JIANGUO)
    assert debtor is not None
    (c2,) = [r for r in debtor["credit_records"] if r["record"]["record_id"] == "C2"]
    assert c2["link"]["decision"] == "auto_link" and c2["link"]["model_version"] == "m1"
    # m1 again, now E1 is about the shop only: its person link of m1 goes away
    assert loaded.write_links(_links("m1", 0.8)[:1]) == 1
    mentions = loaded.export_tables().edges[RelType.MENTIONS]
    assert mentions[["dst", "score"]].values.tolist() == [["92330803MA2D00010P", 0.8]]
    # another model version adds, it does not replace; the published links stay
    loaded.write_links(_links("m2", 0.6))
    counts = loaded.counts()
    assert counts["MENTIONS"] == 3 and counts["SUBJECT_OF"] == base["SUBJECT_OF"] + 2
    nobody = "91330000000000000X"
    unknown = Link(LinkSource.EVENTS, "E2", SubjectType.FIRM, nobody, 0.5, Decision.REVIEW, "", "m")
    assert loaded.write_links([unknown]) == 0


def test_risk_scores_round_trip(loaded: GraphStore) -> None:
    scores = [
        RiskScore(SubjectType.FIRM, JIANCAI, 0.81, 0.4, 0.6, "risk-1", "C1; 廿里新材料 via SHAREHOLDER"),
        RiskScore(SubjectType.PERSON, WANG_JIANGUO, 0.5, 0.5, 0.1, "risk-1", "C2"),
        RiskScore(SubjectType.FIRM, "91330000000000000X", 0.1, 0.1, 0.1, "risk-1", ""),
    ]
    assert loaded.write_risk_scores(scores) == 2
    assert loaded.risk(F, JIANCAI) == scores[0]
    assert loaded.risk(P, WANG_JIANGUO) == scores[1]
    assert loaded.risk(F, HONGDA) is None and loaded.risk(F, "91330000000000000X") is None


def test_export_tables_match_the_reference(loaded: GraphStore, reference: GraphStore) -> None:
    mine, ref = loaded.export_tables(), reference.export_tables()
    assert set(mine.nodes) == set(NodeLabel) and set(mine.edges) == set(RelType)
    assert list(mine.nodes[F].columns) == [
        "key", "name", "other_names", "kind", "status", "region_code", "industry", "founded_on",
        "registered_capital_wan", "address", "phone",
    ]
    firms = mine.nodes[F].set_index("key")
    assert firms.loc["92330803MA2D00010P", "other_names"] == "杜泽老街小吃店|老街小吃"
    for rel in AFFILIATION_RELS:
        assert list(mine.edges[rel].columns)[4:] == ["share_pct", "start_date", "end_date"]
    for label in NodeLabel:
        pd.testing.assert_frame_equal(mine.nodes[label], ref.nodes[label])
    for rel in RelType:
        pd.testing.assert_frame_equal(mine.edges[rel], ref.edges[rel])


def test_every_answer_matches_the_reference(
    loaded: GraphStore, reference: GraphStore, example: Dataset
) -> None:
    subs = subjects(example)
    for label, key in subs:
        assert loaded.associates(label, key, depth=3) == reference.associates(label, key, depth=3)
        assert loaded.shared_contacts(label, key) == reference.shared_contacts(label, key)
        assert loaded.entity(label, key) == reference.entity(label, key)
    for a in subs:
        for b in subs:
            assert loaded.shortest_paths(*a, *b, max_depth=4) == reference.shortest_paths(*a, *b, max_depth=4)


def test_clear_empties_the_store(loaded: GraphStore) -> None:
    loaded.clear()
    assert set(loaded.counts().values()) == {0}


def test_delete_links_removes_only_that_versions_resolved_links(loaded: GraphStore) -> None:
    """An increment re-resolves a record to no candidate: its links of that version go, other
    versions' links and published SUBJECT_OF stay; unknown records remove nothing."""
    base = loaded.counts()
    loaded.write_links(_links("m1", 0.9) + _links("m2", 0.7))
    assert loaded.delete_links(LinkSource.EVENTS, ["E1", "E404"], "m1") == 2
    assert loaded.delete_links(LinkSource.CREDIT_RECORDS, ["C2"], "m1") == 1
    counts = loaded.counts()
    assert counts["MENTIONS"] == 2 and counts["SUBJECT_OF"] == base["SUBJECT_OF"] + 1
    mentions = loaded.export_tables().edges[RelType.MENTIONS]
    assert set(mentions["model_version"]) == {"m2"}
    assert loaded.delete_links(LinkSource.CREDIT_RECORDS, ["C2"], "m1") == 0


def test_reset_subjects_and_delete_orphans(loaded: GraphStore) -> None:
    """A changed registry row rewrites its subject: properties but key and risk go, contact
    relationships go, roles stay; contact nodes nobody is registered at any more can be deleted."""
    shared = loaded.shared_contacts(F, XINCAILIAO)
    assert {(s.key, str(s.via_label)) for s in shared} >= {(JIANCAI, "Phone"), (JIANCAI, "Address")}
    contacts = {(s.via_label, s.via_key) for s in shared if s.key == JIANCAI}
    holders = [(h["holder_key"], h["rel"]) for h in loaded.role_holders([JIANCAI])]
    score = RiskScore(SubjectType.FIRM, JIANCAI, 0.3, 0.2, 0.1, "risk-1", "")
    loaded.write_risk_scores([score])
    assert loaded.reset_subjects(F, [JIANCAI, "91330000000000000X"]) == 1
    node = loaded.entity(F, JIANCAI)
    assert node is not None and "name" not in node["properties"] and node["properties"]["uscc"] == JIANCAI
    assert loaded.risk(F, JIANCAI) == score and holders
    assert [(h["holder_key"], h["rel"]) for h in loaded.role_holders([JIANCAI])] == holders
    assert loaded.shared_contacts(F, JIANCAI) == []
    # still used by XINCAILIAO: kept; once that one is reset too, they are orphans
    for label, key in contacts:
        assert loaded.delete_orphans(label, [key]) == 0
    loaded.reset_subjects(F, [XINCAILIAO])
    for label, key in contacts:
        assert loaded.delete_orphans(label, [key, key]) == 1
        assert loaded.entity(label, key) is None


def test_record_links_reads_back_every_version_of_one_record(loaded: GraphStore) -> None:
    """What a steward's no-match overrides: the record's links as the resolver wrote them, every
    model version and decision; published SUBJECT_OF (no model version) is not a resolution link."""
    written = _links("m1", 0.9) + _links("m2", 0.7)
    loaded.write_links(written)
    for source, record_id in ((LinkSource.EVENTS, "E1"), (LinkSource.CREDIT_RECORDS, "C2")):
        got = loaded.record_links(source, record_id)
        want = [lk for lk in written if lk.source == source and lk.record_id == record_id]
        key = lambda lk: (lk.model_version, lk.entity_type.value, lk.entity_id)  # noqa: E731
        assert sorted(got, key=key) == sorted(want, key=key)
    assert loaded.record_links(LinkSource.CREDIT_RECORDS, "C3") == []  # published with its code
    assert loaded.record_links(LinkSource.EVENTS, "E404") == []


def test_records_links_is_record_links_of_many_records_in_one_read(loaded: GraphStore) -> None:
    """What an increment compares its re-resolved links with: the same links record_links reads,
    one read for many records; unknown records and published SUBJECT_OF give nothing."""
    loaded.write_links(_links("m1", 0.9) + _links("m2", 0.7))
    for source, ids in ((LinkSource.EVENTS, ["E1", "E404", "E1"]), (LinkSource.CREDIT_RECORDS, ["C3", "C2"])):
        want = [lk for r in sorted(set(ids)) for lk in loaded.record_links(source, r)]
        assert want and loaded.records_links(source, ids) == want
    assert loaded.records_links(LinkSource.EVENTS, []) == []


def test_entity_links_reads_the_resolution_links_naming_a_subject(loaded: GraphStore) -> None:
    """What an increment rechecks when it touches a subject: every record linked to it by the
    matcher, both sources, every version; the published SUBJECT_OF (C3 of 廿里新材料) is not one."""
    written = _links("m1", 0.9) + _links("m2", 0.7)
    loaded.write_links(written)
    got = loaded.entity_links(P, [ZHANG_WEI_QZ, WANG_JIANGUO, "110101199001010000"])
    persons = [lk for lk in written if lk.entity_type == SubjectType.PERSON]
    key = lambda lk: (lk.source.value, lk.record_id, lk.model_version, lk.entity_id)  # noqa: E731
    assert sorted(got, key=key) == sorted(persons, key=key) and len(got) == 4
    order = [(lk.source.value, lk.record_id) for lk in got]
    assert order == sorted(order)
    shop = [lk for lk in written if lk.entity_type == SubjectType.FIRM]
    assert loaded.entity_links(F, ["92330803MA2D00010P"]) == shop
    assert loaded.entity_links(F, [XINCAILIAO]) == [] and loaded.entity_links(NodeLabel.ADDRESS, ["x"]) == []
