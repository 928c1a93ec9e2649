"""Tier history as data: appended, never rewritten; merge mode for feedback and rescores; the same run
recorded twice adds nothing; the key-supervision list derived from the history; the SQL log alike."""

import csv
import json
from datetime import date

import pytest

from gnn.tier_log import TierLog, merged
from gnn.tiers import assign, change_id, diff, history, key_supervision, last_tiers, record
from graph.model import RiskScore
from ingest.records import SubjectType

CUTS = (0.02, 0.08, 0.25)
DOC = "(2023)浙0803执1号"
RECORD = {"type": "record", "record_id": "C1", "kind": "dishonest_debtor", "document_no": DOC,
          "grounded": True, "dimension": "business", "contribution": 0.8}


def _rows(**scores: float):
    return assign(
        [RiskScore(SubjectType.FIRM, k, v, v, 0.0, "v1", json.dumps([RECORD] if v >= 0.25 else []))
         for k, v in scores.items()],
        CUTS,
    )


def _current(folder):
    return {r["subject_id"]: r["tier"] for r in csv.DictReader((folder / "tiers.csv").open(encoding="utf-8"))}


def _moves(changes):
    return [(c["subject_id"], c["from"], c["to"], c["direction"]) for c in changes]


def _declined(folder):
    return [r["subject_id"] for r in csv.DictReader((folder / "key_supervision.csv").open(encoding="utf-8"))]


def test_recording_the_same_run_twice_adds_nothing_and_keeps_the_declined_list(tmp_path):
    record(_rows(F1=0.01, F2=0.05), tmp_path, date(2024, 1, 1), run="r1")
    first = record(_rows(F1=0.30, F2=0.05), tmp_path, date(2025, 1, 1), run="r2")
    assert _moves(first) == [("F1", "A", "D", "declined")]
    assert first[0]["source"] == "run" and first[0]["run"] == "r2" and DOC in first[0]["reason"]
    again = record(_rows(F1=0.30, F2=0.05), tmp_path, date(2025, 1, 1), run="r2")
    assert again == []
    assert len(history(tmp_path)) == 3  # two "new", one decline
    assert _declined(tmp_path) == ["F1"]  # still listed: the list comes from the history, not this call


def test_feedback_merges_into_the_current_tiers_instead_of_overwriting_them(tmp_path):
    record(_rows(F1=0.01, F2=0.05, F3=0.30), tmp_path, date(2024, 1, 1), run="r1")
    moved = record(_rows(F2=0.30), tmp_path, date(2024, 3, 1), source="feedback", run="E9")
    assert [(c["subject_id"], c["to"], c["source"], c["run"]) for c in moved] == [
        ("F2", "D", "feedback", "E9")]
    assert _current(tmp_path) == {"F1": "A", "F2": "D", "F3": "D"}  # F1 and F3 kept
    assert _declined(tmp_path) == ["F2"]
    # the next full run replaces the file and measures against the feedback's tier
    after = record(_rows(F1=0.01, F2=0.05), tmp_path, date(2024, 6, 1), run="r2")
    assert _moves(after) == [("F2", "D", "B", "improved")]
    assert _current(tmp_path) == {"F1": "A", "F2": "B"}
    assert _declined(tmp_path) == []
    assert [h["source"] for h in history(tmp_path, "F2")] == ["run", "feedback", "run"]


def test_a_folder_written_before_change_ids_is_continued(tmp_path):
    current = "subject_type,subject_id,score,tier\nfirm,F1,0.01,A\n"
    (tmp_path / "tiers.csv").write_text(current, encoding="utf-8")
    (tmp_path / "tier_history.jsonl").write_text(
        json.dumps({"date": "2023-01-01", "subject_type": "firm", "subject_id": "F1", "from": None, "to": "A",
                    "direction": "new", "score": 0.01, "reason": ""}) + "\n", encoding="utf-8")
    out = record(_rows(F1=0.01), tmp_path, date(2024, 1, 1))
    assert out == []


