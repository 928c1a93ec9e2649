"""Yearly as-of snapshots: the cut graph, its features and (when the future is known) its labels.

A snapshot at s is built from `cut_tables(tables, s)` only; its labels read the records decided in
(s, s + horizon]. Training for a cutoff T uses snapshots whose label window ends on or before T, so
a model scored at T has never seen anything after T.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from gnn.config import RiskConfig
from graph.features import FeatureSet, build_features
from graph.features_cut import PUNITIVE, cut_tables, data_time_range, subject_records
from graph.features_cut import default_as_of as cut_default_as_of
from graph.tables import GraphTables
from ingest.errors import ModelError


@dataclass
class Snapshot:
    as_of: pd.Timestamp
    cut: GraphTables
    features: FeatureSet
    labels: np.ndarray | None  # 0/1 aligned with features.frame rows; None when the future is unknown

    @property
    def no_own_record(self) -> np.ndarray:
        """Subjects without any punitive record of their own before T (expired ones included)."""
        return self.features.frame["own_any_punitive_ever"].to_numpy() == 0

    @property
    def y(self) -> np.ndarray:
        """Labels as ints; only for snapshots built with a horizon (the future known)."""
        if self.labels is None:
            raise ModelError(f"snapshot {self.as_of.date()} has no labels")
        return self.labels.astype(int)

    @property
    def positives(self) -> int:
        return 0 if self.labels is None else int(self.labels.sum())


def future_labels(
    tables: GraphTables, fs: FeatureSet, as_of: pd.Timestamp, horizon_months: int
) -> np.ndarray:
    """1 where the subject receives a punitive record in (as_of, as_of + horizon], aligned with fs."""
    end = as_of + pd.DateOffset(months=horizon_months)
    recs = subject_records(tables)
    fut = recs[recs["kind"].isin(PUNITIVE) & (recs["decided_on"] > as_of) & (recs["decided_on"] <= end)]
    idx = fs.graph.index
    out = np.zeros(fs.graph.n, dtype=np.int8)
    for lab, key in zip(fut["subject_label"], fut["subject"], strict=True):
        i = idx.get((str(lab), str(key)))
        if i is not None:
            out[i] = 1
    return out


def make_snapshot(
    tables: GraphTables, as_of: date | pd.Timestamp, categories: list[str], horizon_months: int | None = None
) -> Snapshot:
    """Cut, featurise and (if horizon_months is given) label one snapshot."""
    t = pd.Timestamp(as_of).normalize()
    cut = cut_tables(tables, t)
    fs = build_features(cut, t, categories)
    labels = None if horizon_months is None else future_labels(tables, fs, t, horizon_months)
    return Snapshot(as_of=t, cut=cut, features=fs, labels=labels)


def plan_snapshots(
    tables: GraphTables, as_of: date | pd.Timestamp, config: RiskConfig
) -> tuple[list[pd.Timestamp], pd.Timestamp | None]:
    """Training snapshot dates (newest first) and the validation date for a model used at as_of.

    Validation is T - horizon (labels end at T); training snapshots step back from there. Dates
    before the first record or event in the data are dropped: they would have no history.
    """
    t = pd.Timestamp(as_of).normalize()
    first, _ = data_time_range(tables)
    step = pd.DateOffset(months=config.snapshot_step_months)
    val = t - pd.DateOffset(months=config.horizon_months)
    dates = [val - step * (k + 1) for k in range(config.n_train_snapshots)]
    if first is None:
        return [], None
    train = [d for d in dates if d > first]
    return train, (val if val > first else None)


def default_as_of(tables: GraphTables) -> pd.Timestamp:
    """graph.features_cut.default_as_of as a Timestamp (the one rule for run, train, score, retrain)."""
    return pd.Timestamp(cut_default_as_of(tables))
