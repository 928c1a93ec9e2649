"""The time cut: nothing dated after T reaches the features; labels come only from (T, T+12m]."""

import pandas as pd

from graph.features import build_features
from graph.features_cut import cut_tables, labels_after
from graph.features_tables import TablesBuilder

T = "2024-01-01"


def _world(extra_future: bool) -> TablesBuilder:
    b = TablesBuilder()
    b.firm("F1").firm("F2").person("P1").person("P2")
    b.role("Person", "P1", "F1", "legal_rep").role("Person", "P1", "F2", "shareholder", 50)
    b.record("R1", "Firm", "F1", "admin_penalty", "2023-06-01")
    b.event("E1", "2023-07-01", [("Firm", "F2")])
    if extra_future:
        b.firm("F9", founded_on="2024-03-01").role("Person", "P1", "F9", "legal_rep", start_date="2024-03-01")
        b.role("Person", "P2", "F2", "executive", start_date="2024-02-01")
        b.record("R9", "Firm", "F2", "serious_dishonesty", "2024-02-01")
        b.record("R8", "Person", "P2", "dishonest_debtor", "2024-05-01")
        b.event("E9", "2024-01-02T08:00:00", [("Firm", "F1")])
    return b


def test_features_ignore_everything_after_the_cutoff():
    plain = build_features(cut_tables(_world(False).build(), T), T).frame
    with_future = build_features(cut_tables(_world(True).build(), T), T).frame
    pd.testing.assert_frame_equal(plain.reset_index(drop=True), with_future.reset_index(drop=True))


def test_firms_founded_after_cutoff_and_their_edges_are_dropped():
    cut = cut_tables(_world(True).build(), T)
    assert "F9" not in set(cut.nodes["Firm"]["key"])
    assert "F9" not in set(cut.edges["LEGAL_REP"]["dst"])


def test_affiliation_window_and_expired_records():
    b = TablesBuilder()
    b.firm("F1").firm("F2").person("P1")
    b.role("Person", "P1", "F1", "legal_rep", end_date="2023-12-31")  # ended before T
    b.role("Person", "P1", "F2", "legal_rep", start_date="2020-01-01", end_date="2024-06-01")
    b.record("R1", "Firm", "F1", "admin_penalty", "2022-01-01", expires_on="2023-06-01")  # repaired
    b.record("R2", "Firm", "F2", "admin_penalty", "2022-01-01", expires_on="2025-01-01")
    cut = cut_tables(b.build(), T)
    assert list(cut.edges["LEGAL_REP"]["dst"]) == ["F2"]
    frame = build_features(cut, T).frame.set_index("subject")
    assert frame.loc["F1", "own_admin_penalty"] == 0 and frame.loc["F1", "own_any_punitive_ever"] == 1
    assert frame.loc["F2", "own_admin_penalty"] == 1


def test_status_is_blanked_in_a_cut():
    b = TablesBuilder()
    b.firm("F1", status="revoked")
    frame = build_features(cut_tables(b.build(), T), T).frame
    assert frame["firm_status_active"].isna().all()


def test_only_auto_linked_mentions_and_records_count():
    b = TablesBuilder()
    b.firm("F1")
    b.event("E1", "2023-01-01", [("Firm", "F1")], decision="review")
    b.record("R1", "Firm", "F1", "admin_penalty", "2023-01-01", decision="review")
    frame = build_features(cut_tables(b.build(), T), T).frame
    assert frame["ev_total"].sum() == 0 and frame["own_admin_penalty"].sum() == 0


def test_labels_use_the_following_twelve_months_only():
    b = _world(True)
    b.record("R7", "Firm", "F1", "admin_penalty", "2025-03-01")  # beyond the horizon
    b.record("R6", "Firm", "F1", "red_list", "2024-04-01")  # not punitive
    lab = labels_after(b.build(), T).set_index("subject")["label"]
    assert lab.to_dict() == {"F1": 0, "F2": 1, "P1": 0, "P2": 1}


def test_default_as_of_is_the_latest_record_or_event_not_a_founding_date():
    from datetime import date

    from graph.features_cut import default_as_of

    b = TablesBuilder()
    b.firm("F1", founded_on="2020-01-01").firm("F2", founded_on="2026-03-01")  # registry exported later
    b.record("R1", "Firm", "F1", "admin_penalty", "2024-05-01")
    b.event("E1", "2024-08-09T10:00:00", [("Firm", "F1")])
    assert default_as_of(b.build()) == date(2024, 8, 9)
    b.record("R2", "Firm", "F1", "admin_penalty", "2024-09-30")
    assert default_as_of(b.build()) == date(2024, 9, 30)
