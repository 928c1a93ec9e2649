"""Comparators on case tables: levels, null handling, normalisation, vectorised = pairwise."""

import math

import numpy as np
import pandas as pd
import pytest

from ingest.errors import ConfigError
from resolution.compare import (
    NULL,
    ComparisonSpec,
    compare_columns,
    compare_pair,
    compare_prepared,
    level_counts_all_pairs,
    prepare,
)

NAME = ComparisonSpec("name", "name", "jaro_winkler", {"thresholds": (0.88, 0.92)})
DOB = ComparisonSpec("dob", "dob", "date", {"within_days": (30, 365)})


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        ("张伟", "张伟", "exact"),
        ("ＡＢＣ１２３", "abc123", "exact"),  # full-width digits and letters
        (" Zhang  Wei ", "zhang wei", "exact"),
        ("martha", "marhta", "jaro_winkler >= 0.92"),
        ("dwayne", "duane", "else"),
        ("衢州杜泽食品", "杭州西湖茶叶", "else"),
    ],
)
def test_jaro_winkler_levels(left: str, right: str, label: str) -> None:
    assert compare_pair(NAME, left, right).label == label


@pytest.mark.parametrize("missing", [None, "", "   ", float("nan")])
def test_missing_values_give_the_null_level_with_a_note(missing: object) -> None:
    for spec in (NAME, DOB, ComparisonSpec("cap", "cap", "numeric")):
        feature = compare_pair(spec, missing, "1990-01-01")
        assert feature.level == NULL
        assert math.isnan(feature.value)
        assert "missing" in feature.note


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        ("1956-09-09", "19560909", "exact"),
        ("1956/9/9", "1956年09月09日", "exact"),
        ("19560912", "19561209", "day-month transposed"),
        ("19560909", "19660909", "one field differs"),
        ("19560909", "19561020", "within 365 days"),
        ("19560101", "19551225", "within 30 days"),
        ("19560909", "19800101", "else"),
    ],
)
def test_date_levels(left: str, right: str, label: str) -> None:
    assert compare_pair(DOB, left, right).label == label


def test_unparsable_date_is_null_not_an_error() -> None:
    assert compare_pair(DOB, "not a date", "19560909").level == NULL


def test_levenshtein_and_damerau_differ_on_transpositions() -> None:
    lev = ComparisonSpec("pc", "pc", "levenshtein", {"thresholds": (1,)})
    dam = ComparisonSpec("pc", "pc", "damerau", {"thresholds": (1,)})
    assert compare_pair(lev, "2615", "2651").label == "else"
    assert compare_pair(dam, "2615", "2651").label == "damerau <= 1"


def test_numeric_relative_threshold() -> None:
    spec = ComparisonSpec("cap", "cap", "numeric", {"thresholds": (0.1,), "relative": True})
    assert compare_pair(spec, "100", "105").label == "relative difference <= 0.1"
    assert compare_pair(spec, "１００", "100.0").label == "exact"
    assert compare_pair(spec, "100", "200").label == "else"


def test_token_set_ignores_word_order() -> None:
    spec = ComparisonSpec("addr", "addr", "token_set")
    assert compare_pair(spec, "north road 12", "12 north road").label == "token_set >= 0.9"


def test_matrix_with_pair_indices_equals_pairwise_calls() -> None:
    left = pd.DataFrame({"name": ["张伟", "王建国", None], "dob": ["19800101", "", "19900505"]})
    right = pd.DataFrame({"name": ["张伟", "王建军"], "dob": ["19800101", "19900505"]})
    li, ri = np.array([0, 1, 2, 0, 1]), np.array([0, 1, 1, 1, 0])
    cm = compare_columns([NAME, DOB], left, right, pairs=(li, ri))
    assert cm.gamma.shape == (5, 2)
    for row, (i, j) in enumerate(zip(li, ri, strict=True)):
        for k, spec in enumerate((NAME, DOB)):
            expected = compare_pair(spec, left[spec.column][i], right[spec.column][j]).level
            assert cm.gamma[row, k] == expected


def test_multi_column_comparison_joins_parts() -> None:
    spec = ComparisonSpec("full", ("given", "surname"), "exact")
    cm = compare_columns(
        [spec],
        {"given": ["wei", "wei"], "surname": ["zhang", None]},
        {"given": ["WEI", "wei"], "surname": ["Zhang", "zhang"]},
    )
    assert cm.gamma[:, 0].tolist() == [1, 0]


def test_spec_round_trips_and_refuses_unknown_comparator() -> None:
    assert ComparisonSpec.from_dict(NAME.to_dict()) == NAME
    with pytest.raises(ConfigError):
        ComparisonSpec("x", "x", "no_such_comparator")
    with pytest.raises(ConfigError):
        ComparisonSpec("x", "x", "exact", levels=("else", "close", "exact"))


@pytest.mark.parametrize(
    "spec",
    [
        NAME,
        DOB,
        ComparisonSpec("pc", "pc", "damerau", {"thresholds": (2, 1)}),
        ComparisonSpec("pc", "pc", "osa", {"thresholds": (2, 1)}),
        ComparisonSpec("pc", "pc", "exact"),
        ComparisonSpec("pc", "pc", "token_set"),
    ],
)
@pytest.mark.parametrize("dedupe", [False, True])
def test_level_counts_over_all_pairs_equal_brute_force(spec: ComparisonSpec, dedupe: bool) -> None:
    column = spec.column
    rng = np.random.default_rng(0)
    if spec.comparator == "date":
        pool = ["19800101", "19800110", "19801001", "19810101", "19790505", "", "bad"]
    else:
        pool = ["martha", "marhta", "2615", "2651", "north road", "road north", "张伟", "张伟", "", None]
    left = {column: list(rng.choice(np.array(pool, dtype=object), 40))}
    right = left if dedupe else {column: list(rng.choice(np.array(pool, dtype=object), 30))}
    lp, rp = prepare(spec, left), prepare(spec, right, right=True)
    counts = level_counts_all_pairs(spec, lp, rp, dedupe=dedupe)
    li, ri = np.meshgrid(np.arange(len(lp.missing)), np.arange(len(rp.missing)), indexing="ij")
    li, ri = li.ravel(), ri.ravel()
    if dedupe:
        li, ri = li[li != ri], ri[li != ri]
    levels, _ = compare_prepared(spec, lp, rp, li, ri)
    expected = np.bincount(levels[levels != NULL], minlength=spec.n_levels)
    np.testing.assert_allclose(counts, expected)
