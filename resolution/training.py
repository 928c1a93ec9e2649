"""Retraining from steward verdicts: EM + supervised matcher → cross-validated comparison → registry.

Stewards' verdicts (match / no match; 'unsure' is left out) are the labels. Each labelled pair is
re-compared with today's registry to get its levels. The candidate is a fresh EM fit on the data
plus, when there are enough labels (the supervised matcher's `min_labels` guard), a supervised
matcher per entity type over the levels and the EM match weight. Candidate and incumbent (the
promoted matcher, else the unsupervised fit) are compared on the verdicts the incumbent was not
trained on, the candidate's predictions for them coming from cross-validation folds that left them
out; the candidate is saved as a new registry version either way and promoted only when its log
loss is lower (and its precision at the auto threshold not lower).
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
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver, ResolverConfig
from resolution.supervised import SupervisedMatcher, features


@dataclass(slots=True)
class RetrainResult:
    n_labels: int
    trained: dict[str, bool] = field(default_factory=dict)
    held_out: dict[str, dict[str, float]] = field(default_factory=dict)
    better: bool = False
    out_dir: Path | None = None
    message: str = ""


def supervised_features(model: FellegiSunterModel, gamma: np.ndarray) -> np.ndarray:
    """The supervised matcher's features: the FS comparison levels one-hot plus the EM model's
    log-odds. Labels come mostly from the uncertain band, so the log-odds column lets the matcher
    learn a correction there, and pairs whose EM log-odds lie outside the labelled range keep EM's
    probability (the matcher's `baseline_column`)."""
    g = np.asarray(gamma, dtype=np.int8)
    cm = ComparisonMatrix(model.specs, g, np.zeros((len(g), 0), np.float32), {})
    p = np.clip(model.probability(g), 1e-6, 1 - 1e-6) if len(g) else np.zeros(0)
    return features(cm, (np.log(p) - np.log1p(-p)).reshape(-1, 1))


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


def _fold(key: PairKey, k: int) -> int:
    """A pair's cross-validation fold, from a hash of the pair (stable across runs)."""
    return int(hashlib.sha1("|".join(key).encode()).hexdigest(), 16) % k


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _scores(p: np.ndarray, y: np.ndarray, auto: float) -> dict[str, float]:
    """Log loss, Brier score and precision / recall of 'p ≥ auto threshold' on labelled pairs."""
    pred = p >= auto
    tp = int((pred & (y == 1)).sum())
    return {
        "n": int(len(y)),
        "log_loss": round(_log_loss(p, y), 5),
        "brier": round(float(np.mean((p - y) ** 2)), 5),
        "precision": round(tp / int(pred.sum()), 5) if pred.sum() else 1.0,
        "recall": round(tp / int((y == 1).sum()), 5) if (y == 1).sum() else 1.0,
    }


@dataclass(slots=True)
class MatcherRetrain:
    """What `credgraph retrain --matcher` did, for the report and the job record."""

    n_labels: int
    n_eval: int = 0
    incumbent: str = ""
    candidate: str | None = None  # the registry version saved
    promoted: bool = False
    reason: str = ""
    trained: dict[str, bool] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    resolver: Resolver | None = None  # the candidate matcher (in use only when promoted)

    def report(self) -> str:
        lines = [
            "# Matcher retrain",
            "",
            f"- labels (match / no match verdicts): {self.n_labels}",
            f"- incumbent: {self.incumbent}",
            f"- candidate: {self.candidate or 'not saved'}",
            f"- evaluated on {self.n_eval} verdicts the incumbent was not trained on "
            "(candidate: out-of-fold predictions)",
            f"- supervised matcher trained: {self.trained}",
            f"- decision: {'promoted' if self.promoted else 'refused'} ({self.reason})",
            "",
            "| model | n | log loss | Brier | precision@auto | recall@auto |",
            "|---|---|---|---|---|---|",
        ]
        for name, m in self.metrics.items():
            lines.append(
                f"| {name} | {m['n']} | {m['log_loss']:.4f} | {m['brier']:.4f} | "
                f"{m['precision']:.4f} | {m['recall']:.4f} |"
            )
        return "\n".join(lines) + "\n"


def _train_supervised(
    model: FellegiSunterModel, gamma: np.ndarray, y: np.ndarray, etype: str, min_labels: int
) -> SupervisedMatcher:
    sup = SupervisedMatcher(
        model.specs,
        min_labels=min_labels,
        calibration="sigmoid",  # labels cover the uncertain band: a monotone map extrapolates, isotonic clips
        metadata={"entity_type": etype, "trained_on": "steward verdicts"},
        baseline_column=-1,  # the EM log-odds (supervised_features' last column)
    )
    return sup.fit(supervised_features(model, gamma), y)


def candidate_matcher(
    ds: Dataset,
    decisions: StewardDecisions,
    config: ResolverConfig | None = None,
    min_labels: int = 50,
    folds: int = 5,
    em: Resolver | None = None,
) -> tuple[Resolver, dict[str, tuple[np.ndarray, list[PairKey]]], dict[str, bool]]:
    """A fresh EM fit on `ds` plus a supervised matcher per entity type trained on every verdict.

    Also returns each labelled pair's out-of-fold probability (from a matcher trained on the other
    folds; the EM probability where too few labels) and which entity types got a supervised matcher.
    `em`: an unsupervised fit on this very `ds` already made (EM is seeded: a refit is the same)."""
    from resolution.pipeline import fit_resolver, record_contexts

    if em is not None:
        cand = Resolver(em.gz, em.config, em.models["firm"], em.models["person"], decisions)
    else:
        cand = Resolver.from_dataset(ds, config or ResolverConfig(), decisions)
        if cand.config.fit_em:
            fit_resolver(cand, record_contexts(cand, ds))
    data = labelled_rows(cand, ds, decisions)
    oof: dict[str, tuple[np.ndarray, list[PairKey]]] = {}
    trained: dict[str, bool] = {}
    for etype, (gamma, y, keys) in data.items():
        model = cand.models[etype]
        p = model.probability(gamma) if len(gamma) else np.zeros(0)
        try:
            cand.supervised[etype] = _train_supervised(model, gamma, y, etype, min_labels)
            trained[etype] = True
        except ModelError:
            trained[etype] = False
            oof[etype] = (p, keys)
            continue
        fold = np.array([_fold(k, folds) for k in keys])
        p = p.copy()
        for f in range(folds):
            test = fold == f
            if not test.any():
                continue
            try:
                sup = _train_supervised(model, gamma[~test], y[~test], etype, min(min_labels, 20))
                p[test] = sup.predict_proba(supervised_features(model, gamma[test]))
            except ModelError:
                pass  # this fold's training part is too small: its pairs keep the EM probability
        oof[etype] = (p, keys)
    cand._explained.clear()
    return cand, oof, trained


def retrain_to_registry(
    ds: Dataset,
    decisions: StewardDecisions,
    registry: MatcherRegistry,
    config: ResolverConfig | None = None,
    min_labels: int = 50,
    min_eval: int = 20,
    em: Resolver | None = None,
) -> MatcherRetrain:
    """Fit a candidate on every verdict, compare it with the incumbent on verdicts the incumbent
    was not trained on, save it as a new version and promote it only if it is better."""
    from resolution.pipeline import active_resolver

    inc_name = registry.current()
    if inc_name is None and em is not None:
        incumbent, inc_origin = em, "unsupervised fit on this data"
    else:
        incumbent, inc_origin = active_resolver(ds, config, decisions, registry.root)
    inc_labels = registry.labels(inc_name) if inc_name else set()
    cand, oof, trained = candidate_matcher(ds, decisions, config, min_labels, em=em)
    labels = labelled_rows(incumbent, ds, decisions)
    auto = cand.config.auto_threshold
    p_new, p_old, ys = [], [], []
    for etype, (gamma, y, keys) in labels.items():
        fresh = np.array([k not in inc_labels for k in keys], dtype=bool)
        if not fresh.any():
            continue
        p_new.append(oof[etype][0][fresh])
        p_old.append(incumbent.probabilities(etype, gamma[fresh]))
        ys.append(y[fresh])
    used = [r for k, r in decisions.latest.items() if r.verdict is not Verdict.UNSURE]
    out = MatcherRetrain(n_labels=sum(len(v[1]) for v in labels.values()), incumbent=inc_name or inc_origin)
    out.trained = trained
    y_all = np.concatenate(ys) if ys else np.zeros(0, dtype=np.int64)
    out.n_eval = int(len(y_all))
    if out.n_eval:
        out.metrics["candidate"] = _scores(np.concatenate(p_new), y_all, auto)
        out.metrics["incumbent"] = _scores(np.concatenate(p_old), y_all, auto)
    if not any(trained.values()) and inc_name is None:
        out.reason = "too few verdicts for a supervised matcher; the unsupervised fit stays"
    elif out.n_eval < min_eval or len(set(y_all.tolist())) < 2:
        out.reason = f"only {out.n_eval} new verdicts to evaluate on (need {min_eval}, both classes)"
    else:
        new, old = out.metrics["candidate"], out.metrics["incumbent"]
        if new["log_loss"] < old["log_loss"] and new["precision"] >= old["precision"] - 1e-9:
            out.promoted = True
            out.reason = f"log loss {new['log_loss']:.4f} < {old['log_loss']:.4f}, precision not lower"
        else:
            out.reason = (
                f"not better: log loss {new['log_loss']:.4f} vs {old['log_loss']:.4f}, "
                f"precision {new['precision']:.4f} vs {old['precision']:.4f}"
            )
    if any(trained.values()) or inc_name is not None:
        out.candidate = registry.save(cand, used, out.metrics, parent=inc_name, note=out.reason)
    out.resolver = cand
    if out.promoted and out.candidate:
        registry.promote(out.candidate, out.reason)
    else:
        registry.log({"action": "refuse", "version": out.candidate, "reason": out.reason})
    return out
