"""Aggregate scores of resolution links against a bank's truth: operating-point figures and a
precision-recall-review-share curve over thresholds. Nothing here lists individual records."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

Pair = tuple[str, str, str]  # record_id, entity_type, entity_id
LinkRow = tuple[str, str, str, float, str]  # record_id, entity_type, entity_id, score, decision
THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(70)]


@dataclass
class Figures:
    records: int
    truth_pairs: int
    no_subject: int
    auto_links: int
    precision: float
    recall: float
    recall_review: float
    review_share: float
    no_subject_false_link: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def read_truth(path: Path, id_col: str = "event_id") -> set[Pair]:
    """Truth pairs of a bank's truth file (events_truth.csv or credit_records_truth.csv)."""
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    type_col = "entity_type" if "entity_type" in (rows[0] if rows else {}) else "subject_type"
    ent_col = "entity_id" if type_col == "entity_type" else "subject_id"
    return {(r[id_col], r[type_col], r[ent_col]) for r in rows}


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def score(links: Iterable[LinkRow], records: Sequence[str], truth: set[Pair],
          plausible: set[Pair] | None = None) -> Figures:  # fmt: skip
    """Figures of the links' own decisions. Auto links on plausible-only pairs (a reader could not
    be sure either way) are left out of precision."""
    plausible = (plausible or set()) - truth
    with_truth = {p[0] for p in truth}
    auto: set[Pair] = set()
    queued: set[Pair] = set()
    reviewed: set[str] = set()
    for rid, et, ent, _, decision in links:
        if decision == "auto_link":
            auto.add((rid, et, ent))
        elif decision == "review":
            queued.add((rid, et, ent))
            reviewed.add(rid)
    counted = auto - plausible
    nobody = [r for r in records if r not in with_truth]
    falsely = {p[0] for p in counted if p[0] not in with_truth}
    return Figures(
        records=len(records), truth_pairs=len(truth), no_subject=len(nobody), auto_links=len(auto),
        precision=_ratio(len(counted & truth), len(counted)), recall=_ratio(len(auto & truth), len(truth)),
        recall_review=_ratio(len((auto | queued) & truth), len(truth)),
        review_share=_ratio(len(reviewed), len(records)),
        no_subject_false_link=_ratio(len(falsely), len(nobody)),
    )  # fmt: skip


def curve(
    links: Iterable[LinkRow],
    records: Sequence[str],
    truth: set[Pair],
    plausible: set[Pair] | None = None,
    review_floor: float = 0.5,
) -> list[dict[str, float]]:
    """Precision, recall and review share if every candidate scoring at least t were linked
    automatically and records whose best candidate falls in [review_floor, t) were queued."""
    plausible = (plausible or set()) - truth
    scored = [(s, (rid, et, ent)) for rid, et, ent, s, _ in links]
    best: dict[str, float] = defaultdict(float)
    for s, p in scored:
        best[p[0]] = max(best[p[0]], s)
    n = len(records)
    out = []
    for t in THRESHOLDS:
        auto = {p for s, p in scored if s >= t}
        counted = auto - plausible
        queued = sum(1 for b in best.values() if min(review_floor, t) <= b < t)
        out.append({
            "threshold": t, "precision": _ratio(len(counted & truth), len(counted)),
            "recall": _ratio(len(auto & truth), len(truth)), "review_share": _ratio(queued, n),
        })  # fmt: skip
    return out


def by_group(links: Sequence[LinkRow], groups: dict[str, str], truth: set[Pair],
             plausible: set[Pair] | None = None) -> dict[str, Figures]:  # fmt: skip
    """Figures per group (a bank's form, style or case tag), aggregates only."""
    members: dict[str, list[str]] = defaultdict(list)
    for rid, g in groups.items():
        members[g].append(rid)
    out = {}
    for g, rids in sorted(members.items()):
        keep = set(rids)
        out[g] = score([lk for lk in links if lk[0] in keep], rids, {p for p in truth if p[0] in keep},
                       plausible)  # fmt: skip
    return out
