"""The auto-link threshold moves only where the verdicts say it should."""

from __future__ import annotations

import numpy as np

from resolution.thresholds import calibrated, calibration, choose_auto_threshold, expected_quality


def _world(rate_below_08: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A population of scores (many sure links, a band of 0.5-0.8 pairs) and verdicts on that band
    whose match rate there is `rate_below_08`; above 0.8 verdicts are 99.5 % matches."""
    rng = np.random.default_rng(seed)
    pop = np.concatenate([np.full(9000, 0.99), rng.uniform(0.5, 0.8, 1500), rng.uniform(0.05, 0.5, 2000)])
    s = rng.uniform(0.4, 0.95, 600)
    rate = np.where(s >= 0.8, 0.995, np.where(s >= 0.5, rate_below_08, 0.1))
    y = (rng.uniform(size=600) < rate).astype(int)
    return s, y, pop, np.ones(len(pop), dtype=bool)


def test_threshold_moves_down_when_the_band_is_mostly_matches():
    s, y, pop, ok = _world(0.97)
    choice = choose_auto_threshold(s, y, pop, ok)
    assert choice.auto_threshold < 0.8
    assert choice.est_precision >= 0.985
    _, _, f_default = expected_quality(pop, ok, calibration(s, y), 0.8)
    assert choice.est_f1 > f_default


def test_threshold_stays_when_the_band_is_mixed_or_labels_are_few():
    s, y, pop, ok = _world(0.6)
    assert choose_auto_threshold(s, y, pop, ok).auto_threshold == 0.8  # would cost precision
    s, y, pop, ok = _world(0.97)
    few = choose_auto_threshold(s[:50], y[:50], pop, ok)
    assert few.auto_threshold == 0.8 and "too few" in few.reason


def test_pairs_held_by_a_cap_are_never_counted_as_auto_links():
    s, y, pop, ok = _world(0.97)
    held = ok.copy()
    held[9000:] = False  # every pair below 0.8 is held at review
    p, r, _ = expected_quality(pop, held, calibration(s, y), 0.5)
    p_free, r_free, _ = expected_quality(pop, ok, calibration(s, y), 0.5)
    assert r < r_free and p > p_free


def test_calibration_moves_only_bands_the_verdicts_cover_and_shrinks_small_ones():
    rng = np.random.default_rng(1)
    s = rng.uniform(0.6, 0.7, 400)
    cal = calibration(s, np.ones(400, dtype=int))  # 400 verdicts at 0.6-0.7, all matches
    out = calibrated(np.array([0.1, 0.999, 0.65]), cal)
    assert out[0] == 0.1 and out[1] == 0.999  # no verdict there: the model's own probability
    assert 0.95 < out[2] <= 1.0  # many verdicts: nearly their match rate
    few = calibrated(np.array([0.65]), calibration(s[:5], np.ones(5, dtype=int)))
    assert 0.65 < few[0] < 0.75  # five verdicts move the band only a little
