"""Retraining from steward verdicts: EM + bounded supervised correction + thresholds → registry.

Stewards' verdicts (match / no match; 'unsure' is left out) are the labels. Each labelled pair is
re-compared with today's registry to get its levels. The candidate is a fresh EM fit on the data
plus, when there are enough labels, a supervised matcher per entity type that is a bounded
correction to the EM log-odds (resolution.supervised, kind "offset"): verdicts come from the
uncertain band, so they may re-weigh what EM says there but cannot demote a sure EM match. The
verdicts then set the auto-link threshold (resolution.thresholds.choose_auto_threshold): the cut
with the best F1 they promise on the unlabelled pairs at a precision floor.

Promotion is judged where it matters, on decisions about records nobody labelled. Candidate and
incumbent are scored on the verdicts the incumbent was not trained on (the candidate's scores from
matchers trained on the other record folds, after competition between candidates, as a run scores
them); each one's verdict-calibrated score gives its expected auto-link precision and F1 on a
sample of unlabelled records. The candidate is saved as a new version either way and promoted only
when its expected F1 is higher (or, when it changes almost none of the unlabelled auto links, its
F1 and log loss on the held-out verdicts are better), its expected precision at least
`PROMOTE_MIN_PRECISION` (or the incumbent's, where that is lower already), its held-out log loss
not worse, and it changes at most `MAX_CHANGED` of the unlabelled auto links.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.errors import ModelError
from ingest.records import Dataset
from resolution.compare import ComparisonMatrix
from resolution.decisions import PairKey, StewardDecisions, Verdict
from resolution.features import RecordContext, build_pairs, firm_row, person_row
from resolution.fs_model import FellegiSunterModel
from resolution.links import Decision, Link
from resolution.mentions import extract
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver, ResolverConfig
from resolution.supervised import SupervisedMatcher, features
from resolution.thresholds import calibration, choose_auto_threshold, expected_quality

POPULATION_SAMPLE = 12_000  # unlabelled records scored to estimate each matcher's auto-link F1
THRESHOLD_MIN_PRECISION = 0.985  # the threshold search keeps this margin over the 0.98 target
PROMOTE_MIN_PRECISION = 0.98
MAX_CHANGED = 0.15  # share of the unlabelled auto links a promotion may change
SAME_DECISIONS = 0.005  # at most this share of unlabelled auto links changed: both decide alike there
LOG_LOSS_SLACK = 0.02  # a candidate's held-out log loss may not exceed the incumbent's by more


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
    """A pair's cross-validation fold, from a hash of its record (stable across runs; a record's
    candidates compete with each other, so they are held out together)."""
    return int(hashlib.sha1(f"{key[0]}|{key[1]}".encode()).hexdigest(), 16) % k


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _scores(p: np.ndarray, auto: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Log loss, Brier score and precision / recall / F1 of the auto-link decisions on labelled
    pairs (scores and decisions as a run makes them, before any verdict overrides them)."""
    tp = int((auto & (y == 1)).sum())
    prec = tp / int(auto.sum()) if auto.sum() else 1.0
    rec = tp / int((y == 1).sum()) if (y == 1).sum() else 1.0
    return {
        "n": int(len(y)),
        "log_loss": round(_log_loss(p, y), 5),
        "brier": round(float(np.mean((p - y) ** 2)), 5),
        "precision": round(prec, 5),
        "recall": round(rec, 5),
        "f1": round(2 * prec * rec / (prec + rec), 5) if prec + rec else 0.0,
    }


def _key(lk: Link) -> PairKey:
    return (lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)


def _bare(resolver: Resolver, supervised: dict[str, SupervisedMatcher] | None = None,
          auto: float | None = None) -> Resolver:
    """The same matcher without steward verdicts (scores as a run makes them before a verdict
    overrides its pair), optionally with other supervised parts or another auto threshold."""
    cfg = resolver.config
    if auto is not None:
        cfg = dataclasses.replace(cfg, auto_threshold=auto, review_threshold=min(cfg.review_threshold, auto))
    return Resolver(
        resolver.gz, cfg, resolver.models["firm"], resolver.models["person"], None,
        dict(resolver.supervised if supervised is None else supervised), resolver.credit,
    )


