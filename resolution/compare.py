"""Declarative comparators: a pair of values becomes a discrete agreement level plus a similarity.

A comparator is looked up by name in `COMPARATORS`, its options (thresholds) are declared beside
it in a `ComparisonSpec`, so a trained matcher is fully described by its saved settings. Levels
follow Splink's convention: -1 = null (a value is missing: neutral, weight 0), 0 = "else"
(disagreement), higher = closer agreement, the top level = exact. Missing or unparsable data never
raises; it gives the null level with a note. Comparators are vectorised over many pairs
(rapidfuzz `process.cpdist`), because blocking hands us hundreds of thousands of pairs at once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import distance, fuzz, process

from ingest.errors import ConfigError

NULL = -1
_WS = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Feature:
    """One comparison of one pair, explained: level, its label, raw similarity and a note."""

    name: str
    level: int
    label: str
    value: float
    note: str = ""


# ---------------------------------------------------------------- normalisation (None = missing)
def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def normalise_text(value: Any) -> str | None:
    """NFKC (full-width → half-width), case-fold, collapse spaces; None when empty."""
    if _is_missing(value):
        return None
    text = _WS.sub(" ", unicodedata.normalize("NFKC", str(value)).casefold()).strip()
    return text or None


def _date_parts(value: Any) -> tuple[int, int, int] | None:
    """(year, month, day) from 'YYYY-MM-DD', 'YYYYMMDD', 'YYYY/M/D', date or datetime64."""
    if _is_missing(value):
        return None
    text = str(value).strip()[:10] if not isinstance(value, str) else value.strip()
    parts = [p for p in re.split(r"[-/.\s年月日]+", unicodedata.normalize("NFKC", text)) if p]
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return int(parts[0]), int(parts[1]), int(parts[2])
    digits = _NON_DIGIT.sub("", unicodedata.normalize("NFKC", text))
    if len(digits) == 8:
        return int(digits[:4]), int(digits[4:6]), int(digits[6:])
    return None


def _number(value: Any) -> float | None:
    if _is_missing(value):
        return None
    try:
        number = float(unicodedata.normalize("NFKC", str(value)).replace(",", ""))
    except ValueError:
        return None
    return None if math.isnan(number) else number


# ---------------------------------------------------------------- the registry
Kernel = Callable[[np.ndarray, np.ndarray, Mapping[str, Any]], tuple[np.ndarray, np.ndarray]]
LabelFn = Callable[[Mapping[str, Any]], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Comparator:
    """A named comparator: how to normalise values, the vectorised kernel, its level labels."""

    name: str
    normalise: Callable[[Any], Any]
    kernel: Kernel
    labels: LabelFn
    defaults: Mapping[str, Any] = field(default_factory=dict)
    # optional: record-level re-encoding after normalisation (dates carry their day number)
    encode: Callable[[np.ndarray], np.ndarray] | None = None
    # optional: levels for every (distinct left, distinct right) value at once (rapidfuzz cdist)
    matrix: Callable[[np.ndarray, np.ndarray, Mapping[str, Any]], np.ndarray] | None = None


COMPARATORS: dict[str, Comparator] = {}


def register(comparator: Comparator) -> Comparator:
    """Add a comparator to the registry (other modules may register their own, e.g. masked IDs)."""
    COMPARATORS[comparator.name] = comparator
    return comparator


def _ladder(values: np.ndarray, exact: np.ndarray, thresholds: Sequence[float], higher: bool) -> np.ndarray:
    """Level = number of thresholds met; exact agreement sits one above them all."""
    # similarities meet a threshold within float32 rounding, on every code path alike
    met = [(values >= t - 1e-6) if higher else (values <= t) for t in thresholds]
    levels = np.sum(met, axis=0).astype(np.int8) if met else np.zeros(len(values), np.int8)
    levels[exact] = len(thresholds) + 1
    return levels


def _string_kernel(scorer: Any, higher: bool, scale: float = 1.0) -> Kernel:
    def kernel(left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        workers = int(opts.get("workers", 1))
        raw = process.cpdist(left, right, scorer=scorer, workers=workers).astype(np.float64) / scale
        levels = _ladder(raw, left == right, opts["thresholds"], higher)
        if higher:
            return levels, raw
        # edit distance → similarity in [0, 1], as rapidfuzz's normalized_similarity does
        longest = np.maximum(_lengths(left), _lengths(right))
        return levels, 1.0 - raw / np.maximum(longest, 1)

    return kernel


def _string_matrix(scorer: Any, higher: bool, scale: float = 1.0) -> Callable[..., np.ndarray]:
    """Levels below 'exact' for all distinct-value pairs; the caller marks exact agreement."""

    def matrix(left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]) -> np.ndarray:
        thresholds = opts["thresholds"]
        if higher:
            raw = process.cdist(
                left, right, scorer=scorer, dtype=np.float32, workers=int(opts.get("workers", 1))
            )
            return _ladder_matrix(raw / scale, thresholds, higher)
        cut = int(max(thresholds)) if thresholds else 0
        raw = process.cdist(
            left, right, scorer=scorer, dtype=np.int32, score_cutoff=cut, workers=int(opts.get("workers", 1))
        )
        return _ladder_matrix(raw, thresholds, higher)

    return matrix


def _ladder_matrix(raw: np.ndarray, thresholds: Sequence[float], higher: bool) -> np.ndarray:
    levels = np.zeros(raw.shape, dtype=np.int8)
    for t in thresholds:
        levels += (raw.astype(np.float64) >= t - 1e-6) if higher else (raw <= t)
    return levels


def _lengths(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, values), dtype=np.float64, count=len(values))


def _sim_labels(metric: str) -> LabelFn:
    def labels(opts: Mapping[str, Any]) -> tuple[str, ...]:
        return ("else", *(f"{metric} >= {t}" for t in opts["thresholds"]), "exact")

    return labels


def _dist_labels(metric: str) -> LabelFn:
    def labels(opts: Mapping[str, Any]) -> tuple[str, ...]:
        return ("else", *(f"{metric} <= {t}" for t in opts["thresholds"]), "exact")

    return labels


def _exact_kernel(
    left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    same = left == right
    return same.astype(np.int8), same.astype(np.float64)


def _date_levels(
    left: np.ndarray, right: np.ndarray, within: Sequence[int], want_similarity: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """Levels and similarity for broadcastable (..., 4) arrays of (year, month, day, day number)."""
    same = [left[..., i] == right[..., i] for i in range(3)]
    same_fields = same[0].astype(np.int8) + same[1] + same[2]
    transposed = (
        same[0] & (left[..., 1] == right[..., 2]) & (left[..., 2] == right[..., 1]) & (same_fields < 3)
    )
    no_day = _NO_DAY32 if left.dtype == np.int32 else _NO_DAY
    invalid = (left[..., 3] == no_day) | (right[..., 3] == no_day)
    days = np.abs(left[..., 3].astype(np.int64) - right[..., 3])
    levels = np.zeros(days.shape, dtype=np.int8)
    for d in within:  # widest first, so a closer date climbs one more level
        levels += (days <= d) & ~invalid
    n = len(within)
    levels[same_fields == 2] = n + 1
    levels[transposed] = n + 2
    levels[same_fields == 3] = n + 3
    if not want_similarity:
        return levels, None
    horizon = float(max(within)) if within else 365.0
    sim = np.where(invalid, same_fields / 3.0, 1.0 - np.minimum(days, horizon) / horizon)
    return levels, sim


def _date_kernel(
    left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    lp = np.asarray(left, dtype=np.int64).reshape(len(left), -1)
    rp = np.asarray(right, dtype=np.int64).reshape(len(right), -1)
    lp, rp = (_encode_date(lp), _encode_date(rp)) if lp.shape[1] == 3 else (lp, rp)
    levels, sim = _date_levels(lp, rp, sorted(opts["within_days"], reverse=True))
    assert sim is not None
    return levels, sim


def _date_matrix(left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]) -> np.ndarray:
    within = sorted(opts["within_days"], reverse=True)
    lt, rt = _narrow(left), _narrow(right)
    return _date_levels(lt[:, None, :], rt[None, :, :], within, want_similarity=False)[0]


def _narrow(parts: np.ndarray) -> np.ndarray:
    """int32 copy (half the memory traffic over a value grid); _NO_DAY maps to int32's minimum."""
    out = np.clip(parts, np.iinfo(np.int32).min + 1, np.iinfo(np.int32).max).astype(np.int32)
    out[parts[:, 3] == _NO_DAY, 3] = _NO_DAY32
    return out


