"""The supervised matcher refuses with too few labels, learns a separable set, reloads identically."""

from pathlib import Path

import numpy as np
import pytest

from ingest.errors import ConfigError, ModelError
from resolution.compare import ComparisonMatrix, ComparisonSpec, compare_columns
from resolution.supervised import SupervisedMatcher, features

SPECS = [ComparisonSpec("name", "name", "jaro_winkler"), ComparisonSpec("dob", "dob", "date")]
FIRST = ["wei", "fang", "jian", "li", "na", "qiang", "min", "jing", "lei", "yan"]


def labelled_pairs(n: int, seed: int) -> tuple[ComparisonMatrix, np.ndarray]:
    """Matches share name (with a typo now and then) and birth date; non-matches mostly do not."""
    rng = np.random.default_rng(seed)
    left = {"name": [], "dob": []}
    right = {"name": [], "dob": []}
    y = rng.random(n) < 0.4
    for is_match in y:
        name = f"{rng.choice(FIRST)} {rng.choice(FIRST)}"
        dob = f"19{rng.integers(40, 99)}0{rng.integers(1, 9)}1{rng.integers(0, 9)}"
        left["name"].append(name)
        left["dob"].append(dob)
        if is_match:
            right["name"].append(name if rng.random() < 0.8 else name[:-1] + "x")
            right["dob"].append(dob if rng.random() < 0.9 else "")
        else:
            right["name"].append(f"{rng.choice(FIRST)} {rng.choice(FIRST)}")
            right["dob"].append(f"19{rng.integers(40, 99)}0{rng.integers(1, 9)}1{rng.integers(0, 9)}")
    return compare_columns(SPECS, left, right), y.astype(int)


def test_refuses_below_min_labels_or_with_one_class() -> None:
    cm, y = labelled_pairs(30, seed=1)
    with pytest.raises(ModelError, match="too few steward labels"):
        SupervisedMatcher(SPECS, min_labels=50).fit(cm, y)
    cm, y = labelled_pairs(200, seed=2)
    with pytest.raises(ModelError, match="too few steward labels"):
        SupervisedMatcher(SPECS).fit(cm, np.ones_like(y))


@pytest.mark.parametrize("kind", ["logistic", "lightgbm"])
def test_beats_chance_on_a_separable_set(kind: str) -> None:
    train, y_train = labelled_pairs(400, seed=3)
    test, y_test = labelled_pairs(300, seed=4)
    matcher = SupervisedMatcher(SPECS, kind=kind).fit(train, y_train)
    p = matcher.predict_proba(test)
    assert ((p >= 0.5) == y_test).mean() > 0.9
    assert p[y_test == 1].mean() > 0.8 > 0.2 > p[y_test == 0].mean()


def test_save_load_round_trip(tmp_path: Path) -> None:
    train, y = labelled_pairs(1200, seed=5)  # enough for isotonic calibration
    matcher = SupervisedMatcher(SPECS, kind="lightgbm").fit(train, y)
    matcher.save(tmp_path / "sup.json")
    again = SupervisedMatcher.load(tmp_path / "sup.json")
    test, _ = labelled_pairs(100, seed=6)
    np.testing.assert_allclose(matcher.predict_proba(test), again.predict_proba(test))
    assert again.to_dict()["calibrator"]["method"] == "isotonic"


def test_features_mark_nulls_and_extra_columns() -> None:
    cm = compare_columns(
        SPECS,
        {"name": ["a", None], "dob": ["", "19800101"]},
        {"name": ["a", "b"], "dob": ["19800101", "19800101"]},
    )
    x = features(cm, extra=np.array([[7.0], [8.0]]))
    assert x.shape == (2, (4 + 1) + (6 + 1) + 2 + 1)
    assert x[1, 0] == 1.0 and x[0, 5] == 1.0  # null columns of name (row 1) and dob (row 0)
    assert x[:, -1].tolist() == [7.0, 8.0]
    with pytest.raises(ModelError):
        SupervisedMatcher(SPECS).predict_proba(x)