def _contexts(resolver: Resolver, ds: Dataset, records: Iterable[tuple[str, str]]) -> list[RecordContext]:
    wanted = set(records)
    out = [resolver.event_context(e) for e in ds.events if ("events", e.event_id) in wanted]
    out += [
        resolver.credit_context(r)
        for r in ds.credit_records
        if r.needs_resolution and ("credit_records", r.record_id) in wanted
    ]
    return out


@dataclass(slots=True)
class Population:
    """Scores of the candidate pairs of a sample of unlabelled records under one matcher, and
    whether each pair could be auto-linked at all (no cap or explaining-away holds it back)."""

    keys: list[PairKey]
    scores: np.ndarray
    eligible: np.ndarray

    def auto(self, threshold: float) -> set[PairKey]:
        pairs = zip(self.keys, self.scores, self.eligible, strict=True)
        return {k for k, s, e in pairs if e and s >= threshold}


def population(resolver: Resolver, contexts: Sequence[RecordContext]) -> Population:
    """Score `contexts` with the matcher at its lowest allowed auto threshold (its review
    threshold), so that each pair's eligibility for auto_link at any higher cut can be read off."""
    scan = _bare(resolver, auto=resolver.config.review_threshold)
    links = scan.resolve_contexts(list(contexts))
    return Population(
        [_key(lk) for lk in links],
        np.array([lk.score for lk in links], dtype=np.float64),
        np.array([lk.decision is Decision.AUTO_LINK for lk in links], dtype=bool),
    )


def unlabelled_sample(
    resolver: Resolver, ds: Dataset, decisions: StewardDecisions, n: int
) -> list[RecordContext]:
    """Up to `n` records nobody has judged a pair of (a fixed seeded sample)."""
    from resolution.pipeline import record_contexts

    labelled = {(k[0], k[1]) for k in decisions.latest}
    ctx = [c for c in record_contexts(resolver, ds) if (c.source, c.record_id) not in labelled]
    if len(ctx) > n:
        ctx = random.Random(resolver.config.seed).sample(ctx, n)
    return ctx


@dataclass(slots=True)
class Scored:
    """Scores and auto-link decisions of labelled pairs (NaN / False where no candidate)."""

    p: np.ndarray
    auto: np.ndarray
    eligible: np.ndarray


