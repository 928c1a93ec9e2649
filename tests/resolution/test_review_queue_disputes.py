"""Disputes in the review queue: a doubt is kept with who and why, puts the pair first, reopens a
decided pair, and is settled only by a steward's match or no-match."""

from __future__ import annotations

from pathlib import Path

from resolution.decisions import Verdict
from resolution.review_queue import DISPUTE_IMPACT, ReviewQueue

PAIR = {
    "source": "credit_records",
    "record_id": "C2",
    "entity_type": "person",
    "entity_id": "330821196911200177",
    "score": 0.93,
    "evidence": "code: masked ID consistent +4.0",
}
OTHER = {"source": "events", "record_id": "E1", "entity_type": "firm", "entity_id": "F1", "score": 0.55}


def test_dispute_queues_a_new_pair_ahead_and_keeps_the_reason(tmp_path: Path) -> None:
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.enqueue([OTHER])
    item, d = q.dispute(PAIR, "investigator-li", "另有其人")
    assert (item.record_id, item.status, d.status, d.who, d.comment) == (
        "C2",
        "pending",
        "open",
        "investigator-li",
        "另有其人",
    )
    assert [it.record_id for it in q.disputed_pending()] == ["C2"]
    assert q.decisions() == []  # a dispute is not a verdict
    assert q.steward_decisions().verdict(("credit_records", "C2", "person", PAIR["entity_id"])) is None
    again, _ = q.dispute(PAIR, "investigator-wang", "名字不同")  # a second doubt: same item, two disputes
    assert again.item_id == item.item_id and len(q.disputes(open_only=True)) == 2
    assert DISPUTE_IMPACT > 3  # above any impact enqueue gives


def test_dispute_reopens_a_decided_pair_and_only_a_verdict_settles_it(tmp_path: Path) -> None:
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.enqueue([PAIR])
    [item] = q.pending()
    q.decide(item.item_id, Verdict.MATCH, "steward-a")
    assert q.count_pending() == 0
    q.dispute(PAIR, "investigator-li", "身份证后四位巧合")
    assert q.count_pending() == 1 and [it.item_id for it in q.disputed_pending()] == [item.item_id]
    q.decide(item.item_id, Verdict.UNSURE, "steward-b")
    assert [d.status for d in q.disputes()] == ["open"]  # unsure answers nothing
    q.decide(item.item_id, Verdict.NO_MATCH, "steward-b")
    assert [d.status for d in q.disputes()] == ["settled"] and q.disputed_pending() == []


def test_a_verdict_imported_for_the_pair_settles_its_dispute(tmp_path: Path) -> None:
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.dispute(PAIR, "investigator-li", "另有其人")
    q.decide_pair(("credit_records", "C2", "person", PAIR["entity_id"]), Verdict.NO_MATCH, "steward-c")
    assert [d.status for d in q.disputes()] == ["settled"]
