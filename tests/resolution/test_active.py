"""Active choice: uncertain pairs first (near-misses included), spread over comparison patterns."""

from __future__ import annotations

from dataclasses import dataclass

from resolution.active import ActiveConfig, choose, choose_random, pattern, uncertainty


@dataclass(frozen=True)
class It:
    item_id: int
    record_id: str
    score: float
    evidence: str
    entity_type: str = "firm"
    source: str = "events"


def _ev(*parts: str) -> str:
    return "mention x ~ y; " + "; ".join(parts) + "; prior -1.0 → 0.5"


def test_uncertainty_peaks_at_half_and_at_the_auto_threshold():
    cfg = ActiveConfig(auto_threshold=0.8)
    u = {p: uncertainty(p, cfg) for p in (0.02, 0.3, 0.5, 0.65, 0.8, 0.99)}
    assert u[0.5] == u[0.8] == 1.0
    assert u[0.02] < u[0.3] < u[0.5] and u[0.99] < u[0.8]
    assert u[0.3] > u[0.99]  # a near-miss below the review band outranks a sure auto link


def test_pattern_reads_levels_not_weights():
    a = pattern("firm", _ev("name: exact +3.0", "region: same district +2.2"))
    b = pattern("firm", _ev("region: same district +1.9", "name: exact +2.5"))
    assert a == b == ("firm", "name=exact", "region=same district")
    assert pattern("person", _ev("name: exact +3.0")) != pattern("firm", _ev("name: exact +3.0"))


def test_choice_spreads_over_patterns_and_records():
    same = _ev("name: exact +3.0")
    items = [It(i, f"E{i}", 0.5, same) for i in range(10)]  # ten equally uncertain, one pattern
    items.append(It(100, "E100", 0.35, _ev("phone: registered phone +3.6")))  # a near-miss, new pattern
    items.append(It(101, "E0", 0.5, _ev("address: road +1.0")))  # a second candidate of record E0
    items.append(It(102, "E0", 0.5, _ev("address: town +0.5")))  # a third one
    picked = choose(items, 4)
    ids = [it.item_id for it in picked]
    assert 100 in ids  # diversity lifts the near-miss over copies of the top pattern
    assert sum(it.record_id == "E0" for it in picked) <= 2
    plain = choose(items, 4, ActiveConfig(diversity=0.0, per_record=99))
    assert 100 not in [it.item_id for it in plain]  # without diversity only the top score counts


def test_random_choice_is_reproducible_and_within_the_pool():
    items = [It(i, f"E{i}", i / 20, _ev("name: exact +1")) for i in range(20)]
    a, b = choose_random(items, 5, seed=3), choose_random(items, 5, seed=3)
    assert a == b and len(a) == 5 and set(a) <= set(items)
    assert len(choose_random(items, 50, seed=1)) == 20
