"""The steward loop's headroom line: what verdicts could reach from the candidates a run proposes."""

from __future__ import annotations

from bench.steward_loop import ceiling_lines
from ingest.records import SubjectType
from resolution.links import Decision, Link, LinkSource


def _link(record: str, entity: str, decision: Decision) -> Link:
    return Link(LinkSource.EVENTS, record, SubjectType.FIRM, entity, 0.5, decision, "", "v")


def test_headroom_counts_true_pairs_proposed_at_all() -> None:
    truth = {("events", r, "firm", f"F{r}") for r in ("1", "2", "3", "4", "5")}
    start = [
        _link("1", "F1", Decision.AUTO_LINK),
        _link("2", "F2", Decision.REVIEW),
        _link("3", "F3", Decision.REJECTED),  # a verdict can still teach this one
        _link("4", "X", Decision.AUTO_LINK),  # a wrong candidate: F4 was never proposed
    ]
    keep = {("events", r) for r in ("1", "2", "3", "4")}  # record 5 was labelled: left out
    lines = ceiling_lines(start, truth, keep, base_f1=0.4)
    assert lines[0].startswith("- headroom: 75.0% of the 4 true pairs")
    f1 = 2 * 0.99 * 0.75 / (0.99 + 0.75)
    assert f"precision 0.99: {f1:.4f}, {f1 - 0.4:+.4f} over the start" in lines[1]
