"""Two thresholds turn a calibrated match probability into auto_link / review / rejected."""

from __future__ import annotations

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
