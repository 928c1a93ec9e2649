"""Retraining from steward labels: refused with too few labels, trained and compared with enough."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution.decisions import Verdict
from resolution.evaluate import read_truth
from resolution.pipeline import resolve_dataset
from resolution.resolver import Resolver, ResolverConfig
from resolution.review_queue import ReviewQueue
from resolution.training import retrain_matcher


def test_too_few_labels_keeps_the_fs_model(example_ds, tmp_path):
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    q.decide_pair(("events", "E3", "firm", "91330803MA2D00045D"), Verdict.MATCH, "ann")
    res = retrain_matcher(example_ds, q, None, tmp_path / "m")
    assert res.n_labels == 1 and not any(res.trained.values())
    assert "stays" in res.message and res.out_dir is None


@pytest.fixture(scope="module")
def small_world(tmp_path_factory) -> Path:
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(out, 150, seed=5, n_events=600)
    return out


def test_retrain_with_enough_labels_writes_a_reloadable_matcher(small_world, tmp_path):
    from ingest.dataset import read_dataset

    ds = read_dataset(small_world, progress=False)
    truth = read_truth(small_world)
    q = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    links = resolve_dataset(ds, ResolverConfig(fit_em=False), None)
    # a steward labels 200 candidate pairs from the truth (both classes)
    for lk in sorted(links, key=lambda lk: abs(lk.score - 0.5))[:200]:
        key = (lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)
        q.decide_pair(key, Verdict.MATCH if key in truth else Verdict.NO_MATCH, "ann")
    res = retrain_matcher(ds, q, None, tmp_path / "m", min_labels=20)
    assert res.n_labels == 200
    assert any(res.trained.values())
    loaded = Resolver.load(tmp_path / "m", ds)
    assert loaded.supervised and loaded.model_version.startswith("er-sup-")
    again = loaded.resolve_events(ds.events[:50])
    assert all(0.0 <= lk.score <= 1.0 for lk in again)
