"""Score event links against an honest truth, by phrase family, scenario and difficulty tag.

Precision counts an auto link as wrong only when the pair is neither true nor plausible (a pair a
reader would find plausible but could not be certain of is left out of both sides), and reports
the strict figure (plausible counted wrong) beside it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

Pair = tuple[str, str, str]  # event_id, entity_type, entity_id


@dataclass(slots=True)
class Tally:
    events: int = 0
    truth: int = 0
    auto: int = 0
    auto_true: int = 0
    auto_plausible: int = 0
    review_true: int = 0
    review_events: int = 0
    no_truth_events: int = 0
    no_truth_false_auto: int = 0  # events about no registered subject that still got an auto link

    @property
    def precision(self) -> float:
        judged = self.auto - self.auto_plausible
        return self.auto_true / judged if judged else 1.0

    @property
    def strict_precision(self) -> float:
        return self.auto_true / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        return self.auto_true / self.truth if self.truth else float("nan")

    @property
    def recall_review(self) -> float:
        return (self.auto_true + self.review_true) / self.truth if self.truth else float("nan")

    @property
    def review_share(self) -> float:
        return self.review_events / self.events if self.events else 0.0


@dataclass(slots=True)
class Scores:
    overall: Tally = field(default_factory=Tally)
    groups: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Tally))
    )
    false_auto: list[tuple[str, Pair]] = field(default_factory=list)  # (group key, pair)
    missed: list[Pair] = field(default_factory=list)


def read_pairs(path: Path) -> set[Pair]:
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8") as fh:
        return {(r["event_id"], r["entity_type"], r["entity_id"]) for r in csv.DictReader(fh)}


def read_tags(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {r["event_id"]: r for r in csv.DictReader(fh)}


def score(
    links: Iterable[tuple[str, ...]],
    event_ids: Iterable[str],
    truth: set[Pair],
    plausible: set[Pair],
    groups_of: dict[str, list[tuple[str, str]]],
) -> Scores:
    """links: (event_id, entity_type, entity_id, decision, ...). groups_of: event_id -> [(axis, group)]."""
    s = Scores()
    by_event: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for eid, et, ent, dec, *_ in links:
        by_event[eid].append((et, ent, dec))
    truth_by_event: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for eid, et, ent in truth:
        truth_by_event[eid].add((et, ent))
    for eid in event_ids:
        t = Tally(events=1)
        want = truth_by_event.get(eid, set())
        t.truth = len(want)
        found_auto, found_review = set(), set()
        seen = set()
        for et, ent, dec in by_event.get(eid, []):
            if (et, ent) in seen:
                continue
            seen.add((et, ent))
            pair = (eid, et, ent)
            if dec == "auto_link":
                t.auto += 1
                if (et, ent) in want:
                    t.auto_true += 1
                    found_auto.add((et, ent))
                elif pair in plausible:
                    t.auto_plausible += 1
                else:
                    s.false_auto.append((eid, pair))
            elif dec == "review":
                if (et, ent) in want:
                    t.review_true += 1
                    found_review.add((et, ent))
        t.review_events = int(any(d == "review" for _, _, d in by_event.get(eid, [])))
        if not want:
            t.no_truth_events = 1
            t.no_truth_false_auto = int(t.auto - t.auto_plausible > 0)
        s.missed += [(eid, et, ent) for et, ent in want - found_auto - found_review]
        _merge(s.overall, t)
        for axis, group in groups_of.get(eid, []):
            _merge(s.groups[axis][group], t)
    return s


def _merge(into: Tally, t: Tally) -> None:
    for name in Tally.__slots__:
        setattr(into, name, getattr(into, name) + getattr(t, name))
