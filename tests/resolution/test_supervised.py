"""The supervised matcher refuses with too few labels, learns a separable set, reloads identically."""

from pathlib import Path

import numpy as np
import pytest

from ingest.errors import ModelError
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
