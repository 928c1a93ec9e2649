"""The supervised matcher, trained from steward decisions once there are enough of them.

Features are the comparison levels one-hot (null included, so a missing value is its own
signal) plus the raw similarities; extra columns (graph context, role words) may be appended.
The classifier (logistic regression by default, LightGBM for many labels) is calibrated the way
sklearn's `CalibratedClassifierCV(ensemble=False)` does it: out-of-fold scores from
cross-validation fit an isotonic or Platt calibrator, then the classifier is refitted on all
labels. The kind "offset" is a bounded correction to a baseline instead: a penalised logistic
regression whose offset is the baseline's log-odds (the EM match weight, a feature column), so
with no evidence it says what EM says, and its correction is clipped to `max_correction` nats: a
few hundred verdicts from the uncertain band can re-weigh a comparison pattern, not overturn a
sure EM match. Everything is stored as JSON (coefficients or the LightGBM model text, and the
calibrator's points), so a trained matcher is its settings file and loading runs no pickle.
Below `min_labels` (or too few of either class) `fit` refuses with ModelError, so the caller
keeps the Fellegi–Sunter model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from ingest.errors import ConfigError, ModelError
from resolution.compare import NULL, ComparisonMatrix, ComparisonSpec

FORMAT = "credgraph.supervised_matcher"
FORMAT_VERSION = 1
KINDS = ("logistic", "lightgbm", "offset")


def features(cm: ComparisonMatrix, extra: np.ndarray | None = None) -> np.ndarray:
    """One-hot levels (a null column per comparison first) + similarities (NaN → 0) + extra columns."""
    blocks = []
    for k, spec in enumerate(cm.specs):
        onehot = np.zeros((len(cm), spec.n_levels + 1), dtype=np.float64)
        onehot[np.arange(len(cm)), cm.gamma[:, k].astype(np.int64) - NULL] = 1.0
        blocks.append(onehot)
    blocks.append(np.nan_to_num(cm.similarity.astype(np.float64), nan=0.0))
    if extra is not None:
        x = np.asarray(extra, dtype=np.float64)
        blocks.append(x.reshape(-1, 1) if x.ndim == 1 else x)
    return np.hstack(blocks) if blocks else np.zeros((len(cm), 0))


class SupervisedMatcher:
    """A calibrated classifier over comparison features, trained from labelled pairs."""

    def __init__(
        self,
        specs: Sequence[ComparisonSpec],
        kind: str = "logistic",
        min_labels: int = 50,
        min_per_class: int = 10,
        calibration: str = "auto",
        metadata: Mapping[str, Any] | None = None,
        baseline_column: int | None = None,
        penalty: float = 3.0,
        max_correction: float = 2.5,
    ) -> None:
        if kind not in KINDS:
            raise ConfigError(f"unknown supervised model kind {kind!r}; choose one of {KINDS}")
        if calibration not in ("auto", "isotonic", "sigmoid"):
            raise ConfigError(f"unknown calibration {calibration!r}")
        self.specs = tuple(specs)
        self.kind = kind
        self.min_labels = min_labels
        self.min_per_class = min_per_class
        self.calibration = calibration
        self.metadata: dict[str, Any] = dict(metadata or {})
        # a feature column holding a baseline model's log-odds: pairs whose baseline lies outside
        # the range the labels covered keep the baseline (labels say nothing about them)
        self.baseline_column = baseline_column
        if kind == "offset" and baseline_column is None:
            raise ConfigError("an offset matcher needs the baseline's log-odds column (baseline_column)")
        self.penalty = float(penalty)  # L2 on the correction's coefficients ("offset" only)
        self.max_correction = float(max_correction)  # nats ("offset" only)
        self.n_features: int | None = None
        self._params: dict[str, Any] = {}
        self._calibrator: dict[str, Any] = {}
        self._booster: Any = None

    @property
    def fitted(self) -> bool:
        return self.n_features is not None

    def fit(self, X: np.ndarray | ComparisonMatrix, y: Sequence[int] | np.ndarray) -> SupervisedMatcher:
        """Train on labelled pairs (1 = match, 0 = no match); 'unsure' decisions must be left out."""
        x = self._matrix(X, check=False)
        labels = np.asarray(y, dtype=np.int64)
        if len(labels) != len(x):
            raise ModelError(f"{len(x)} feature rows but {len(labels)} labels")
        if set(np.unique(labels)) - {0, 1}:
            raise ModelError("labels must be 0 (no match) or 1 (match)")
        n_pos, n_neg = int(labels.sum()), int(len(labels) - labels.sum())
        if len(labels) < self.min_labels or min(n_pos, n_neg) < self.min_per_class:
            raise ModelError(
                f"too few steward labels to train a supervised matcher: {n_pos} match, {n_neg} no match "
                f"(need {self.min_labels} in all and {self.min_per_class} of each); keep the FS model"
            )
        if self.kind == "offset":
            return self._fit_offset(x, labels, n_pos, n_neg)
        folds = StratifiedKFold(n_splits=min(5, min(n_pos, n_neg)), shuffle=True, random_state=0)
        oof = cross_val_predict(self._estimator(), x, labels, cv=folds, method="decision_function")
        method = self.calibration
        if method == "auto":
            method = "isotonic" if len(labels) >= 1000 else "sigmoid"
        self._calibrator = _fit_calibrator(np.asarray(oof, dtype=np.float64), labels, method)
        final = self._estimator().fit(x, labels)
        if self.kind == "logistic":
            self._params = {"coef": final.coef_[0].tolist(), "intercept": float(final.intercept_[0])}
        else:
            self._params = {"model": final.booster_.model_to_string()}
            self._booster = None
        if self.baseline_column is not None:
            lo, hi = np.quantile(x[:, self.baseline_column], [0.01, 0.99])
            self._params["support"] = [float(lo), float(hi)]
        self.n_features = x.shape[1]
        self.metadata.update({"n_labels": len(labels), "n_match": n_pos, "n_no_match": n_neg})
        return self

    def predict_proba(self, X: np.ndarray | ComparisonMatrix) -> np.ndarray:
        """Calibrated match probability per pair."""
        if not self.fitted:
            raise ModelError("the supervised matcher is not trained")
        x = self._matrix(X, check=True)
        if self.kind == "offset":
            p = 1.0 / (1.0 + np.exp(-(x[:, self.baseline_column] + self.correction(x))))
        else:
            p = _apply_calibrator(self._calibrator, self._decision(x))
        support = self._params.get("support")
        if self.baseline_column is not None and support:
            z = x[:, self.baseline_column]
            outside = (z < support[0]) | (z > support[1])
            p = np.where(outside, 1.0 / (1.0 + np.exp(-z)), p)
        return p

    # ------------------------------------------------------------ settings file
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kind": self.kind,
            "min_labels": self.min_labels,
            "min_per_class": self.min_per_class,
            "calibration": self.calibration,
            "baseline_column": self.baseline_column,
            "penalty": self.penalty,
            "max_correction": self.max_correction,
            "comparisons": [s.to_dict() for s in self.specs],
            "n_features": self.n_features,
            "params": self._params,
            "calibrator": self._calibrator,
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SupervisedMatcher:
        if data.get("format") != FORMAT or int(data.get("format_version", 0)) > FORMAT_VERSION:
            raise ModelError(f"not a {FORMAT} v{FORMAT_VERSION} settings file")
        out = cls(
            [ComparisonSpec.from_dict(c) for c in data["comparisons"]],
            kind=data["kind"],
            min_labels=int(data["min_labels"]),
            min_per_class=int(data["min_per_class"]),
            calibration=data["calibration"],
            metadata=data.get("metadata"),
            baseline_column=data.get("baseline_column"),
            penalty=float(data.get("penalty", 3.0)),
            max_correction=float(data.get("max_correction", 2.5)),
        )
        out.n_features = data.get("n_features")
        out._params = dict(data.get("params", {}))
        out._calibrator = dict(data.get("calibrator", {}))
        return out

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> SupervisedMatcher:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read supervised matcher {path}: {exc}") from exc
        return cls.from_dict(data)

    def correction(self, X: np.ndarray | ComparisonMatrix) -> np.ndarray:
        """The offset matcher's change to the baseline log-odds per pair, clipped to
        ±max_correction (0 outside the labelled baseline range, where EM stays in charge)."""
        if self.kind != "offset" or not self.fitted:
            raise ModelError("only a trained offset matcher has a correction")
        if self.baseline_column is None:
            raise ModelError("an offset matcher needs its baseline column")
        x = self._matrix(X, check=True)
        w = np.asarray(self._params["coef"], dtype=np.float64)
        c = np.clip(_without(x, self.baseline_column) @ w + float(self._params["intercept"]),
                    -self.max_correction, self.max_correction)
        lo, hi = self._params.get("support", [-np.inf, np.inf])
        z = x[:, self.baseline_column]
        return np.where((z < lo) | (z > hi), 0.0, c)

    # ------------------------------------------------------------ internals
    def _fit_offset(self, x: np.ndarray, y: np.ndarray, n_pos: int, n_neg: int) -> SupervisedMatcher:
        """Penalised logistic regression with the baseline log-odds as offset (L-BFGS); the
        intercept is penalised too, lightly, so a handful of labels cannot shift every pair."""
        from scipy.optimize import minimize

        assert self.baseline_column is not None
        z = x[:, self.baseline_column]
        a = _without(x, self.baseline_column)
        lam = self.penalty
        sign = 2.0 * y - 1.0

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            eta = z + a @ theta[1:] + theta[0]
            m = -sign * eta
            nll = float(np.logaddexp(0.0, m).sum())
            g = -sign / (1.0 + np.exp(-m))  # d nll / d eta
            grad = np.concatenate([[g.sum() + 0.1 * lam * theta[0]], a.T @ g + lam * theta[1:]])
            return nll + 0.5 * lam * float(theta[1:] @ theta[1:]) + 0.05 * lam * theta[0] ** 2, grad

        res = minimize(loss, np.zeros(a.shape[1] + 1), jac=True, method="L-BFGS-B")
        lo, hi = np.quantile(z, [0.01, 0.99])
        self._params = {
            "coef": res.x[1:].tolist(),
            "intercept": float(res.x[0]),
            "support": [float(lo), float(hi)],
        }
        self._calibrator = {"method": "none"}
        self.n_features = x.shape[1]
        self.metadata.update({"n_labels": len(y), "n_match": n_pos, "n_no_match": n_neg})
        return self

    def _estimator(self) -> Any:
        if self.kind == "logistic":
            return LogisticRegression(C=1.0, max_iter=2000)
        import lightgbm  # only when asked for: logistic needs no extra import

        return lightgbm.LGBMClassifier(
            n_estimators=200, learning_rate=0.05, num_leaves=15, n_jobs=1, verbose=-1
        )

    def _decision(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "logistic":
            return x @ np.asarray(self._params["coef"]) + float(self._params["intercept"])
        if self._booster is None:
            import lightgbm

            self._booster = lightgbm.Booster(model_str=self._params["model"])
        return np.asarray(self._booster.predict(x, raw_score=True), dtype=np.float64)

    def _matrix(self, X: np.ndarray | ComparisonMatrix, check: bool) -> np.ndarray:
        x = features(X) if isinstance(X, ComparisonMatrix) else np.asarray(X, dtype=np.float64)
        if x.ndim != 2:
            raise ModelError(f"features must be 2-D, got shape {x.shape}")
        if check and x.shape[1] != self.n_features:
            raise ModelError(f"expected {self.n_features} feature columns, got {x.shape[1]}")
        return x


def _without(x: np.ndarray, column: int) -> np.ndarray:
    return np.delete(x, column % x.shape[1], axis=1)


def _fit_calibrator(score: np.ndarray, y: np.ndarray, method: str) -> dict[str, Any]:
    if method == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(score, y)
        return {"method": "isotonic", "x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist()}
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(score.reshape(-1, 1), y)
    return {"method": "sigmoid", "a": float(platt.coef_[0, 0]), "b": float(platt.intercept_[0])}


def _apply_calibrator(cal: Mapping[str, Any], score: np.ndarray) -> np.ndarray:
    if cal["method"] == "isotonic":
        return np.interp(score, np.asarray(cal["x"]), np.asarray(cal["y"]))
    return 1.0 / (1.0 + np.exp(-(cal["a"] * score + cal["b"])))
