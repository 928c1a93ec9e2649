"""Scoring resolutions.csv against ground truth (events_truth.csv, credit_records_truth.csv).

Precision and recall of auto_link, recall of auto_link + review, review share (review rows per
scored record), per source and entity type, pair completeness of the candidate set (a truth pair
that never became a candidate cannot be found by any threshold), and the homonym errors — a
false auto link to a person who shares the true person's name — listed for a person to read.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

Pair = tuple[str, str, str, str]  # source, record_id, entity_type, entity_id


@dataclass(slots=True)
class Counts:
    truth: int = 0
    auto: int = 0
    auto_true: int = 0
    review: int = 0
    review_true: int = 0
    candidates_true: int = 0

    @property
    def precision(self) -> float:
        return self.auto_true / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        return self.auto_true / self.truth if self.truth else 1.0

    @property
    def recall_with_review(self) -> float:
        return (self.auto_true + self.review_true) / self.truth if self.truth else 1.0

    @property
    def pair_completeness(self) -> float:
        return self.candidates_true / self.truth if self.truth else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            **asdict(self),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "recall_with_review": round(self.recall_with_review, 4),
            "pair_completeness": round(self.pair_completeness, 4),
        }


@dataclass(slots=True)
class Evaluation:
    overall: Counts
    by_group: dict[str, Counts]
    records: int
    review_rows: int
    homonym_errors: list[dict[str, str]] = field(default_factory=list)
    false_auto_examples: list[dict[str, str]] = field(default_factory=list)

    @property
    def review_share(self) -> float:
        return self.review_rows / self.records if self.records else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.as_dict(),
            "by_group": {k: v.as_dict() for k, v in sorted(self.by_group.items())},
            "records": self.records,
            "review_rows": self.review_rows,
            "review_share": round(self.review_share, 4),
            "homonym_errors": self.homonym_errors,
            "false_auto_examples": self.false_auto_examples,
        }


def read_truth(data_dir: Path) -> set[Pair]:
    out: set[Pair] = set()
    ev, cr = data_dir / "events_truth.csv", data_dir / "credit_records_truth.csv"
    if ev.exists():
        with ev.open(encoding="utf-8") as fh:
            out |= {("events", r["event_id"], r["entity_type"], r["entity_id"]) for r in csv.DictReader(fh)}
    if cr.exists():
        with cr.open(encoding="utf-8") as fh:
            out |= {
                ("credit_records", r["record_id"], r["subject_type"], r["subject_id"])
                for r in csv.DictReader(fh)
            }
    return out


def read_resolutions(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def evaluate(
    rows: list[dict[str, str]],
    truth: set[Pair],
    n_records: int | None = None,
    names: dict[str, str] | None = None,
) -> Evaluation:
    """Metrics of prediction rows (resolutions.csv dicts) against truth pairs.

    `n_records` is the number of records resolved (for the review share); by default, the
    records that appear in predictions or truth. `names` (entity id → name) finds homonyms.
    """
    overall = Counts()
    groups: dict[str, Counts] = defaultdict(Counts)
    for t in truth:
        overall.truth += 1
        groups[f"{t[0]}/{t[2]}"].truth += 1
    seen: set[Pair] = set()
    review_rows = 0
    homonyms: list[dict[str, str]] = []
    false_auto: list[dict[str, str]] = []
    truth_by_record: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for t in truth:
        truth_by_record[(t[0], t[1], t[2])].append(t[3])
    for r in rows:
        key: Pair = (r["source"], r["record_id"], r["entity_type"], r["entity_id"])
        if key in seen:
            continue
        seen.add(key)
        g = groups[f"{key[0]}/{key[2]}"]
        true = key in truth
        if true:
            overall.candidates_true += 1
            g.candidates_true += 1
        if r["decision"] == "auto_link":
            overall.auto += 1
            g.auto += 1
            overall.auto_true += true
            g.auto_true += true
            if not true:
                err = {
                    "record": f"{key[0]}:{key[1]}",
                    "linked": f"{key[2]}:{key[3]}",
                    "score": r["score"],
                    "evidence": r.get("evidence", ""),
                }
                wanted = truth_by_record.get((key[0], key[1], key[2]), [])
                if names and key[2] == "person" and any(names.get(w) == names.get(key[3]) for w in wanted):
                    err["true"] = ",".join(wanted)
                    err["name"] = names.get(key[3], "")
                    homonyms.append(err)
                elif len(false_auto) < 50:
                    false_auto.append(err)
        elif r["decision"] == "review":
            review_rows += 1
            overall.review += 1
            g.review += 1
            overall.review_true += true
            g.review_true += true
    records = n_records if n_records is not None else len({(p[0], p[1]) for p in seen | truth})
    return Evaluation(overall, dict(groups), records, review_rows, homonyms[:200], false_auto)


def write_report(ev: Evaluation, out_dir: Path, title: str = "Resolution evaluation") -> None:
    """OUT_DIR/evaluation.json and evaluation.md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "evaluation.json").write_text(json.dumps(ev.as_dict(), ensure_ascii=False, indent=1), "utf-8")
    lines = [
        f"# {title}",
        "",
        f"Records scored: {ev.records}; review rows: {ev.review_rows} (review share {ev.review_share:.2%}).",
        "",
        "| group | truth | auto | precision | recall | recall incl. review | review | pair completeness |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, c in [("overall", ev.overall), *sorted(ev.by_group.items())]:
        lines.append(
            f"| {name} | {c.truth} | {c.auto} | {c.precision:.4f} | {c.recall:.4f} | "
            f"{c.recall_with_review:.4f} | {c.review} | {c.pair_completeness:.4f} |"
        )
    lines += ["", f"## Homonym errors ({len(ev.homonym_errors)} listed)", ""]
    for e in ev.homonym_errors[:50]:
        lines.append(
            f"- {e['record']}: linked {e['linked']} ({e.get('name', '')}) instead of {e.get('true', '')}"
            f" — score {e['score']}; {e['evidence']}"
        )
    lines += ["", f"## Other false auto links (first {min(len(ev.false_auto_examples), 30)})", ""]
    for e in ev.false_auto_examples[:30]:
        lines.append(f"- {e['record']}: linked {e['linked']} — score {e['score']}; {e['evidence']}")
    (out_dir / "evaluation.md").write_text("\n".join(lines) + "\n", "utf-8")


def evaluate_dirs(data_dir: Path, out_dir: Path) -> Evaluation:
    """`credgraph evaluate DATA_DIR OUT_DIR`: score OUT_DIR/resolutions.csv, write the report."""
    rows = read_resolutions(out_dir / "resolutions.csv")
    truth = read_truth(data_dir)
    names: dict[str, str] = {}
    persons = data_dir / "persons.csv"
    if persons.exists():
        with persons.open(encoding="utf-8") as fh:
            names = {r["person_id"]: r["name"] for r in csv.DictReader(fh)}
    n_records = _count_records(data_dir)
    ev = evaluate(rows, truth, n_records, names)
    write_report(ev, out_dir)
    return ev


def _count_records(data_dir: Path) -> int | None:
    """Events plus credit records published without a full code (what resolution scores)."""
    n = 0
    ev = data_dir / "events.jsonl"
    if ev.exists():
        with ev.open(encoding="utf-8") as fh:
            n += sum(1 for line in fh if line.strip())
    cr = data_dir / "credit_records.csv"
    if cr.exists():
        with cr.open(encoding="utf-8") as fh:
            n += sum(
                1
                for r in csv.DictReader(fh)
                if len(r.get("subject_id") or "") != 18 or "*" in (r.get("subject_id") or "")
            )
    return n or None