def score_labelled(resolver: Resolver, ds: Dataset, keys: Sequence[PairKey]) -> Scored:
    """Each labelled pair's score and decision as a run without the verdicts would make them
    (after competition and caps); a pair that is no candidate any more scores 0."""
    scan = population(resolver, _contexts(resolver, ds, {(k[0], k[1]) for k in keys}))
    at = {k: i for i, k in enumerate(scan.keys)}
    idx = [at.get(k, -1) for k in keys]
    p = np.array([scan.scores[i] if i >= 0 else 0.0 for i in idx])
    ok = np.array([bool(scan.eligible[i]) if i >= 0 else False for i in idx])
    return Scored(p, ok & (p >= resolver.config.auto_threshold), ok | (p < resolver.config.review_threshold))


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
    threshold: str = ""  # how the candidate's auto-link threshold was chosen
    resolver: Resolver | None = None  # the candidate matcher (in use only when promoted)

    def report(self) -> str:
        lines = [
            "# Matcher retrain",
            "",
            f"- labels (match / no match verdicts): {self.n_labels}",
            f"- incumbent: {self.incumbent}",
            f"- candidate: {self.candidate or 'not saved'}",
            f"- evaluated on {self.n_eval} verdicts the incumbent was not trained on "
            "(candidate: scores from matchers trained on the other record folds)",
            f"- supervised matcher trained: {self.trained}",
            f"- candidate's auto-link threshold: {self.threshold}",
            f"- decision: {'promoted' if self.promoted else 'refused'} ({self.reason})",
            "",
            "| model | auto threshold | n | log loss | Brier | precision | recall | F1 | "
            "expected precision (unlabelled) | expected F1 (unlabelled) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, m in self.metrics.items():
            nan = float("nan")
            lines.append(
                f"| {name} | {m.get('auto_threshold', nan):.2f} | {m['n']} | {m['log_loss']:.4f} | "
                f"{m['brier']:.4f} | {m['precision']:.4f} | {m['recall']:.4f} | {m.get('f1', nan):.4f} | "
                f"{m.get('est_precision', nan):.4f} | {m.get('est_f1', nan):.4f} |"
            )
        if "changed_share" in self.metrics.get("candidate", {}):
            lines += ["", f"- unlabelled auto links the candidate changes: "
                      f"{self.metrics['candidate']['changed_share']:.2%} (at most {MAX_CHANGED:.0%})"]
        return "\n".join(lines) + "\n"


def _train_supervised(
    model: FellegiSunterModel,
    gamma: np.ndarray,
    y: np.ndarray,
    etype: str,
    min_labels: int,
    offset: np.ndarray | None = None,
) -> SupervisedMatcher:
    """The bounded correction, fitted with `offset` (each pair's log-odds after competition with
    the other candidates of its mention, as the run scored it) in place of the EM column: a
    verdict answers for the pair as the run saw it, so a homonym that lost to its twin teaches the
    matcher nothing about the pattern it shares with unambiguous pairs. Scoring later applies the
    correction to the EM log-odds before competition, which gives the same log-odds after it."""
    sup = SupervisedMatcher(
        model.specs,
        kind="offset",  # a bounded correction to the EM log-odds
        min_labels=min_labels,
        metadata={"entity_type": etype, "trained_on": "steward verdicts, offset after competition"},
        baseline_column=-1,  # the EM log-odds (supervised_features' last column)
    )
    x = supervised_features(model, gamma)
    if offset is not None:
        q = np.clip(np.asarray(offset, dtype=np.float64), 1e-6, 1 - 1e-6)
        x[:, -1] = np.log(q) - np.log1p(-q)
    return sup.fit(x, y)


@dataclass(slots=True)
class CandidateFit:
    """A candidate matcher and what its own verdicts say about it."""

    resolver: Resolver
    keys: list[PairKey]  # every labelled pair, in the order of the arrays below
    y: np.ndarray
    oof: Scored  # out-of-fold scores and decisions (at the chosen threshold)
    trained: dict[str, bool]
    population: Population | None
    threshold_reason: str


def candidate_matcher(
    ds: Dataset,
    decisions: StewardDecisions,
    config: ResolverConfig | None = None,
    min_labels: int = 50,
    folds: int = 5,
    em: Resolver | None = None,
    sample: int = POPULATION_SAMPLE,
) -> CandidateFit:
    """A fresh EM fit on `ds` plus a bounded supervised correction per entity type trained on every
    verdict, with the auto-link threshold its verdicts support.

    Every labelled pair also gets an out-of-fold score: its record is resolved (competition and
    caps included) with matchers trained on the other record folds. The threshold is chosen from
    those scores' calibration against the verdicts and the candidate's scores on up to `sample`
    unlabelled records. `em`: an unsupervised fit on this very `ds` already made (EM is seeded)."""
    from resolution.pipeline import fit_resolver, record_contexts

    if em is not None:
        cand = Resolver(em.gz, em.config, em.models["firm"], em.models["person"], decisions, None, em.credit)
    else:
        cand = Resolver.from_dataset(ds, config or ResolverConfig(), decisions)
        if cand.config.fit_em:
            fit_resolver(cand, record_contexts(cand, ds))
    data = labelled_rows(cand, ds, decisions)
    trained: dict[str, bool] = {}
    fold_sup: list[dict[str, SupervisedMatcher]] = [{} for _ in range(folds)]
    for etype, (gamma, y, keys) in data.items():
        model = cand.models[etype]
        # the EM score of each labelled pair as the run saw it; pairs no candidate proposes any
        # more, or that a cap or an explaining-away rule decides, teach the matcher nothing
        if not keys:
            trained[etype] = False
            continue
        base = score_labelled(_bare(cand, {}), ds, keys)
        use = base.eligible & (base.p > 0)
        try:
            cand.supervised[etype] = _train_supervised(
                model, gamma[use], y[use], etype, min_labels, base.p[use]
            )
            trained[etype] = True
        except ModelError:
            trained[etype] = False
            continue
        fold = np.array([_fold(k, folds) for k in keys])
        for f in range(folds):
            rest = (fold != f) & use
            try:
                small = min(min_labels, 20)
                fold_sup[f][etype] = _train_supervised(
                    model, gamma[rest], y[rest], etype, small, base.p[rest]
                )
            except ModelError:
                pass  # this fold's training part is too small: its pairs keep the EM probability
    keys = [k for _, (_, _, ks) in data.items() for k in ks]
    y_all = np.concatenate([y for _, (_, y, _) in data.items()]) if keys else np.zeros(0, dtype=np.int64)
    fold_of = np.array([_fold(k, folds) for k in keys], dtype=np.int64)
    p = np.zeros(len(keys))
    ok = np.zeros(len(keys), dtype=bool)
    for f in range(folds):
        part = np.flatnonzero(fold_of == f)
        if not len(part):
            continue
        s = score_labelled(_bare(cand, fold_sup[f]), ds, [keys[i] for i in part])
        p[part], ok[part] = s.p, s.eligible
    pop = None
    reason = "no supervised matcher: the default threshold stays"
    if any(trained.values()):
        pop = population(cand, unlabelled_sample(cand, ds, decisions, sample))
        choice = choose_auto_threshold(
            p[ok], y_all[ok], pop.scores, pop.eligible,
            default=cand.config.auto_threshold, floor=cand.config.review_threshold,
            min_precision=THRESHOLD_MIN_PRECISION,
        )
        reason = f"{choice.auto_threshold:.2f}: {choice.reason}"
        if choice.auto_threshold != cand.config.auto_threshold:
            cand.config = dataclasses.replace(cand.config, auto_threshold=choice.auto_threshold)
    auto = ok & (p >= cand.config.auto_threshold)
    cand._explained.clear()
    return CandidateFit(cand, keys, y_all, Scored(p, auto, ok), trained, pop, reason)


def _expected(
    pop: Population, p: np.ndarray, ok: np.ndarray, y: np.ndarray, threshold: float
) -> tuple[float, float, float]:
    """Expected precision, recall, F1 on the unlabelled sample, calibrated by these verdicts."""
    if ok.sum() < 2 or len(set(y[ok].tolist())) < 2:
        return expected_quality(pop.scores, pop.eligible, None, threshold)
    return expected_quality(pop.scores, pop.eligible, calibration(p[ok], y[ok]), threshold)


def retrain_to_registry(
    ds: Dataset,
    decisions: StewardDecisions,
    registry: MatcherRegistry,
    config: ResolverConfig | None = None,
    min_labels: int = 50,
    min_eval: int = 20,
    em: Resolver | None = None,
    sample: int = POPULATION_SAMPLE,
) -> MatcherRetrain:
    """Fit a candidate on every verdict, compare it with the incumbent on verdicts the incumbent
    was not trained on and on what those verdicts predict for unlabelled records, save it as a
    new version and promote it only if it is better."""
    from resolution.pipeline import active_resolver

    inc_name = registry.current()
    if inc_name is None and em is not None:
        incumbent, inc_origin = em, "unsupervised fit on this data"
    else:
        incumbent, inc_origin = active_resolver(ds, config, decisions, registry.root)
    inc_labels = registry.labels(inc_name) if inc_name else set()
    fit = candidate_matcher(ds, decisions, config, min_labels, em=em, sample=sample)
    cand, trained = fit.resolver, fit.trained
    used = [r for k, r in decisions.latest.items() if r.verdict is not Verdict.UNSURE]
    out = MatcherRetrain(n_labels=len(fit.keys), incumbent=inc_name or inc_origin)
    out.trained, out.threshold = trained, fit.threshold_reason
    fresh = np.array([k not in inc_labels for k in fit.keys], dtype=bool)
    y = fit.y[fresh]
    out.n_eval = int(fresh.sum())
    if out.n_eval and any(trained.values()) and fit.population is not None:
        keys = [k for k, f in zip(fit.keys, fresh, strict=True) if f]
        old = score_labelled(incumbent, ds, keys)
        new = Scored(fit.oof.p[fresh], fit.oof.auto[fresh], fit.oof.eligible[fresh])
        inc_pop = population(incumbent, unlabelled_sample(incumbent, ds, decisions, sample))
        t_new, t_old = cand.config.auto_threshold, incumbent.config.auto_threshold
        m_new = {**_scores(new.p, new.auto, y), "auto_threshold": t_new}
        m_old = {**_scores(old.p, old.auto, y), "auto_threshold": t_old}
        for m, pop, s, t in ((m_new, fit.population, new, t_new), (m_old, inc_pop, old, t_old)):
            ep, er, ef = _expected(pop, s.p, s.eligible, y, t)
            m.update({"est_precision": round(ep, 5), "est_recall": round(er, 5), "est_f1": round(ef, 5)})
        a_new, a_old = fit.population.auto(t_new), inc_pop.auto(t_old)
        m_new["changed_share"] = round(len(a_new ^ a_old) / max(len(a_old), 1), 5)
        out.metrics = {"candidate": m_new, "incumbent": m_old}
    if not any(trained.values()) and inc_name is None:
        out.reason = "too few verdicts for a supervised matcher; the unsupervised fit stays"
    elif out.n_eval < min_eval or len(set(y.tolist())) < 2 or not out.metrics:
        out.reason = f"only {out.n_eval} new verdicts to evaluate on (need {min_eval}, both classes)"
    else:
        out.promoted, out.reason = _judge(out.metrics["candidate"], out.metrics["incumbent"])
    if any(trained.values()) or inc_name is not None:
        out.candidate = registry.save(cand, used, out.metrics, parent=inc_name, note=out.reason)
    out.resolver = cand
    if out.promoted and out.candidate:
        registry.promote(out.candidate, out.reason)
    else:
        registry.log({"action": "refuse", "version": out.candidate, "reason": out.reason})
    return out


def _judge(new: dict[str, float], old: dict[str, float]) -> tuple[bool, str]:
    """Promote only a candidate better where it matters (expected auto-link F1 on unlabelled
    records), precise enough, not worse on the held-out verdicts, and not a sweeping change."""
    why = []
    better_unlabelled = new["est_f1"] > old["est_f1"] + 1e-3
    # when both decide (almost) every unlabelled record alike, their expected-F1 gap is a matter of
    # calibration, not of decisions: the held-out verdicts, where they do differ, decide
    alike = new["changed_share"] <= SAME_DECISIONS
    better_verdicts = new["f1"] > old["f1"] and new["log_loss"] < old["log_loss"]
    if not (better_unlabelled or (alike and better_verdicts)):
        why.append(f"expected F1 {new['est_f1']:.4f} vs {old['est_f1']:.4f}")
    # the floor, or the incumbent's own expected precision where that is lower already: a floor the
    # incumbent misses cannot be a reason to keep it against a candidate at least as precise
    if new["est_precision"] < min(PROMOTE_MIN_PRECISION, old["est_precision"]):
        why.append(f"expected precision {new['est_precision']:.4f} < {PROMOTE_MIN_PRECISION}")
    if new["log_loss"] > old["log_loss"] + LOG_LOSS_SLACK:
        why.append(f"held-out log loss {new['log_loss']:.4f} vs {old['log_loss']:.4f}")
    if new["changed_share"] > MAX_CHANGED:
        why.append(f"changes {new['changed_share']:.1%} of unlabelled auto links (at most {MAX_CHANGED:.0%})")
    if why:
        return False, "not better: " + "; ".join(why)
    return True, (
        f"expected F1 {new['est_f1']:.4f} vs {old['est_f1']:.4f} (precision {new['est_precision']:.4f}), "
        f"held-out F1 {new['f1']:.4f} vs {old['f1']:.4f}, "
        f"held-out log loss {new['log_loss']:.4f} vs {old['log_loss']:.4f}, "
        f"{new['changed_share']:.1%} of unlabelled auto links changed"
    )
