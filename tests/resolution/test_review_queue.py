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
