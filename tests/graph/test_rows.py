"""The pure record -> row functions both stores write from (no database needed)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from graph.model import NodeLabel, RelType, RiskScore
from graph.rows import (
    RID_NONE,
    RID_PUBLISHED,
    dataset_rows,
    edge_waves,
    firm_row,
    link_rows,
    props,
    risk_from_props,
    risk_rows,
    stored_props,
)
from ingest.records import Dataset, FirmKind, Role, SubjectType
from resolution.links import Decision, Link, LinkSource


def test_props_drop_none_and_flatten_enums() -> None:
    assert props(a=None, b=FirmKind.COOPERATIVE, c=0, d="") == {"b": "cooperative", "c": 0, "d": ""}


def test_dates_travel_as_iso_and_come_back_typed(example: Dataset) -> None:
    row = firm_row(example.firms[0])
    assert row["founded_on"] == "2015-04-01" and "founded_on" not in row["props"]
    assert stored_props(NodeLabel.FIRM, row)["founded_on"] == date(2015, 4, 1)
    rows = dataset_rows(example)
    event = rows.nodes[NodeLabel.EVENT][0]
    assert stored_props(NodeLabel.EVENT, event)["occurred_at"] == datetime(2024, 5, 6, 9, 30)
    assert "raw_text" not in event["props"] or event["props"]["raw_text"] != event["props"]["text"]


def test_spellings_of_one_address_and_phone_lists_give_one_node_each(example: Dataset) -> None:
    a, b = example.firms[0], example.firms[1]
    spelled = "浙江省衢州市衢江区杜泽镇老街２３号 "  # full-width digits, a trailing space
    twin = dataclasses.replace(b, address=spelled, phone="0570-3456789，13857012345")
    rows = dataset_rows(Dataset(firms=[a, twin]))
    assert [r["key"] for r in rows.nodes[NodeLabel.ADDRESS]] == ["浙江省衢州市衢江区杜泽镇老街23号"]
    assert sorted(r["key"] for r in rows.nodes[NodeLabel.PHONE]) == ["0570-3456789", "13857012345"]
    has_phone = rows.edges[(NodeLabel.FIRM, RelType.HAS_PHONE, NodeLabel.PHONE)]
    assert sorted((r["src"], r["dst"]) for r in has_phone) == sorted(
        [(a.uscc, "13857012345"), (b.uscc, "0570-3456789"), (b.uscc, "13857012345")]
    )


def test_roles_renewed_are_separate_relationships(example: Dataset) -> None:
    first = example.affiliations[0]
    again = dataclasses.replace(first, start_date=date(2021, 3, 1), end_date=None)
    rows = dataset_rows(Dataset(firms=example.firms, persons=example.persons, affiliations=[first, again]))
    contacts = (RelType.REGISTERED_AT, RelType.HAS_PHONE)
    (group,) = [g for g in rows.edges if g[1] not in contacts]
    assert group == (NodeLabel.PERSON, RelType(first.role.upper()), NodeLabel.FIRM)
    assert [r["rid"] for r in rows.edges[group]] == [RID_NONE, "2021-03-01"]
    assert rows.edges[group][1]["start_date"] == "2021-03-01"
    assert first.role == Role.OPERATOR


def test_only_records_with_a_code_get_a_published_subject_link(example: Dataset) -> None:
    rows = dataset_rows(example)
    linked = [
        r["dst"]
        for (_, rel, _), rs in rows.edges.items()
        if rel == RelType.SUBJECT_OF
        for r in rs
        if r["rid"] == RID_PUBLISHED
    ]
    assert sorted(linked) == sorted(r.record_id for r in example.credit_records if r.subject_id)
    assert "C2" not in linked  # published with a masked ID


def test_link_rows_point_the_right_way_and_delete_once_per_record_version() -> None:
    links = [
        Link(LinkSource.EVENTS, "E1", SubjectType.FIRM, "F1", 0.9, Decision.AUTO_LINK, "name", "m1"),
        Link(LinkSource.EVENTS, "E1", SubjectType.PERSON, "P1", 0.6, Decision.REVIEW, "name", "m1"),
        Link(LinkSource.CREDIT_RECORDS, "C2", SubjectType.PERSON, "P1", 0.9, Decision.AUTO_LINK, "x", "m1"),
    ]
    deletes, edges = link_rows(links)
    assert deletes[LinkSource.EVENTS] == [{"record_id": "E1", "model_version": "m1"}]
    assert edges[(NodeLabel.EVENT, RelType.MENTIONS, NodeLabel.FIRM)][0]["src"] == "E1"
    (credit,) = edges[(NodeLabel.PERSON, RelType.SUBJECT_OF, NodeLabel.CREDIT_RECORD)]
    assert (credit["src"], credit["dst"], credit["rid"]) == ("P1", "C2", "link:m1")
    assert credit["props"] == {"score": 0.9, "decision": "auto_link", "model_version": "m1", "evidence": "x"}


def test_risk_rows_round_trip() -> None:
    score = RiskScore(SubjectType.PERSON, "P1", 0.7, 0.2, 0.6, "r1", "C1; F2 via LEGAL_REP")
    (row,) = risk_rows([score])[NodeLabel.PERSON]
    stored = {f"risk_{k}": v for k, v in row.items() if k != "key"}
    assert risk_from_props(NodeLabel.PERSON, "P1", stored) == score
    assert risk_from_props(NodeLabel.PERSON, "P1", {"name": "x"}) is None


def test_edge_waves_never_pair_groups_that_share_a_label(example: Dataset) -> None:
    rows = dataset_rows(example)
    waves = edge_waves(rows.edges, workers=2)
    assert sorted(g for w in waves for g in w) == sorted(rows.edges)  # each group exactly once
    for wave in waves:
        assert 1 <= len(wave) <= 2
        labels = [{g[0], g[2]} for g in wave]
        assert all(a.isdisjoint(b) for i, a in enumerate(labels) for b in labels[i + 1 :])
    assert any(len(w) == 2 for w in waves)  # contacts of firms and persons do pair up
    assert all(len(w) == 1 for w in edge_waves(rows.edges, workers=1))