_NO_DAY = np.iinfo(np.int64).min
_NO_DAY32 = np.iinfo(np.int32).min


def _encode_date(parts: np.ndarray) -> np.ndarray:
    """(year, month, day) → (year, month, day, day number); impossible dates get _NO_DAY."""
    ordinal = _ordinal(parts[:, :3])
    day = np.where(np.isnan(ordinal), _NO_DAY, np.nan_to_num(ordinal)).astype(np.int64)
    return np.column_stack([parts[:, :3], day])


def _ordinal(parts: np.ndarray) -> np.ndarray:
    """Days since epoch; NaN for impossible dates such as 1956-13-40 (they still compare by fields)."""
    y, m, d = parts[:, 0], parts[:, 1], parts[:, 2]
    months = ((y - 1970) * 12 + np.clip(m, 1, 12) - 1).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    valid = (m >= 1) & (m <= 12) & (d >= 1) & (d <= length)
    out = (first.astype(np.int64) + d - 1).astype(np.float64)
    out[~valid] = np.nan
    return out


def _date_labels(opts: Mapping[str, Any]) -> tuple[str, ...]:
    within = sorted(opts["within_days"], reverse=True)
    return (
        "else",
        *(f"within {d} days" for d in within),
        "one field differs",
        "day-month transposed",
        "exact",
    )


