"""Retraining from steward verdicts: refused with too few, promoted when better, refused when not,
and a promoted matcher is what the next resolution uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution.decisions import Verdict
from resolution.evaluate import read_truth
from resolution.pipeline import active_resolver, resolve_dataset
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver
from resolution.review_queue import ReviewQueue
from resolution.training import retrain_to_registry


def test_too_few_labels_keeps_the_unsupervised_fit(example_ds, tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.decide_pair(("events", "E3", "firm", "91330803MA2D00045D"), Verdict.MATCH, "ann")
    reg = MatcherRegistry(tmp_path / "matcher")
    res = retrain_to_registry(example_ds, q.steward_decisions(), reg)
    assert res.n_labels == 1 and not any(res.trained.values())
    assert not res.promoted and "too few" in res.reason
    assert reg.current() is None and reg.versions() == []
    assert reg.history()[-1]["action"] == "refuse"


@pytest.fixture(scope="module")
def small_world(tmp_path_factory) -> Path:
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(out, 150, seed=5, n_events=600)
    return out


def _label(q: ReviewQueue, links, truth, n: int, flip: bool = False) -> None:
    """A steward answers n candidate pairs from the truth (or, with flip, always wrongly)."""
    for lk in sorted(links, key=lambda lk: abs(lk.score - 0.5))[:n]:
        key = (lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)
        right = key in truth
        q.decide_pair(key, Verdict.MATCH if right != flip else Verdict.NO_MATCH, "ann")


def test_better_candidate_is_promoted_and_used_by_the_next_run(small_world, tmp_path):
    from ingest.dataset import read_dataset

    ds = read_dataset(small_world, progress=False)
    truth = read_truth(small_world)
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    _label(q, resolve_dataset(ds), truth, 200)
    reg = MatcherRegistry(tmp_path / "matcher")
    res = retrain_to_registry(ds, q.steward_decisions(), reg, min_labels=20)
    assert res.n_labels == 200 and any(res.trained.values())
    assert res.n_eval == 200  # nothing promoted before: every verdict is new to the incumbent
    new, old = res.metrics["candidate"], res.metrics["incumbent"]
    assert res.promoted == (new["log_loss"] < old["log_loss"] and new["precision"] >= old["precision"])
    assert res.promoted, res.report()
    assert reg.current() == res.candidate == "v0001"
    meta = reg.meta("v0001")
    assert meta["n_labels"] == 200 and meta["code_version"] and meta["metrics"]["candidate"]
    assert len(reg.labels("v0001")) == 200
    used, origin = active_resolver(ds, None, None, reg.root)
    assert origin == "promoted v0001" and used.supervised
    assert used.model_version == res.resolver.model_version
    # a run with the registry scores with the promoted matcher
    links = resolve_dataset(ds, None, None, matcher_dir=reg.root)
    assert {lk.model_version for lk in links} == {used.model_version}


def test_worse_or_unproven_candidates_are_refused_and_the_incumbent_stays(small_world, tmp_path, monkeypatch):
    import numpy as np

    import resolution.training as training
    from ingest.dataset import read_dataset

    ds = read_dataset(small_world, progress=False)
    truth = read_truth(small_world)
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    links = sorted(resolve_dataset(ds), key=lambda lk: abs(lk.score - 0.5))
    _label(q, links, truth, 200)
    reg = MatcherRegistry(tmp_path / "matcher")
    assert retrain_to_registry(ds, q.steward_decisions(), reg, min_labels=20).promoted
    # nothing new to judge the candidate on: refused
    same = retrain_to_registry(ds, q.steward_decisions(), reg, min_labels=20)
    assert not same.promoted and same.n_eval == 0 and "new verdicts" in same.reason
    # new verdicts, and a candidate whose held-out predictions call every pair a match
    for lk in links[200:400]:
        key = (lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)
        q.decide_pair(key, Verdict.MATCH if key in truth else Verdict.NO_MATCH, "bob")
    real = training.candidate_matcher

    def clueless(*args, **kwargs):
        cand, oof, trained = real(*args, **kwargs)
        return cand, {k: (np.full(len(p), 0.999), keys) for k, (p, keys) in oof.items()}, trained

    monkeypatch.setattr(training, "candidate_matcher", clueless)
    worse = retrain_to_registry(ds, q.steward_decisions(), reg, min_labels=20)
    assert worse.n_eval == 200  # only the verdicts v0001 was not trained on
    assert worse.metrics["candidate"]["log_loss"] > worse.metrics["incumbent"]["log_loss"]
    assert not worse.promoted and worse.reason.startswith("not better") and worse.candidate == "v0003"
    assert reg.current() == "v0001" and reg.history()[-1]["action"] == "refuse"


def test_saved_version_reloads_with_the_same_answers(small_world, tmp_path):
    from ingest.dataset import read_dataset

    ds = read_dataset(small_world, progress=False)
    truth = read_truth(small_world)
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    _label(q, resolve_dataset(ds), truth, 120)
    reg = MatcherRegistry(tmp_path / "matcher")
    res = retrain_to_registry(ds, q.steward_decisions(), reg, min_labels=20)
    loaded = reg.load(res.candidate, ds, q.steward_decisions())
    assert isinstance(loaded, Resolver) and loaded.model_version == res.resolver.model_version
    a = res.resolver.resolve_events(ds.events[:80])
    b = loaded.resolve_events(ds.events[:80])
    assert [(x.entity_id, x.score, x.decision) for x in a] == [(x.entity_id, x.score, x.decision) for x in b]