def test_diff_ids_are_content_derived_and_sources_closed():
    rows = _rows(F1=0.30)
    a = diff(rows, {}, date(2024, 1, 1), "run", "r1")
    b = diff(rows, {}, date(2024, 1, 1), "run", "r1")
    assert a == b and a[0]["id"] == change_id("run", "r1", "firm", "F1", None, "D")
    assert diff(rows, {}, date(2024, 1, 1), "run", "r1", known=[a[0]["id"]]) == []
    assert diff(rows, {}, date(2024, 1, 1), "rescore", "r1")[0]["id"] != a[0]["id"]
    with pytest.raises(ValueError):
        diff(rows, {}, date(2024, 1, 1), "guess")


def test_key_supervision_takes_each_subjects_latest_change():
    def ch(sid, old, new, d):
        return {"subject_type": "firm", "subject_id": sid, "from": old, "to": new, "direction": d}

    changes = [ch("F1", None, "A", "new"), ch("F1", "A", "C", "declined"), ch("F2", "C", "D", "declined"),
               ch("F2", "D", "B", "improved")]
    assert [c["subject_id"] for c in key_supervision(changes)] == ["F1"]
    assert last_tiers(changes) == {("firm", "F1"): "C", ("firm", "F2"): "B"}


def test_sql_tier_log_is_append_only_idempotent_and_merges_feedback(tmp_path):
    log = TierLog(f"sqlite:///{tmp_path / 't.db'}")
    first = log.record(_rows(F1=0.01, F2=0.05), date(2024, 1, 1), "run", "r1")
    assert len(first) == 2
    assert log.record(_rows(F1=0.01, F2=0.05), date(2024, 1, 1), "run", "r1") == []
    assert log.append(first) == 0  # the same rows again: nothing stored
    # a feedback change kept in another log (later date) is the last tier the next run compares with
    feedback = [{"id": "fb1", "date": "2024-02-01", "subject_type": "firm", "subject_id": "F1", "from": "A",
                 "to": "D", "direction": "declined", "score": 0.3, "reason": "inspection E1 problem",
                 "source": "feedback", "run": "E1"}]
    out = log.record(_rows(F1=0.30, F2=0.30), date(2024, 3, 1), "rescore", "r2", others=feedback)
    assert [(c["subject_id"], c["from"], c["to"]) for c in out] == [("F2", "B", "D")]
    assert [c["to"] for c in log.changes("F2")] == ["B", "D"]
    assert [c["source"] for c in merged(log.changes("F1"), feedback)] == ["run", "feedback"]
    assert [c["subject_id"] for c in key_supervision(merged(log.changes(), feedback))] == ["F1", "F2"]
    log.close()


def test_the_tier_log_model_agrees_with_its_migration(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from gnn import tier_log

    log = TierLog(f"sqlite:///{tmp_path / 'm.db'}")
    with log.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), tier_log._Base.metadata)
    assert [d for d in diffs if "tier_history" in repr(d)] == []
    assert "tier_history" in inspect(log.engine).get_table_names()


def test_reasons_written_without_a_dimension_get_the_indicator_systems_mapping():
    from gnn.tiers import breakdown

    reasons = [
        {"type": "record", "kind": "dishonest_debtor", "contribution": 0.5},
        {"type": "record", "kind": "admin_penalty", "authority": "衢州市生态环境局", "contribution": 0.25},
        {"type": "event", "category": "占道经营", "contribution": 0.1},
        {"type": "related", "party": "Person:P1", "contribution": 0.2},
        {"type": "shared_phone", "via": "138", "contribution": 0.05},
        {"type": "registry", "founded_on": "2024-01-01", "contribution": 0.3},  # no dimension: left out
        {"type": "record", "kind": "dishonest_debtor", "dimension": "compliance", "contribution": 0.1},
    ]
    b = breakdown(json.dumps(reasons, ensure_ascii=False))
    assert (b["business"], b["n_business"]) == (0.5, 1)
    assert (b["social_responsibility"], b["compliance"], b["n_compliance"]) == (0.25, 0.2, 2)
    assert (b["related_parties"], b["n_related_parties"]) == (0.25, 2)
