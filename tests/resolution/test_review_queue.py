"""The steward queue round-trips on SQLite, orders by informativeness, and changes the next run."""

from __future__ import annotations

from resolution.decisions import Verdict
from resolution.links import Decision
from resolution.pipeline import resolve_dataset
from resolution.resolver import ResolverConfig
from resolution.review_queue import ReviewQueue


def _item(rid: str, eid: str, score: float, etype: str = "person", source: str = "events") -> dict:
    return {
        "source": source,
        "record_id": rid,
        "entity_type": etype,
        "entity_id": eid,
        "score": score,
        "evidence": f"mention x ~ {eid}",
        "record_text": "text",
    }


def test_enqueue_is_idempotent_and_round_trips(tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    assert q.enqueue([_item("E1", "P1", 0.6), _item("E2", "P2", 0.7)]) == 2
    assert q.enqueue([_item("E1", "P1", 0.6)]) == 0
    assert q.count_pending() == 2
    again = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")  # persisted
    assert {it.record_id for it in again.pending(10, 0)} == {"E1", "E2"}


def test_enqueue_in_bulk_skips_queued_pairs_across_chunks_and_repeats_within_a_batch(tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    first = [_item(f"E{i:04d}", "P1", 0.6) for i in range(1200)]  # more records than one lookup chunk
    assert q.enqueue(first) == 1200
    # the old pairs (every chunk) are skipped, a pair given twice goes in once, with its first score
    batch = [*first[::-1], _item("E0007", "P2", 0.9), _item("E0007", "P2", 0.1), _item("E9999", "P1", 0.55)]
    assert q.enqueue(batch) == 2
    items = {(it.record_id, it.entity_id): it for it in q.pool()}
    assert len(items) == 1202
    assert items[("E0007", "P2")].score == 0.9
    assert items[("E0000", "P1")].score == 0.6
    assert [it.record_id for it in q.pool()[:2]] == ["E0000", "E0001"]  # queue order is input order
    assert q.enqueue([]) == 0


def test_pending_orders_most_uncertain_first_then_impact(tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.enqueue(
        [
            _item("E1", "P1", 0.85),
            _item("E2", "P2", 0.52),
            _item("E3", "F3", 0.52, "firm"),
            _item("E4", "P4", 0.7),
        ]
    )
    order = [it.record_id for it in q.pending(10, 0)]
    assert order == ["E3", "E2", "E4", "E1"]
    assert [it.record_id for it in q.pending(2, 1)] == ["E2", "E4"]


def test_decisions_are_append_only(tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.enqueue([_item("E1", "P1", 0.6)])
    item = q.pending(1, 0)[0]
    q.decide(item.item_id, Verdict.UNSURE, "ann")
    assert q.count_pending() == 1  # unsure keeps it pending
    q.decide(item.item_id, Verdict.MATCH, "ann", "same phone")
    q.decide(item.item_id, Verdict.NO_MATCH, "bob", "changed my mind")
    log = q.decisions()
    assert [d.verdict for d in log] == [Verdict.UNSURE, Verdict.MATCH, Verdict.NO_MATCH]
    assert q.steward_decisions().verdict(("events", "E1", "person", "P1")).who == "bob"
    assert q.count_pending() == 0 and q.get(item.item_id).status == "decided"


def test_steward_decisions_flip_the_next_run(example_ds, tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    first = {(lk.record_id, lk.entity_id): lk for lk in resolve_dataset(example_ds, ResolverConfig(), q)}
    auto = first[("E3", "91330803MA2D00045D")]
    assert auto.decision is Decision.AUTO_LINK
    # reject a pair the model auto-links; confirm a pair it rejects
    q.decide_pair(("events", "E3", "firm", "91330803MA2D00045D"), Verdict.NO_MATCH, "ann")
    q.decide_pair(("events", "E5", "person", "330821197803120318"), Verdict.MATCH, "bob")
    q.decide_pair(("events", "E7", "firm", "91330802MA2D00053R"), Verdict.MATCH, "bob")  # never a candidate
    second = {(lk.record_id, lk.entity_id): lk for lk in resolve_dataset(example_ds, ResolverConfig(), q)}
    assert second[("E3", "91330803MA2D00045D")].decision is Decision.REJECTED
    confirmed = second[("E5", "330821197803120318")]
    assert confirmed.decision is Decision.AUTO_LINK and "confirmed by steward bob" in confirmed.evidence
    assert second[("E7", "91330802MA2D00053R")].decision is Decision.AUTO_LINK


# ---------------------------------------------------------------------------- bulk verdicts
def _csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_verdict_file_reports_every_bad_row_by_line(tmp_path):
    from resolution.decisions import read_verdict_csv

    f = _csv(
        tmp_path / "a.csv",
        "source,record_id,entity_type,entity_id,verdict,who\n"
        "events,E1,firm,F1,match,ann\n"
        "hotline,E2,firm,F2,match,ann\n"  # line 3: unknown source
        "events,E3,company,F3,maybe,\n"  # line 4: entity type and verdict
        "events,,person,P4,no_match,\n"  # line 5: empty record id
        "events,E1,firm,F1,no_match,bob\n",  # line 6: contradicts line 2
    )
    parsed = read_verdict_csv(f, known_entities={("firm", "F1"), ("firm", "F2")})
    text = "\n".join(parsed.errors)
    assert ":3: source 'hotline'" in text and ":4: entity_type 'company'" in text
    assert ":4: verdict 'maybe'" in text and ":5: record_id is empty" in text
    assert ":6: the same pair has verdict 'match' on line 2" in text
    assert ":2:" not in text
    missing = read_verdict_csv(_csv(tmp_path / "b.csv", "source,record_id,verdict\nevents,E1,match\n"))
    assert missing.errors == [f"{tmp_path / 'b.csv'}:1: missing column(s) entity_type, entity_id"]
    unknown = read_verdict_csv(
        _csv(tmp_path / "c.csv", "source,record_id,entity_type,entity_id,verdict\nevents,E1,firm,F9,match\n"),
        known_records={("events", "E1")},
        known_entities={("firm", "F1")},
    )
    assert unknown.errors == [f"{tmp_path / 'c.csv'}:2: no firm 'F9' in the registry"]


def test_import_is_idempotent_marks_queued_items_and_exports_the_same_shape(tmp_path):
    from resolution.decisions import read_verdict_csv, write_verdict_csv

    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.enqueue([_item("E1", "P1", 0.6)])
    f = _csv(
        tmp_path / "answers.csv",
        # review next's columns plus the steward's verdict
        "item_id,source,record_id,entity_type,entity_id,score,verdict,comment\n"
        "1,events,E1,person,P1,0.6,match,same phone\n"
        ",events,E9,firm,F9,,no_match,\n",  # never queued
    )
    parsed = read_verdict_csv(f, default_who="ann")
    assert not parsed.errors
    added = q.import_verdicts(parsed.rows, "import:answers.csv")
    assert [(d.record_id, d.verdict, d.who, d.origin) for d in added] == [
        ("E1", Verdict.MATCH, "ann", "import:answers.csv:2"),
        ("E9", Verdict.NO_MATCH, "ann", "import:answers.csv:3"),
    ]
    assert q.count_pending() == 0 and added[0].comment == "same phone"
    assert q.import_verdicts(parsed.rows, "import:answers.csv") == []  # idempotent
    out = tmp_path / "export.csv"
    assert write_verdict_csv(q.decisions(), out) == 2
    again = read_verdict_csv(out)
    assert not again.errors
    assert [(r["record_id"], r["verdict"], r["who"]) for r in again.rows] == [
        ("E1", "match", "ann"),
        ("E9", "no_match", "ann"),
    ]
    other = ReviewQueue(f"sqlite:///{tmp_path / 'other.db'}")
    other.import_verdicts(again.rows, "import:export.csv")
    assert {k: r.verdict for k, r in other.steward_decisions().latest.items()} == {
        k: r.verdict for k, r in q.steward_decisions().latest.items()
    }


def test_undo_withdraws_the_latest_verdict_only(tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.enqueue([_item("E1", "P1", 0.6)])
    key = ("events", "E1", "person", "P1")
    q.decide(1, Verdict.NO_MATCH, "ann")
    q.decide(1, Verdict.MATCH, "ann")
    q.undo(1, "ann")
    assert q.steward_decisions().verdict(key).verdict is Verdict.NO_MATCH
    assert q.get(1).status == "pending"
    q.undo(1, "ann")
    assert q.steward_decisions().verdict(key) is None
    assert [d.verdict for d in q.decisions()][-2:] == [Verdict.RETRACTED, Verdict.RETRACTED]  # log kept
    assert q.decided_today() == 0  # both verdicts were undone: no work done today


def test_refresh_rescored_pool_and_withdraws_pairs_no_longer_proposed(tmp_path):
    from ingest.records import SubjectType
    from resolution.links import Link, LinkSource

    def link(rid: str, eid: str, score: float) -> Link:
        ev = f"mention m ~ {eid}"
        return Link(LinkSource.EVENTS, rid, SubjectType.FIRM, eid, score, Decision.REVIEW, ev, "v1")

    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    assert q.refresh_links([link("E1", "F1", 0.6), link("E1", "F2", 0.3), link("E2", "F3", 0.5)]) == 3
    q.decide(3, Verdict.MATCH, "ann")
    assert q.refresh_links([link("E1", "F1", 0.9), link("E2", "F3", 0.4)]) == 0
    pool = {(it.record_id, it.entity_id): it for it in q.pool()}
    assert set(pool) == {("E1", "F1")} and pool[("E1", "F1")].score == 0.9  # F2 withdrawn, F3 decided
    assert q.refresh_links([link("E1", "F2", 0.35)]) == 0  # proposed again: back in the pool
    assert {it.entity_id for it in q.pool()} == {"F2"}  # F1 of the same record, not proposed, withdrawn