def _numeric_kernel(
    left: np.ndarray, right: np.ndarray, opts: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    lv, rv = left.astype(np.float64), right.astype(np.float64)
    diff = np.abs(lv - rv)
    if opts.get("relative"):
        diff = diff / np.maximum(np.maximum(np.abs(lv), np.abs(rv)), 1e-12)
    thresholds = sorted(opts["thresholds"], reverse=True)
    return _ladder(diff, lv == rv, thresholds, higher=False), 1.0 / (1.0 + diff)


def _numeric_labels(opts: Mapping[str, Any]) -> tuple[str, ...]:
    unit = "relative difference" if opts.get("relative") else "difference"
    return ("else", *(f"{unit} <= {t}" for t in sorted(opts["thresholds"], reverse=True)), "exact")


register(Comparator("exact", normalise_text, _exact_kernel, lambda o: ("else", "exact")))
register(
    Comparator(
        "jaro_winkler",
        normalise_text,
        _string_kernel(distance.JaroWinkler.normalized_similarity, True),
        _sim_labels("jaro_winkler"),
        {"thresholds": (0.88, 0.92)},
        matrix=_string_matrix(distance.JaroWinkler.normalized_similarity, True),
    )
)
register(
    Comparator(
        "levenshtein",
        normalise_text,
        _string_kernel(distance.Levenshtein.distance, False),
        _dist_labels("levenshtein"),
        {"thresholds": (2, 1)},
        matrix=_string_matrix(distance.Levenshtein.distance, False),
    )
)
register(
    Comparator(
        "damerau",
        normalise_text,
        _string_kernel(distance.DamerauLevenshtein.distance, False),
        _dist_labels("damerau"),
        {"thresholds": (2, 1)},
        matrix=_string_matrix(distance.DamerauLevenshtein.distance, False),
    )
)
register(
    Comparator(
        "osa",  # restricted Damerau-Levenshtein (optimal string alignment): bit-parallel, ~5x faster
        normalise_text,
        _string_kernel(distance.OSA.distance, False),
        _dist_labels("osa"),
        {"thresholds": (2, 1)},
        matrix=_string_matrix(distance.OSA.distance, False),
    )
)
register(
    Comparator(
        "token_set",
        normalise_text,
        _string_kernel(fuzz.token_set_ratio, True, 100.0),
        _sim_labels("token_set"),
        {"thresholds": (0.7, 0.9)},
        matrix=_string_matrix(fuzz.token_set_ratio, True, 100.0),
    )
)
register(
    Comparator(
        "date",
        _date_parts,
        _date_kernel,
        _date_labels,
        {"within_days": (30, 365)},
        encode=_encode_date,
        matrix=_date_matrix,
    )
)
register(
    Comparator(
        "numeric", _number, _numeric_kernel, _numeric_labels, {"thresholds": (1.0,), "relative": False}
    )
)


# ---------------------------------------------------------------- declared comparisons
@dataclass(frozen=True)
class ComparisonSpec:
    """One declared comparison: which column(s), which comparator, its options and level labels.

    `column` may name several columns, joined with a space (given name + surname). `levels` is
    derived from the comparator and options; a saved spec whose labels disagree is refused.
    `tf_adjust` asks the model to weigh exact agreement by how common the value is (homonyms).
    """

    name: str
    column: str | tuple[str, ...]
    comparator: str
    options: Mapping[str, Any] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    right_column: str | tuple[str, ...] | None = None
    tf_adjust: bool = False

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ConfigError(f"comparison {self.name!r}: unknown comparator {self.comparator!r}")
        merged = {**COMPARATORS[self.comparator].defaults, **self.options}
        merged = {k: tuple(v) if isinstance(v, list) else v for k, v in merged.items()}
        labels = COMPARATORS[self.comparator].labels(merged)
        if self.levels and tuple(self.levels) != labels:
            raise ConfigError(f"comparison {self.name!r}: levels {self.levels} do not match {labels}")
        object.__setattr__(self, "options", merged)
        object.__setattr__(self, "levels", labels)
        if isinstance(self.column, list):
            object.__setattr__(self, "column", tuple(self.column))
        if isinstance(self.right_column, list):
            object.__setattr__(self, "right_column", tuple(self.right_column))

    @property
    def n_levels(self) -> int:
        return len(self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "column": list(self.column) if isinstance(self.column, tuple) else self.column,
            "right_column": list(self.right_column)
            if isinstance(self.right_column, tuple)
            else self.right_column,
            "comparator": self.comparator,
            "options": {k: list(v) if isinstance(v, tuple) else v for k, v in self.options.items()},
            "levels": list(self.levels),
            "tf_adjust": self.tf_adjust,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComparisonSpec:
        return cls(
            name=data["name"],
            column=data["column"],
            comparator=data["comparator"],
            options=dict(data.get("options", {})),
            levels=tuple(data.get("levels", ())),
            right_column=data.get("right_column"),
            tf_adjust=bool(data.get("tf_adjust", False)),
        )


@dataclass(frozen=True)
class ComparisonMatrix:
    """Levels (n_pairs x n_comparisons, int8, -1 = null) and raw similarities (NaN = null)."""

    specs: tuple[ComparisonSpec, ...]
    gamma: np.ndarray
    similarity: np.ndarray
    tf_keys: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.gamma.shape[0])

    def features(self, i: int) -> list[Feature]:
        """The explained comparisons of pair i."""
        return [
            Feature(
                s.name,
                int(self.gamma[i, k]),
                _label(s, int(self.gamma[i, k])),
                float(self.similarity[i, k]),
                "missing or unparsable value: neutral" if self.gamma[i, k] == NULL else "",
            )
            for k, s in enumerate(self.specs)
        ]


def _label(spec: ComparisonSpec, level: int) -> str:
    return "null" if level == NULL else spec.levels[level]


def _column(table: Any, column: str | tuple[str, ...]) -> list[Any]:
    if isinstance(column, str):
        return list(table[column])
    parts = [list(table[c]) for c in column]
    return [" ".join(str(v) for v in row if not _is_missing(v)) for row in zip(*parts, strict=True)]


@dataclass(frozen=True, slots=True)
class PreparedColumn:
    """One side's values for one comparison, normalised once per record (placeholder where missing)."""

    values: np.ndarray
    missing: np.ndarray
    keys: np.ndarray | None  # normalised text per record, for term-frequency lookups


def prepare(spec: ComparisonSpec, table: Any, right: bool = False) -> PreparedColumn:
    """Normalise one side's column(s) for `spec`; each distinct raw value is normalised once."""
    column = (spec.right_column or spec.column) if right else spec.column
    norm = COMPARATORS[spec.comparator].normalise
    memo: dict[Any, Any] = {}
    normed = []
    for v in _column(table, column):
        try:
            normed.append(memo[v] if v in memo else memo.setdefault(v, norm(v)))
        except TypeError:  # unhashable raw value
            normed.append(norm(v))
    missing = np.fromiter((v is None for v in normed), bool, len(normed))
    present = next((v for v in normed if v is not None), None)
    arr: np.ndarray
    if isinstance(present, tuple):
        arr = np.array([(0, 0, 0) if v is None else v for v in normed], dtype=np.int64).reshape(-1, 3)
    elif isinstance(present, float):
        arr = np.array([np.nan if v is None else v for v in normed], dtype=np.float64)
    else:
        arr = np.empty(len(normed), dtype=object)
        arr[:] = ["" if v is None else v for v in normed]
    encode = COMPARATORS[spec.comparator].encode
    if encode is not None and present is not None:
        arr = encode(arr)
    keys = None
    if spec.tf_adjust:
        keys = np.empty(len(normed), dtype=object)
        keys[:] = [None if v is None else str(v) for v in normed]
    return PreparedColumn(arr, missing, keys)


def compare_prepared(
    spec: ComparisonSpec,
    left: PreparedColumn,
    right: PreparedColumn,
    left_idx: np.ndarray,
    right_idx: np.ndarray,
    workers: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Levels (int8, -1 = null) and similarities (NaN = null) for the pairs (left_idx[i], right_idx[i])."""
    ok = ~left.missing[left_idx] & ~right.missing[right_idx]
    levels = np.full(len(left_idx), NULL, dtype=np.int8)
    sim = np.full(len(left_idx), np.nan)
    idx = np.flatnonzero(ok)
    if len(idx):
        opts = {**spec.options, "workers": workers}
        lv, sv = COMPARATORS[spec.comparator].kernel(
            left.values[left_idx[idx]], right.values[right_idx[idx]], opts
        )
        levels[idx], sim[idx] = lv, sv
    return levels, sim


def compare_columns(
    specs: Sequence[ComparisonSpec],
    left: Any,
    right: Any,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    workers: int = 1,
) -> ComparisonMatrix:
    """Compute the level matrix gamma for many pairs.

    `left` / `right` are column mappings (a DataFrame or dict of sequences). Without `pairs` they
    are already pair-aligned. With `pairs=(left_idx, right_idx)` they are record tables: each
    record is normalised once and gathered per pair, which is much cheaper when records repeat.
    `workers` is handed to rapidfuzz (-1 = all cores).
    """
    specs = tuple(specs)
    columns, sims = [], []
    tf_keys: dict[str, np.ndarray] = {}
    for spec in specs:
        lp, rp = prepare(spec, left), prepare(spec, right, right=True)
        li = np.arange(len(lp.missing)) if pairs is None else np.asarray(pairs[0], dtype=np.int64)
        ri = np.arange(len(rp.missing)) if pairs is None else np.asarray(pairs[1], dtype=np.int64)
        levels, sim = compare_prepared(spec, lp, rp, li, ri, workers)
        columns.append(levels)
        sims.append(sim)
        if lp.keys is not None:
            tf_keys[spec.name] = lp.keys[li]
    n = len(columns[0]) if columns else 0
    gamma = np.stack(columns, axis=1) if columns else np.zeros((n, 0), np.int8)
    similarity = np.stack(sims, axis=1).astype(np.float32) if sims else np.zeros((n, 0), np.float32)
    return ComparisonMatrix(specs, gamma, similarity, tf_keys)


def compare_pair(spec: ComparisonSpec, left: Any, right: Any) -> Feature:
    """House-style single comparison `(left, right, config) -> Feature`; missing gives the null level."""
    col = spec.right_column or spec.column
    names = (col,) if isinstance(col, str) else col
    lp = prepare(spec, {c: [v] for c, v in zip(names, _as_tuple(left, len(names)), strict=True)}, right=True)
    rp = prepare(spec, {c: [v] for c, v in zip(names, _as_tuple(right, len(names)), strict=True)}, right=True)
    zero = np.zeros(1, dtype=np.int64)
    levels, sim = compare_prepared(spec, lp, rp, zero, zero)
    level = int(levels[0])
    if level == NULL:
        lm, rm = lp.missing[0], rp.missing[0]
        side = "both" if lm and rm else ("left" if lm else "right")
        return Feature(spec.name, NULL, "null", float("nan"), f"{side} value missing or unparsable: neutral")
    return Feature(spec.name, level, spec.levels[level], float(sim[0]))


def _as_tuple(value: Any, n: int) -> tuple[Any, ...]:
    """A single value for a one-column spec, or a tuple of values for a multi-column spec."""
    return (value,) if n == 1 else tuple(value)


# ---------------------------------------------------------------- u over every pair, exactly
def _distinct(col: PreparedColumn) -> tuple[np.ndarray, np.ndarray]:
    """Distinct present values and how many records carry each."""
    present = col.values[~col.missing]
    if present.ndim == 2:
        uniq, counts = np.unique(present, axis=0, return_counts=True)
        return uniq, counts.astype(np.float64)
    codes, uniq = pd.factorize(present)
    return np.asarray(uniq, dtype=present.dtype), np.bincount(codes, minlength=len(uniq)).astype(np.float64)


def _joint_codes(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    both = np.concatenate([left, right])
    if both.ndim == 2:
        _, codes = np.unique(both, axis=0, return_inverse=True)
    else:
        codes, _ = pd.factorize(both)
    codes = np.asarray(codes).ravel()
    return codes[: len(left)], codes[len(left) :]


def distinct_pairs(left: PreparedColumn, right: PreparedColumn) -> int:
    """How many distinct-value pairs `level_counts_all_pairs` would compare."""
    return len(_distinct(left)[0]) * len(_distinct(right)[0])


def level_counts_all_pairs(
    spec: ComparisonSpec,
    left: PreparedColumn,
    right: PreparedColumn,
    dedupe: bool = False,
    workers: int = 1,
    block_cells: int = 4_000_000,
) -> np.ndarray:
    """Level counts over every (left record, right record) pair with both values present.

    Computed over distinct values weighted by their record counts, so u needs no sampling when
    a column has few distinct values. `dedupe` (right is left) drops each record's pair with itself.
    """
    comp = COMPARATORS[spec.comparator]
    opts = {**spec.options, "workers": workers}
    lu, lc = _distinct(left)
    ru, rc = _distinct(right)
    jl, jr = _joint_codes(lu, ru)
    counts = np.zeros(spec.n_levels)
    rows = max(1, block_cells // max(len(ru), 1))
    for a in range(0, len(lu), rows):
        b = min(a + rows, len(lu))
        if comp.matrix is not None:
            levels = comp.matrix(lu[a:b], ru, opts)
            levels[jl[a:b, None] == jr[None, :]] = spec.n_levels - 1
        else:
            li, ri = np.repeat(np.arange(a, b), len(ru)), np.tile(np.arange(len(ru)), b - a)
            levels = comp.kernel(lu[li], ru[ri], opts)[0].reshape(b - a, len(ru))
        weights = lc[a:b, None] * rc[None, :]
        counts += np.bincount(levels.ravel(), weights=weights.ravel(), minlength=spec.n_levels)
    if dedupe:
        self_levels = comp.kernel(lu, lu, opts)[0]
        counts -= np.bincount(self_levels, weights=lc, minlength=spec.n_levels)
    return np.maximum(counts, 0.0)