def test_pairs_outside_the_labelled_baseline_range_keep_the_baseline(tmp_path: Path):
    rng = np.random.default_rng(0)
    z = rng.uniform(-1.5, 1.5, 400)  # the baseline's log-odds of the labelled (uncertain) pairs
    other = rng.integers(0, 2, 400).astype(float)
    y = (rng.uniform(size=400) < 1 / (1 + np.exp(-(z + 2 * other - 1)))).astype(int)
    x = np.column_stack([other, z])
    m = SupervisedMatcher([], min_labels=50, calibration="sigmoid", baseline_column=-1).fit(x, y)
    far = np.array([[0.0, 6.0], [1.0, -6.0], [1.0, 0.0]])
    p = m.predict_proba(far)
    assert p[0] == pytest.approx(1 / (1 + np.exp(-6.0)))  # a sure baseline match stays sure
    assert p[1] == pytest.approx(1 / (1 + np.exp(6.0)))
    assert 0.4 < p[2] < 0.95  # inside the labelled range the matcher answers
    m.save(tmp_path / "m.json")
    assert np.allclose(SupervisedMatcher.load(tmp_path / "m.json").predict_proba(far), p)


def _offset_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels from the uncertain band: EM log-odds z in [-2, 2]; pairs with `flag` are matches
    more often than EM says (+2 nats), the others exactly as EM says."""
    rng = np.random.default_rng(seed)
    z = rng.uniform(-2.0, 2.0, n)
    flag = rng.integers(0, 2, n).astype(float)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(z + 2.0 * flag)))).astype(int)
    return np.column_stack([flag, 1.0 - flag, z]), y


def test_offset_matcher_is_a_bounded_correction_to_the_baseline(tmp_path: Path) -> None:
    x, y = _offset_data(3000, seed=11)
    m = SupervisedMatcher([], kind="offset", baseline_column=-1, penalty=1.0, max_correction=2.5).fit(x, y)
    probe = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    c = m.correction(probe)
    assert 1.3 < c[0] - c[1] < 2.6  # the flagged pattern is re-weighed up by about 2 nats
    assert abs(c[1]) < 0.6  # the other pattern stays near what EM says
    # sure EM matches (log-odds far above the labelled range) keep EM's probability exactly
    sure = np.array([[0.0, 1.0, 9.0], [1.0, 0.0, -9.0]])
    np.testing.assert_allclose(m.predict_proba(sure), 1 / (1 + np.exp(-sure[:, -1])))
    # however strong the labels, the correction never exceeds max_correction
    x2, _ = _offset_data(500, seed=12)
    y2 = (x2[:, 0] == 1).astype(int)  # flagged always match, others never: infinite evidence
    m2 = SupervisedMatcher([], kind="offset", baseline_column=-1, max_correction=1.0).fit(x2, y2)
    assert np.all(np.abs(m2.correction(x2)) <= 1.0 + 1e-12)
    m.save(tmp_path / "o.json")
    again = SupervisedMatcher.load(tmp_path / "o.json")
    np.testing.assert_allclose(again.predict_proba(probe), m.predict_proba(probe))
    assert again.kind == "offset" and again.to_dict()["calibrator"]["method"] == "none"


def test_offset_matcher_with_uninformative_labels_stays_near_the_baseline() -> None:
    rng = np.random.default_rng(3)
    z = rng.uniform(-2.0, 2.0, 2000)
    x = np.column_stack([rng.integers(0, 2, 2000).astype(float), z])
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-z))).astype(int)  # EM is already right
    m = SupervisedMatcher([], kind="offset", baseline_column=-1).fit(x, y)
    assert np.max(np.abs(m.correction(x))) < 0.3


def test_offset_matcher_needs_a_baseline_column() -> None:
    with pytest.raises(ConfigError):
        SupervisedMatcher([], kind="offset")
