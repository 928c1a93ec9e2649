"""The two Fellegi–Sunter models (firm pairs, person pairs) over the levels of `features.py`.

Adapter over `resolution.fs_model.FellegiSunterModel`: our comparisons are computed per record
(mentions, graph context), so each is declared with the pass-through comparator `level` and
the model sees the finished level matrix. Starting m/u values are declared here with the reason
for each; `fit` re-estimates u from random (record, entity) pairs and m and the prior by EM on
the candidate pairs, as Splink does, and keeps the declared m where EM has too little to go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from resolution.compare import COMPARATORS, Comparator, ComparisonSpec, register
from resolution.features import FIRM_LEVELS, PERSON_LEVELS
from resolution.fs_model import Contribution, FellegiSunterModel


def _passthrough(value: Any) -> int | None:
    return None if value is None or int(value) < 0 else int(value)


def _level_kernel(
    left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    levels = np.asarray(left, dtype=np.int8)
    return levels, levels.astype(np.float64)


if "level" not in COMPARATORS:
    register(Comparator("level", _passthrough, _level_kernel, lambda o: tuple(o["labels"]), {"labels": ()}))

# Declared starting points: m among true candidate pairs, u among NON-matching candidate pairs
# (homonyms, firms sharing a short name, a person whose phone is the shop's). u is conditional
# on being a candidate, not on a random pair, because the prior is the match rate among
# candidates: with random-pair u every exact name would look like proof.
FIRM_START: dict[str, tuple[list[float], list[float]]] = {
    "name": (
        [0.02, 0.08, 0.03, 0.05, 0.03, 0.07, 0.10, 0.40, 0.22],
        [0.35, 0.25, 0.08, 0.05, 0.07, 0.10, 0.03, 0.05, 0.02],
    ),
    "name_rarity": ([0.05, 0.15, 0.80], [0.5, 0.3, 0.2]),
    "code": ([0.01, 0.30, 0.69], [0.90, 0.09, 0.01]),
    # a phone tail (尾号) is a candidate source itself, so non-matching candidates reach it often
    "phone": ([0.28, 0.10, 0.52, 0.10, 0.04], [0.79, 0.15, 0.05, 0.01, 0.01]),
    "region": ([0.01, 0.04, 0.15, 0.80], [0.1, 0.3, 0.3, 0.3]),
    "address": ([0.33, 0.33, 0.24, 0.10], [0.65, 0.30, 0.049, 0.001]),
    # the last two: a person and their trade leave one firm (a surname form in the district: some
    # coincidences; a full name in the city: few)
    "person": (
        [0.30, 0.09, 0.05, 0.28, 0.18, 0.03, 0.04, 0.03],
        [0.60, 0.05, 0.33, 0.015, 0.005, 0.003, 0.0005, 0.001],
    ),
    # a text's business words: the subject's trade is usually among them, a competitor's often not
    "business": ([0.10, 0.20, 0.70], [0.45, 0.25, 0.30]),
}
PERSON_START: dict[str, tuple[list[float], list[float]]] = {
    "name": ([0.08, 0.15, 0.03, 0.14, 0.60], [0.30, 0.10, 0.10, 0.15, 0.35]),
    "name_rarity": ([0.15, 0.30, 0.55], [0.6, 0.3, 0.1]),
    "code": ([0.01, 0.50, 0.49], [0.80, 0.19, 0.01]),
    "phone": ([0.28, 0.10, 0.52, 0.10], [0.64, 0.30, 0.05, 0.01]),
    "region": ([0.02, 0.05, 0.23, 0.70], [0.3, 0.3, 0.2, 0.2]),
    "firm": ([0.20, 0.45, 0.35], [0.90, 0.08, 0.02]),
}
FIRM_PRIOR = 0.5
PERSON_PRIOR = 0.3


def specs_for(levels: Mapping[str, tuple[str, ...]]) -> list[ComparisonSpec]:
    return [ComparisonSpec(name, name, "level", {"labels": labels}) for name, labels in levels.items()]


def start_model(entity_type: str) -> FellegiSunterModel:
    """The declared model before any fitting: usable on day one, and EM's starting point."""
    levels, start, prior = (
        (FIRM_LEVELS, FIRM_START, FIRM_PRIOR)
        if entity_type == "firm"
        else (PERSON_LEVELS, PERSON_START, PERSON_PRIOR)
    )
    specs = specs_for(levels)
    return FellegiSunterModel(
        specs,
        m=[start[s.name][0] for s in specs],
        u=[start[s.name][1] for s in specs],
        prior=prior,
        metadata={"entity_type": entity_type, "fitted": "declared"},
    )


def fit(
    model: FellegiSunterModel,
    candidate_gamma: np.ndarray,
    shrink: float = 5000.0,
    keep: tuple[str, ...] = ("name",),
) -> FellegiSunterModel:
    """m, u and the prior by EM on the candidate pairs, shrunk towards the declared values.

    Each level's estimate is blended with the declared one, weighted by how many pairs EM saw
    for that comparison against `shrink` pseudo-pairs: a level that few candidates reach (a USCC
    typed in an event) keeps its declared weight instead of swinging on a handful of pairs, and
    EM cannot flip a weight's sign on a small dataset. Comparisons in `keep` keep their declared m
    and u: candidates are generated from names and clustered by place, so EM's latent classes
    follow those (a whole district looks like "the matches") instead of identity.
    """
    if len(candidate_gamma) < 20:
        return model
    declared_m = [m.copy() for m in model.m]
    declared_u = [u.copy() for u in model.u]
    declared_prior = model.prior
    result = model.fit_em(np.asarray(candidate_gamma, dtype=np.int8), max_iter=60, fix_u=False, fix_m=keep)
    seen = np.asarray(candidate_gamma) != -1
    for k in range(len(model.specs)):
        n_seen = float(seen[:, k].sum())
        wm = n_seen * model.prior / (n_seen * model.prior + shrink)
        wu = n_seen * (1 - model.prior) / (n_seen * (1 - model.prior) + shrink)
        mk = wm * model.m[k] + (1 - wm) * declared_m[k]
        uk = wu * model.u[k] + (1 - wu) * declared_u[k]
        model.m[k], model.u[k] = mk / mk.sum(), uk / uk.sum()
        if model.specs[k].name in keep:
            model.m[k], model.u[k] = declared_m[k], declared_u[k]
    w = len(candidate_gamma) / (len(candidate_gamma) + shrink)
    model.prior = float(np.clip(w * model.prior + (1 - w) * declared_prior, 0.01, 0.99))
    model.metadata.update(
        {
            "fitted": "em",
            "em_iterations": result.iterations,
            "em_converged": result.converged,
            "candidate_pairs": int(len(candidate_gamma)),
        }
    )
    return model


def probabilities(model: FellegiSunterModel, gamma: np.ndarray) -> np.ndarray:
    if len(gamma) == 0:
        return np.zeros(0)
    return model.probability(np.asarray(gamma, dtype=np.int8))


def explain(model: FellegiSunterModel, row: list[int] | np.ndarray) -> list[Contribution]:
    return model.explain(np.asarray(row, dtype=np.int8))
