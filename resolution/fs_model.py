"""The unsupervised Fellegi–Sunter matcher: m and u per comparison level, a prior, EM without labels.

It works on day one with no steward decisions. Like Splink, u (how often a level occurs among
non-matches) is estimated from random pairs, then m and the prior are estimated by EM on the
blocked candidate pairs with u held fixed. Every score is a sum of log2 Bayes factors, so each
link can be explained as a waterfall of contributions, and the trained model saves to one JSON
settings file (comparisons, levels, options, m, u, prior, term frequencies, training metadata).

The prior here is the match rate among the pairs EM was fitted on (candidate pairs after
blocking), which is the right prior for scoring candidate pairs from the same blocking.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ingest.errors import ConfigError, ModelError
from resolution.compare import (
    COMPARATORS,
    NULL,
    ComparisonMatrix,
    ComparisonSpec,
    compare_prepared,
    distinct_pairs,
    level_counts_all_pairs,
    prepare,
)

FORMAT = "credgraph.fellegi_sunter"
FORMAT_VERSION = 1
_FLOOR = 1e-9  # no level is ever impossible: keeps every weight finite


@dataclass(frozen=True, slots=True)
class Contribution:
    """One line of a link's evidence: a comparison's level and how much it moved the odds."""

    name: str
    level_label: str
    bayes_factor: float
    log2_weight: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class EMResult:
    iterations: int
    converged: bool
    prior: float
    max_change: float


def _default_m(n: int) -> np.ndarray:
    """Matches mostly agree exactly; lower levels get less of the rest."""
    if n == 1:
        return np.ones(1)
    rest = np.arange(1, n, dtype=np.float64)
    return np.append(0.1 * rest / rest.sum(), 0.9)


def _default_u(n: int) -> np.ndarray:
    """Non-matches mostly disagree; higher levels are rarer."""
    if n == 1:
        return np.ones(1)
    rest = 1.0 / np.arange(1, n, dtype=np.float64) ** 2
    return np.append(0.9, 0.1 * rest / rest.sum())


def _normalise(p: np.ndarray | Sequence[float]) -> np.ndarray:
    p = np.maximum(np.asarray(p, dtype=np.float64), _FLOOR)
    return p / p.sum()


class FellegiSunterModel:
    """Fellegi–Sunter model over declared comparisons (`ComparisonSpec`)."""

    def __init__(
        self,
        specs: Sequence[ComparisonSpec],
        m: Sequence[Sequence[float] | np.ndarray] | None = None,
        u: Sequence[Sequence[float] | np.ndarray] | None = None,
        prior: float = 0.01,
        tf_tables: Mapping[str, Mapping[str, float]] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.specs = tuple(specs)
        names = [s.name for s in self.specs]
        if len(set(names)) != len(names):
            raise ConfigError(f"comparison names must be unique: {names}")
        self.m = [_normalise(m[k]) if m else _default_m(s.n_levels) for k, s in enumerate(self.specs)]
        self.u = [_normalise(u[k]) if u else _default_u(s.n_levels) for k, s in enumerate(self.specs)]
        for k, s in enumerate(self.specs):
            if len(self.m[k]) != s.n_levels or len(self.u[k]) != s.n_levels:
                raise ConfigError(f"comparison {s.name!r}: m/u length differs from its {s.n_levels} levels")
        if not 0.0 < prior < 1.0:
            raise ConfigError(f"prior must lie in (0, 1), got {prior}")
        self.prior = float(prior)
        self.tf_tables: dict[str, dict[str, float]] = {k: dict(v) for k, v in (tf_tables or {}).items()}
        self.metadata: dict[str, Any] = dict(metadata or {})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs)

    # ------------------------------------------------------------ estimation
    def estimate_u_random(self, gamma_random: np.ndarray | ComparisonMatrix) -> None:
        """u = level frequencies among random pairs (almost all non-matches), as Splink does."""
        gamma = _gamma(gamma_random)
        self._check(gamma)
        n = max(len(gamma), 1)
        for k, s in enumerate(self.specs):
            g = gamma[:, k]
            counts = np.bincount(g[g != NULL], minlength=s.n_levels).astype(np.float64)
            # half a pair for unseen levels: rare exact agreements stay rare, never impossible
            self.u[k] = _normalise(np.maximum(counts, 0.5) / n)

    def estimate_u_sampling(
        self,
        left: Any,
        right: Any | None = None,
        max_pairs: float = 1e6,
        min_count_per_level: int = 100,
        num_chunks: int = 10,
        seed: int | None = None,
        workers: int = 1,
        exact_factor: float = 4.0,
    ) -> dict[str, int]:
        """u from random record pairs (right=None: dedupe within `left`), Splink's procedure.

        Per comparison: a probe of 1% of `max_pairs`; if any level was seen fewer than
        `min_count_per_level` times, either count levels over *every* pair exactly, via distinct
        values, when that is at most `exact_factor` x max_pairs comparisons (a distinct-value
        comparison costs a fraction of a sampled one), or add chunks of max_pairs/num_chunks
        until every level is seen enough or `max_pairs` is spent. Returns pairs used per comparison.
        """
        other = left if right is None else right
        rng = np.random.default_rng(seed)
        used: dict[str, int] = {}
        for k, s in enumerate(self.specs):
            lp, rp = prepare(s, left), prepare(s, other, right=True)
            n_l, n_r = len(lp.missing), len(rp.missing)
            chunk = int(-(-int(max_pairs) // num_chunks))
            bounds = [int(max_pairs) // (num_chunks * 10)] + [chunk] * num_chunks
            counts, total = np.zeros(s.n_levels), 0
            for j, size in enumerate(bounds):
                if j == 1:  # the probe was not enough: start again
                    if distinct_pairs(lp, rp) <= exact_factor * max_pairs:
                        counts = level_counts_all_pairs(s, lp, rp, dedupe=right is None, workers=workers)
                        total = n_l * (n_l - 1) if right is None else n_l * n_r
                        break
                    counts, total = np.zeros(s.n_levels), 0
                size = min(size, int(max_pairs) - total) if j else size
                li, ri = rng.integers(0, n_l, size), rng.integers(0, n_r, size)
                if right is None:
                    li, ri = li[li != ri], ri[li != ri]
                levels, _ = compare_prepared(s, lp, rp, li, ri, workers)
                counts += np.bincount(levels[levels != NULL], minlength=s.n_levels)
                total += size
                if counts.min() >= min_count_per_level or (j and total >= max_pairs):
                    break
            self.u[k] = _normalise(np.maximum(counts, 0.5))
            used[s.name] = int(total)
        return used

    def fit_em(
        self,
        gamma: np.ndarray | ComparisonMatrix,
        max_iter: int = 100,
        tol: float = 1e-5,
        fix_u: bool = True,
        fix_m: Collection[str] = (),
        deactivate: Collection[str] = (),
        fix_prior: bool = False,
        n_total_pairs: float | None = None,
    ) -> EMResult:
        """EM for m and the prior (and u unless `fix_u`), without labels.

        `fix_m` names comparisons whose m stays as it is. `deactivate` names comparisons left out
        of the E-step altogether (and not updated): those a blocking rule forced to agree carry no
        information about match status in that sample (Splink's rule); see `fit_em_sessions`.
        `n_total_pairs` (all possible pairs, e.g. n_left * n_right) makes the prior the chance that
        two random records match, pairs left out by blocking counting as non-matches: with u from
        random pairs that is the prior under which scores of blocked pairs are calibrated.
        Rows are collapsed to unique level patterns, so a million pairs cost a few thousand.
        """
        g = _gamma(gamma)
        self._check(g)
        if len(g) == 0:
            raise ModelError("EM needs at least one pair")
        patterns, counts = _patterns(g, [s.n_levels for s in self.specs])
        off = set(deactivate)
        fixed = set(fix_m) | off
        active = [k for k, s in enumerate(self.specs) if s.name not in off]
        change, it = np.inf, 0
        for it in range(1, max_iter + 1):  # noqa: B007 - the last value is reported
            post = self._posterior(patterns, active)
            old = [*self.m, *self.u, np.array([self.prior])]
            if not fix_prior:
                total = counts.sum() if n_total_pairs is None else max(float(n_total_pairs), counts.sum())
                self.prior = float(np.clip((post * counts).sum() / total, 1e-12, 1 - 1e-9))
            for k, s in enumerate(self.specs):
                col = patterns[:, k]
                seen = col != NULL
                if s.name not in fixed:
                    w = (post * counts)[seen]
                    self.m[k] = _normalise(np.bincount(col[seen], weights=w, minlength=s.n_levels))
                if not fix_u and s.name not in off:
                    w = ((1 - post) * counts)[seen]
                    self.u[k] = _normalise(np.bincount(col[seen], weights=w, minlength=s.n_levels))
            new = [*self.m, *self.u, np.array([self.prior])]
            change = max(float(np.max(np.abs(a - b))) for a, b in zip(old, new, strict=True))
            if change < tol:
                break
        return EMResult(it, bool(change < tol), self.prior, change)

    def fit_em_sessions(
        self,
        gamma: np.ndarray | ComparisonMatrix,
        sessions: Sequence[Collection[str]],
        n_total_pairs: float | None = None,
        max_iter: int = 100,
        tol: float = 1e-5,
    ) -> list[EMResult]:
        """Splink-style training on blocked candidates: one EM session per group of comparisons.

        A session on ("date_of_birth",) takes the pairs whose date_of_birth agrees exactly,
        leaves that comparison out, and estimates m for the others with u fixed. Each m is the
        mean over the sessions that estimated it. A last pass fits only the prior over all rows
        (see `fit_em` for `n_total_pairs`). Plain EM over a union of blocking rules, with the
        prior taken among candidates, can mistake "agrees on the blocking key" for "matches".
        """
        g = _gamma(gamma)
        self._check(g)
        estimates: list[list[np.ndarray]] = [[] for _ in self.specs]
        results = []
        for names in sessions:
            ks = [self.names.index(self._spec(n).name) for n in names]
            rows = np.all(np.stack([g[:, k] == self.specs[k].n_levels - 1 for k in ks], axis=1), axis=1)
            if not rows.any():
                raise ModelError(f"EM session {tuple(names)}: no pair agrees exactly on it")
            trial = FellegiSunterModel(self.specs, self.m, self.u, 0.5 if self.prior < 0.5 else self.prior)
            results.append(trial.fit_em(g[rows], max_iter, tol, fix_u=True, deactivate=names))
            for k, s in enumerate(self.specs):
                if s.name not in names:
                    estimates[k].append(trial.m[k])
        for k, est in enumerate(estimates):
            if est:
                self.m[k] = _normalise(np.mean(est, axis=0))
        results.append(
            self.fit_em(g, max_iter, tol, fix_u=True, fix_m=self.names, n_total_pairs=n_total_pairs)
        )
        return results

    def fit_term_frequencies(self, name: str, values: Sequence[Any]) -> None:
        """Value frequencies for a tf-adjusted comparison, from the records being linked."""
        spec = self._spec(name)
        norm = COMPARATORS[spec.comparator].normalise
        keys = pd.Series([None if (v := norm(x)) is None else str(v) for x in values], dtype=object).dropna()
        self.tf_tables[name] = {str(k): float(v) for k, v in keys.value_counts(normalize=True).items()}

    # ------------------------------------------------------------ scoring
    def term_frequencies(self, cm: ComparisonMatrix) -> np.ndarray | None:
        """(n_pairs x n_comparisons) frequency of the agreed value, NaN where no adjustment applies."""
        if not self.tf_tables or not cm.tf_keys:
            return None
        tf = np.full(cm.gamma.shape, np.nan)
        for k, s in enumerate(self.specs):
            if s.tf_adjust and s.name in self.tf_tables and s.name in cm.tf_keys:
                tf[:, k] = (
                    pd.Series(cm.tf_keys[s.name], dtype=object).map(self.tf_tables[s.name]).to_numpy(float)
                )
        return tf

    def match_weights(self, gamma: np.ndarray | ComparisonMatrix, tf: np.ndarray | None = None) -> np.ndarray:
        """log2 Bayes factor per pair and comparison; the null level weighs 0."""
        g = _gamma(gamma)
        self._check(g)
        if tf is None and isinstance(gamma, ComparisonMatrix):
            tf = self.term_frequencies(gamma)
        out = np.zeros(g.shape, dtype=np.float64)
        for k, s in enumerate(self.specs):
            table = np.append(np.log2(self.m[k] / self.u[k]), 0.0)  # index -1 (null) → 0
            out[:, k] = table[g[:, k]]
            if tf is not None and s.tf_adjust:
                top = (g[:, k] == s.n_levels - 1) & ~np.isnan(tf[:, k])
                out[top, k] = np.log2(self.m[k][-1] / np.maximum(tf[top, k], _FLOOR))
        return out

    @property
    def prior_log2_odds(self) -> float:
        return float(np.log2(self.prior / (1 - self.prior)))

    def log2_odds(self, gamma: np.ndarray | ComparisonMatrix, tf: np.ndarray | None = None) -> np.ndarray:
        return self.prior_log2_odds + self.match_weights(gamma, tf).sum(axis=1)

    def probability(self, gamma: np.ndarray | ComparisonMatrix, tf: np.ndarray | None = None) -> np.ndarray:
        """Posterior match probability of each pair."""
        return 1.0 / (1.0 + np.exp2(-self.log2_odds(gamma, tf)))

    def explain(self, gamma_row: np.ndarray, tf_row: np.ndarray | None = None) -> list[Contribution]:
        """The waterfall of one pair: prior then one contribution per comparison; sums to log2 odds."""
        row = np.asarray(gamma_row, dtype=np.int8).reshape(1, -1)
        tf = None if tf_row is None else np.asarray(tf_row, dtype=np.float64).reshape(1, -1)
        weights = self.match_weights(row, tf)[0]
        out = [
            Contribution("prior", f"prior {self.prior:.4g}", 2**self.prior_log2_odds, self.prior_log2_odds)
        ]
        for k, s in enumerate(self.specs):
            level = int(row[0, k])
            if level == NULL:
                out.append(Contribution(s.name, "null", 1.0, 0.0, "missing value: neutral"))
                continue
            note = ""
            if tf is not None and s.tf_adjust and level == s.n_levels - 1 and not np.isnan(tf[0, k]):
                note = f"term frequency {tf[0, k]:.3g} instead of u {self.u[k][level]:.3g}"
            out.append(Contribution(s.name, s.levels[level], float(2 ** weights[k]), float(weights[k]), note))
        return out

    def explain_pair(self, cm: ComparisonMatrix, i: int) -> list[Contribution]:
        tf = self.term_frequencies(cm)
        return self.explain(cm.gamma[i], None if tf is None else tf[i])

    def waterfall(self, contributions: Sequence[Contribution]) -> str:
        """Text evidence: 'prior -6.6; name exact +8.1; phone null 0; ... = 0.993'."""
        total = sum(c.log2_weight for c in contributions)
        parts = [
            f"{c.name} {c.log2_weight:+.1f}"
            if c.name == "prior"
            else f"{c.name} {c.level_label} {c.log2_weight:+.1f}"
            for c in contributions
        ]
        parts = [p.replace("null +0.0", "null 0") for p in parts]
        return "; ".join(parts) + f" = {1.0 / (1.0 + 2.0**-total):.3f}"

    # ------------------------------------------------------------ settings file
    def to_dict(self) -> dict[str, Any]:
        comparisons = []
        for k, s in enumerate(self.specs):
            comparisons.append({**s.to_dict(), "m": self.m[k].tolist(), "u": self.u[k].tolist()})
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "prior": self.prior,
            "comparisons": comparisons,
            "tf_tables": self.tf_tables,
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FellegiSunterModel:
        if data.get("format") != FORMAT or int(data.get("format_version", 0)) > FORMAT_VERSION:
            raise ModelError(f"not a {FORMAT} v{FORMAT_VERSION} settings file")
        specs = [ComparisonSpec.from_dict(c) for c in data["comparisons"]]
        model = cls(
            specs,
            m=[c["m"] for c in data["comparisons"]],
            u=[c["u"] for c in data["comparisons"]],
            prior=float(data["prior"]),
            tf_tables=data.get("tf_tables"),
            metadata=data.get("metadata"),
        )
        # the saved values exactly (re-normalising would move the last bits of every score)
        model.m = [np.asarray(c["m"], dtype=np.float64) for c in data["comparisons"]]
        model.u = [np.asarray(c["u"], dtype=np.float64) for c in data["comparisons"]]
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> FellegiSunterModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read matcher settings {path}: {exc}") from exc
        return cls.from_dict(data)

    # ------------------------------------------------------------ internals
    def _posterior(self, patterns: np.ndarray, active: Sequence[int] | None = None) -> np.ndarray:
        lm = np.zeros(len(patterns))
        lu = np.zeros(len(patterns))
        for k in range(len(self.specs)) if active is None else active:
            lm += np.append(np.log(self.m[k]), 0.0)[patterns[:, k]]
            lu += np.append(np.log(self.u[k]), 0.0)[patterns[:, k]]
        logit = np.log(self.prior) + lm - np.log1p(-self.prior) - lu
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))

    def _spec(self, name: str) -> ComparisonSpec:
        for s in self.specs:
            if s.name == name:
                return s
        raise ConfigError(f"no comparison named {name!r}")

    def _check(self, gamma: np.ndarray) -> None:
        if gamma.ndim != 2 or gamma.shape[1] != len(self.specs):
            raise ConfigError(f"gamma has shape {gamma.shape}; the model has {len(self.specs)} comparisons")


def _patterns(gamma: np.ndarray, n_levels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of gamma and their counts; rows packed into one int64 key when they fit."""
    radix = np.array([n + 1 for n in n_levels], dtype=np.int64)
    if len(radix) and float(np.prod(radix.astype(np.float64))) < 2**62:
        place = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
        keys = (gamma.astype(np.int64) + 1) @ place
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return gamma[first], counts.astype(np.float64)
    patterns, counts = np.unique(gamma, axis=0, return_counts=True)
    return patterns, counts.astype(np.float64)


def _gamma(gamma: np.ndarray | ComparisonMatrix) -> np.ndarray:
    return gamma.gamma if isinstance(gamma, ComparisonMatrix) else np.asarray(gamma, dtype=np.int8)
