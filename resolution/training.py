"""Retraining from steward decisions: labelled pairs → supervised matcher → held-out comparison.

Stewards' verdicts (match / no match; 'unsure' is left out) are the labels. Each labelled pair is
re-compared with today's registry to get its levels, a quarter of the labels (chosen by a hash of
the pair, so the split is stable across runs) is held out, and the supervised matcher is trained
on the rest when there are enough labels (its `min_labels` guard). The held-out log loss of the
new matcher and of the current one decide whether the new one is better; only then should the
caller promote the written model directory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.errors import ModelError
from ingest.records import Dataset
from resolution.compare import ComparisonMatrix
from resolution.decisions import PairKey, StewardDecisions, Verdict
from resolution.features import build_pairs, firm_row, person_row
from resolution.fs_model import FellegiSunterModel
from resolution.mentions import extract
from resolution.resolver import Resolver, ResolverConfig
from resolution.supervised import SupervisedMatcher


@dataclass(slots=True)
class RetrainResult:
    n_labels: int
    trained: dict[str, bool] = field(default_factory=dict)
    held_out: dict[str, dict[str, float]] = field(default_factory=dict)
    better: bool = False
    out_dir: Path | None = None
    message: str = ""


def supervised_features(model: FellegiSunterModel, gamma: np.ndarray) -> ComparisonMatrix:
    """The FS comparison levels as a ComparisonMatrix, which the supervised matcher one-hots."""
    g = np.asarray(gamma, dtype=np.int8)
    return ComparisonMatrix(model.specs, g, np.zeros((len(g), 0), np.float32), {})


def labelled_rows(
    resolver: Resolver, ds: Dataset, decisions: StewardDecisions
) -> dict[str, tuple[np.ndarray, np.ndarray, list[PairKey]]]:
    """Comparison levels and labels of every decided pair, per entity type."""
    events = {e.event_id: e for e in ds.events}
    credits = {r.record_id: r for r in ds.credit_records}
    out: dict[str, tuple[list[list[int]], list[int], list[PairKey]]] = {
        "firm": ([], [], []),
        "person": ([], [], []),
    }
    gz = resolver.gz
    for key, rec in decisions.latest.items():
        if rec.verdict is Verdict.UNSURE:
            continue
        source, record_id, etype, eid = key
        if source == "events" and record_id in events:
            ctx = resolver.event_context(events[record_id])
        elif source == "credit_records" and record_id in credits:
            ctx = resolver.credit_context(credits[record_id])
        else:
            continue
        idx = (gz.firm_index if etype == "firm" else gz.person_index).get(eid)
        if idx is None:
            continue
        m = extract(ctx.text, gz, ctx.location)
        pr = build_pairs(ctx, m, gz)
        if etype == "firm":
            row = (
                pr.firm_rows[pr.firm_idx.index(idx)]
                if idx in pr.firm_idx
                else firm_row(ctx, m, gz, idx, bool(m.persons) or bool(m.surname_forms))
            )
        else:
            anchors = {fi for fi, r in zip(pr.firm_idx, pr.firm_rows, strict=True) if r[0] >= 5 or r[2] == 2}
            row = (
                pr.person_rows[pr.person_idx.index(idx)]
                if idx in pr.person_idx
                else person_row(ctx, m, gz, idx, anchors)
            )
        rows, labels, keys = out[etype]
        rows.append(row)
        labels.append(1 if rec.verdict is Verdict.MATCH else 0)
        keys.append(key)
    return {
        k: (
            np.asarray(r, dtype=np.int8).reshape(len(r), len(resolver.models[k].specs)),
            np.asarray(y, dtype=np.int64),
            ks,
        )
        for k, (r, y, ks) in out.items()
    }


def _held_out(key: PairKey) -> bool:
    return int(hashlib.sha1("|".join(key).encode()).hexdigest(), 16) % 4 == 0


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def retrain_matcher(
    ds: Dataset,
    queue,
    current_model_path: str | Path | None,
    out_dir: str | Path,  # noqa: ANN001
    min_labels: int = 50,
) -> RetrainResult:
    """Train the supervised matcher from the queue's decisions and compare it on held-out labels.

    Also accepts `(data_dir, settings)`, the form `credgraph retrain` calls: the dataset is read
    from data_dir and queue, current model and output directory come from the settings.
    """
    if isinstance(ds, str | Path):
        return retrain_from_settings(Path(ds), queue)
    decisions = queue.steward_decisions()
    cur = Path(current_model_path) if current_model_path else None
    if cur is not None and (cur / "resolver.json").exists():
        resolver = Resolver.load(cur, ds, decisions)
    else:
        resolver = Resolver.from_dataset(ds, ResolverConfig(), decisions)
    data = labelled_rows(resolver, ds, decisions)
    result = RetrainResult(n_labels=sum(len(v[1]) for v in data.values()))
    new_sup: dict[str, SupervisedMatcher] = {}
    wins = []
    for etype, (gamma, y, keys) in data.items():
        hold = np.array([_held_out(k) for k in keys], dtype=bool)
        model = resolver.models[etype]
        sup = SupervisedMatcher(
            model.specs,
            min_labels=min_labels,
            metadata={"entity_type": etype, "trained_on": "steward decisions"},
        )
        try:
            sup.fit(supervised_features(model, gamma[~hold]), y[~hold])
        except ModelError as exc:
            result.trained[etype] = False
            result.message += f"{etype}: {exc}\n"
            continue
        result.trained[etype] = True
        new_sup[etype] = sup
        if hold.sum() and len(set(y[hold].tolist())) == 2:
            p_new = sup.predict_proba(supervised_features(model, gamma[hold]))
            p_old = resolver.probabilities(etype, gamma[hold])
            ll_new, ll_old = _log_loss(p_new, y[hold]), _log_loss(p_old, y[hold])
            result.held_out[etype] = {
                "n": int(hold.sum()),
                "log_loss_new": ll_new,
                "log_loss_current": ll_old,
            }
            wins.append(ll_new < ll_old)
            result.message += f"{etype}: held-out log loss {ll_new:.4f} (new) vs {ll_old:.4f} (current)\n"
    if new_sup:
        trained = Resolver(
            resolver.gz,
            resolver.config,
            resolver.models["firm"],
            resolver.models["person"],
            decisions,
            {**resolver.supervised, **new_sup},
        )
        result.out_dir = trained.save(out_dir)
        result.better = bool(wins) and all(wins)
        result.message += (
            f"written to {result.out_dir}; {'better' if result.better else 'not better'} than current"
        )
    else:
        result.message += "no supervised matcher trained; the Fellegi–Sunter model stays"
    return result


def retrain_from_settings(data_dir: Path, settings) -> RetrainResult:  # noqa: ANN001 - api.Settings
    """`retrain_matcher` with everything taken from the settings (review DB URL, model_dir)."""
    from ingest.dataset import read_dataset
    from resolution.review_queue import ReviewQueue

    ds = read_dataset(data_dir, progress=False)
    queue = ReviewQueue(settings.review_db_url)
    return retrain_matcher(
        ds, queue, settings.model_dir / "resolver", settings.model_dir / "resolver-candidate"
    )
