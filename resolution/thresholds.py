"""Two thresholds turn a calibrated match probability into auto_link / review / rejected.

The auto-link cut starts at a declared value; once stewards have judged enough pairs around it,
`choose_auto_threshold` moves it to where their verdicts say the F1 is best at a precision floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.errors import ConfigError
from resolution.links import Decision


def _check(auto_threshold: float, review_threshold: float) -> None:
    if not 0.0 <= review_threshold <= auto_threshold <= 1.0:
        raise ConfigError(
            f"need 0 <= review_threshold <= auto_threshold <= 1, got {review_threshold}, {auto_threshold}"
        )


def decide(prob: float, auto_threshold: float, review_threshold: float) -> Decision:
    """auto_link at or above `auto_threshold`, review at or above `review_threshold`, else rejected."""
    _check(auto_threshold, review_threshold)
    if prob >= auto_threshold:
        return Decision.AUTO_LINK
    if prob >= review_threshold:
        return Decision.REVIEW
    return Decision.REJECTED


def decide_many(probs: np.ndarray, auto_threshold: float, review_threshold: float) -> np.ndarray:
    """Vectorised `decide`: an object array of Decision values, one per probability."""
    _check(auto_threshold, review_threshold)
    p = np.asarray(probs, dtype=np.float64)
    out = np.full(p.shape, Decision.REJECTED, dtype=object)
    out[p >= review_threshold] = Decision.REVIEW
    out[p >= auto_threshold] = Decision.AUTO_LINK
    return out


# ---------------------------------------------------------------------------- thresholds from verdicts
@dataclass(frozen=True, slots=True)
class ThresholdChoice:
    """The auto-link cut the verdicts support, and what they say it would give."""

    auto_threshold: float
    est_precision: float
    est_recall: float
    est_f1: float
    reason: str


# score bands in which verdicts correct the model's probability; the sure end is split finely
CAL_EDGES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.0)


@dataclass(frozen=True, slots=True)
class Calibration:
    """How far the verdicts say the model's probability is off, per score band (added to it)."""

    edges: tuple[float, ...]
    shift: tuple[float, ...]
    n: tuple[int, ...]


def calibration(scores: np.ndarray, labels: np.ndarray, strength: float = 20.0) -> Calibration:
    """Per score band, the verdicts' match rate minus the model's mean probability, shrunk towards
    0 by `strength` pseudo-verdicts: a band with few verdicts keeps the model's own probability,
    and bands nobody judged (sure links, mostly) are not moved at all. Unlike an isotonic fit on
    verdicts from the uncertain band, this never spreads one band's match rate over the sure ones."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    band = np.clip(np.searchsorted(CAL_EDGES, s, side="right") - 1, 0, len(CAL_EDGES) - 2)
    shift, n = [], []
    for b in range(len(CAL_EDGES) - 1):
        inb = band == b
        k = int(inb.sum())
        n.append(k)
        shift.append(float((y[inb] - s[inb]).sum() / (k + strength)) if k else 0.0)
    return Calibration(CAL_EDGES, tuple(shift), tuple(n))


def calibrated(scores: np.ndarray, cal: Calibration | None) -> np.ndarray:
    """The verdicts' estimate of each pair's match probability (the model's own where none)."""
    s = np.asarray(scores, dtype=np.float64)
    if cal is None:
        return s
    band = np.clip(np.searchsorted(cal.edges, s, side="right") - 1, 0, len(cal.edges) - 2)
    return np.clip(s + np.asarray(cal.shift)[band], 0.0, 1.0)


def expected_quality(
    scores: np.ndarray, eligible: np.ndarray, cal: Calibration | None, threshold: float
) -> tuple[float, float, float]:
    """Expected precision, recall and F1 of 'auto_link when score ≥ threshold' on a population of
    unlabelled candidate pairs, each counted as a match with its calibrated probability (pairs a
    cap holds at review are not eligible to be auto-linked but still count among the matches)."""
    c = calibrated(scores, cal)
    auto = eligible & (np.asarray(scores) >= threshold)
    n_auto = int(auto.sum())
    tp = float(c[auto].sum())
    total = float(c.sum())
    p = tp / n_auto if n_auto else 1.0
    r = tp / total if total else 1.0
    return p, r, (2 * tp / (n_auto + total) if n_auto + total else 0.0)


def choose_auto_threshold(
    label_scores: np.ndarray,
    labels: np.ndarray,
    population: np.ndarray,
    eligible: np.ndarray,
    default: float = 0.8,
    floor: float = 0.5,
    min_precision: float = 0.985,
    min_labels: int = 100,
    min_near: int = 30,
    grid: Sequence[float] | None = None,
) -> ThresholdChoice:
    """The auto-link threshold that maximises the expected F1 on `population` (scores of unlabelled
    candidate pairs) with expected precision at least `min_precision`, the expectation taken from
    the verdicts' calibration of the score. A cut is only considered where at least `min_near`
    verdicts lie between it and the next 0.2 above it (the labels must speak about the pairs the
    cut moves), never below `floor`, and `default` stays when there are too few verdicts or none
    is better."""
    s, y = np.asarray(label_scores, dtype=np.float64), np.asarray(labels, dtype=np.int64)
    pop, ok = np.asarray(population, dtype=np.float64), np.asarray(eligible, dtype=bool)
    if len(y) < min_labels or len(set(y.tolist())) < 2 or not len(pop):
        return ThresholdChoice(default, float("nan"), float("nan"), float("nan"),
                               f"{len(y)} verdicts: too few to move the threshold ({min_labels} needed)")
    cal = calibration(s, y)
    steps = range(int((0.95 - floor) / 0.05) + 1)
    cuts = sorted(set(grid or [round(floor + 0.05 * k, 2) for k in steps]) | {default})
    best = (default, *expected_quality(pop, ok, cal, default))
    reason = "the default threshold is best by the verdicts"
    for t in cuts:
        if t < floor or t == default:
            continue
        near = int(((s >= t) & (s < t + 0.2)).sum())
        if near < min_near:
            continue
        p, r, f = expected_quality(pop, ok, cal, t)
        if p >= min_precision and f > best[3] + 1e-4:
            best = (t, p, r, f)
            reason = f"expected F1 {f:.4f} at {t:.2f} (precision {p:.4f}), from {len(y)} verdicts"
    if best[0] == default and best[1] < min_precision:
        reason += f"; expected precision at the default is {best[1]:.4f}"
    return ThresholdChoice(float(best[0]), float(best[1]), float(best[2]), float(best[3]), reason)
