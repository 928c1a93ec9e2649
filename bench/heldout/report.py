"""Markdown for the held-out resolution benchmark: overall side by side with our own templates,
then per family, scenario and difficulty tag, then examples of errors for a person to read."""

from __future__ import annotations

import math

from .score import Scores, Tally

HEAD = (
    "| group | events | truth pairs | auto | precision | strict precision | recall (auto) | "
    "recall (auto+review) | review share | no-subject events falsely linked |"
)
RULE = "|---|---|---|---|---|---|---|---|---|---|"


def _f(x: float) -> str:
    return "–" if isinstance(x, float) and math.isnan(x) else f"{x:.3f}"


def row(name: str, t: Tally) -> str:
    nts = f"{t.no_truth_false_auto}/{t.no_truth_events}" if t.no_truth_events else "–"
    return (
        f"| {name} | {t.events} | {t.truth} | {t.auto} | {_f(t.precision)} | {_f(t.strict_precision)} | "
        f"{_f(t.recall)} | {_f(t.recall_review)} | {t.review_share:.3f} | {nts} |"
    )


def table(title: str, groups: dict[str, Tally], order: list[str] | None = None) -> list[str]:
    names = order or sorted(groups, key=lambda g: -groups[g].events)
    return [f"### {title}", "", HEAD, RULE, *(row(g, groups[g]) for g in names if g in groups), ""]


def comparison(held: Tally, synth: Tally) -> list[str]:
    lines = [
        "| metric | held-out (ours, independent phrasing) | synth generator's own events | ratio |",
        "|---|---|---|---|",
    ]
    for label, attr in [
        ("auto_link precision", "precision"),
        ("auto_link precision (strict)", "strict_precision"),
        ("auto_link recall", "recall"),
        ("auto+review recall", "recall_review"),
        ("review share (events)", "review_share"),
    ]:
        a, b = getattr(held, attr), getattr(synth, attr)
        ratio = a / b if b else float("nan")
        lines.append(f"| {label} | {_f(a)} | {_f(b)} | {_f(ratio)} |")
    return lines + [""]


def by_axis(scores: Scores, axis: str) -> dict[str, Tally]:
    return dict(scores.groups.get(axis, {}))
