"""Fellegi–Sunter: EM recovers known parameters, nulls are neutral, explanations add up, saves reload."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ingest.errors import ConfigError, ModelError
from resolution.compare import ComparisonSpec, compare_columns
from resolution.fs_model import FellegiSunterModel
from resolution.links import Decision
from resolution.thresholds import decide, decide_many

SPECS = [
    ComparisonSpec("code", "code", "exact"),
    ComparisonSpec("name", "name", "jaro_winkler", tf_adjust=True),
    ComparisonSpec("date_of_birth", "dob", "date"),
]
TRUE_M = [
    np.array([0.1, 0.9]),
    np.array([0.05, 0.05, 0.1, 0.8]),
    np.array([0.02, 0.02, 0.03, 0.05, 0.03, 0.85]),
]
TRUE_U = [
    np.array([0.95, 0.05]),
    np.array([0.8, 0.1, 0.07, 0.03]),
    np.array([0.9, 0.05, 0.02, 0.015, 0.005, 0.01]),
]


def simulate(n: int, prior: float, seed: int, u: list[np.ndarray] = TRUE_U) -> np.ndarray:
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < prior
    gamma = np.zeros((n, len(SPECS)), dtype=np.int8)
    for k in range(len(SPECS)):
        gamma[is_match, k] = rng.choice(len(TRUE_M[k]), is_match.sum(), p=TRUE_M[k])
        gamma[~is_match, k] = rng.choice(len(u[k]), (~is_match).sum(), p=u[k])
    gamma[rng.random(gamma.shape) < 0.1] = -1
    return gamma


def test_em_with_u_fixed_recovers_m_and_prior() -> None:
    model = FellegiSunterModel(SPECS)
    model.estimate_u_random(simulate(200_000, 0.0005, seed=1))  # random pairs: almost no matches
    result = model.fit_em(simulate(40_000, 0.15, seed=2), fix_u=True)
    assert result.converged
    assert model.prior == pytest.approx(0.15, abs=0.01)
    for k in range(len(SPECS)):
        np.testing.assert_allclose(model.u[k], TRUE_U[k], atol=0.01)
        np.testing.assert_allclose(model.m[k], TRUE_M[k], atol=0.02)


def test_full_em_recovers_m_and_u() -> None:
    model = FellegiSunterModel(SPECS)
    model.fit_em(simulate(60_000, 0.2, seed=3), fix_u=False)
    for k in range(len(SPECS)):
        np.testing.assert_allclose(model.m[k], TRUE_M[k], atol=0.02)
        np.testing.assert_allclose(model.u[k], TRUE_U[k], atol=0.02)


# random pairs of real records rarely agree on a code or a birth date
RARE_U = [np.array([0.999, 0.001]), TRUE_U[1], np.array([0.95, 0.03, 0.015, 0.003, 0.0015, 0.0005])]


def blocked_world(seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """All pairs of a small world, and the candidates a union of two exact-agreement rules keeps."""
    everything = simulate(400_000, 0.001, seed, RARE_U)
    on_code, on_dob = everything[:, 0] == 1, everything[:, 2] == 5
    return everything, everything[on_code | on_dob], float(len(everything))


def test_em_over_blocked_candidates_recovers_the_prior_of_random_pairs() -> None:
    everything, candidates, n_total = blocked_world(seed=7)
    model = FellegiSunterModel(SPECS)
    model.estimate_u_random(everything[:200_000])
    model.fit_em(candidates, n_total_pairs=n_total)
    assert model.prior == pytest.approx(0.001, rel=0.2)
    np.testing.assert_allclose(model.m[1], TRUE_M[1], atol=0.03)


def test_em_sessions_leave_the_blocking_comparison_out() -> None:
    everything, candidates, n_total = blocked_world(seed=8)
    model = FellegiSunterModel(SPECS)
    model.estimate_u_random(everything[:200_000])
    results = model.fit_em_sessions(candidates, [["code"], ["date_of_birth"]], n_total_pairs=n_total)
    assert len(results) == 3 and all(r.converged for r in results)
    assert model.prior == pytest.approx(0.001, rel=0.2)
    for k in range(len(SPECS)):  # each m estimated in the session that did not block on it
        np.testing.assert_allclose(model.m[k], TRUE_M[k], atol=0.07)
    assert model.m[0][1] < 0.95  # blocking on code did not make code agreement look certain
    with pytest.raises(ModelError):
        model.fit_em_sessions(candidates[candidates[:, 0] != 1][:10], [["code"]])


def test_null_level_is_neutral() -> None:
    model = FellegiSunterModel(SPECS, m=TRUE_M, u=TRUE_U, prior=0.1)
    with_null = np.array([[1, -1, 5]])
    without = np.array([[1, 5]])
    assert model.match_weights(with_null)[0, 1] == 0.0
    two = FellegiSunterModel(
        [SPECS[0], SPECS[2]], m=[TRUE_M[0], TRUE_M[2]], u=[TRUE_U[0], TRUE_U[2]], prior=0.1
    )
    assert model.probability(with_null)[0] == pytest.approx(two.probability(without)[0])


def test_explain_sums_to_log_odds_and_reads_as_a_waterfall() -> None:
    model = FellegiSunterModel(SPECS, m=TRUE_M, u=TRUE_U, prior=0.01)
    gamma = simulate(50, 0.5, seed=4)
    log_odds = model.log2_odds(gamma)
    for i in range(len(gamma)):
        parts = model.explain(gamma[i])
        assert [c.name for c in parts] == ["prior", "code", "name", "date_of_birth"]
        assert sum(c.log2_weight for c in parts) == pytest.approx(log_odds[i])
    text = model.waterfall(model.explain(np.array([1, -1, 5])))
    assert text.startswith("prior -6.6; code exact +4.2; name null 0; date_of_birth exact")
    assert text.endswith(f"= {model.probability(np.array([[1, -1, 5]]))[0]:.3f}")


def test_frequent_names_weigh_less_than_rare_ones() -> None:
    model = FellegiSunterModel(SPECS, m=TRUE_M, u=TRUE_U, prior=0.01)
    model.fit_term_frequencies("name", ["张伟"] * 50 + ["欧阳娜娜"] + ["李四"] * 49)
    left = {"code": ["1", "1"], "name": ["张伟", "欧阳娜娜"], "dob": ["19800101", "19800101"]}
    cm = compare_columns(SPECS, left, left)
    p = model.probability(cm)
    assert p[1] > p[0]
    assert "term frequency" in model.explain_pair(cm, 0)[2].note


def test_save_load_round_trip_gives_identical_probabilities(tmp_path: Path) -> None:
    model = FellegiSunterModel(SPECS, metadata={"data_cutoff": "2024-12-31", "version": "t1"})
    model.fit_em(simulate(5_000, 0.2, seed=5), fix_u=False)
    model.fit_term_frequencies("name", ["张伟", "张伟", "王芳"])
    path = tmp_path / "matcher.json"
    model.save(path)
    again = FellegiSunterModel.load(path)
    gamma = simulate(1_000, 0.3, seed=6)
    np.testing.assert_array_equal(model.probability(gamma), again.probability(gamma))
    assert again.metadata["data_cutoff"] == "2024-12-31"
    assert again.specs == model.specs and again.tf_tables == model.tf_tables


def test_bad_inputs_raise_our_errors(tmp_path: Path) -> None:
    model = FellegiSunterModel(SPECS)
    with pytest.raises(ConfigError):
        model.probability(np.zeros((3, 2), dtype=np.int8))
    with pytest.raises(ModelError):
        model.fit_em(np.zeros((0, 3), dtype=np.int8))
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ModelError):
        FellegiSunterModel.load(tmp_path / "bad.json")


def test_decide_uses_two_thresholds() -> None:
    assert decide(0.99, 0.95, 0.5) is Decision.AUTO_LINK
    assert decide(0.95, 0.95, 0.5) is Decision.AUTO_LINK
    assert decide(0.7, 0.95, 0.5) is Decision.REVIEW
    assert decide(0.1, 0.95, 0.5) is Decision.REJECTED
    assert list(decide_many(np.array([0.99, 0.7, 0.1]), 0.95, 0.5)) == ["auto_link", "review", "rejected"]
    with pytest.raises(ConfigError):
        decide(0.5, 0.4, 0.6)


def test_u_by_sampling_agrees_with_u_over_every_pair() -> None:
    rng = np.random.default_rng(9)
    names = np.array(["wei", "fang", "wie", "jing", "jin", "lei", "na", "min"], dtype=object)
    left = pd.DataFrame(
        {"name": rng.choice(names, 400), "dob": rng.choice(["19800101", "19800102", ""], 400)}
    )
    right = pd.DataFrame({"name": rng.choice(names, 300), "dob": rng.choice(["19800101", "19811001"], 300)})
    specs = [ComparisonSpec("name", "name", "jaro_winkler"), ComparisonSpec("date_of_birth", "dob", "date")]
    exact, sampled = FellegiSunterModel(specs), FellegiSunterModel(specs)
    used_exact = exact.estimate_u_sampling(left, right, max_pairs=20_000, min_count_per_level=10**9, seed=1)
    used_sampled = sampled.estimate_u_sampling(
        left, right, max_pairs=20_000, min_count_per_level=10**9, seed=1, exact_factor=0.0
    )
    assert used_exact == {"name": 400 * 300, "date_of_birth": 400 * 300}  # few distinct values: exact
    assert used_sampled == {"name": 20_000, "date_of_birth": 20_000}
    for k in range(len(specs)):
        np.testing.assert_allclose(sampled.u[k], exact.u[k], atol=0.02)
