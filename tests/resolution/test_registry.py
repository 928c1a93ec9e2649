"""The matcher registry: numbered versions with labels and metadata, one promoted, every one loadable."""

from __future__ import annotations

from datetime import datetime

import pytest

from ingest.errors import NotFoundError
from resolution.decisions import DecisionRecord, Verdict
from resolution.registry import MatcherRegistry
from resolution.resolver import Resolver


def _rec(i: int, verdict: Verdict = Verdict.MATCH) -> DecisionRecord:
    return DecisionRecord(i, None, "events", f"E{i}", "firm", f"F{i}", verdict, "ann", datetime(2026, 1, 1))


def test_versions_are_numbered_and_only_a_promoted_one_is_current(example_ds, tmp_path):
    reg = MatcherRegistry(tmp_path / "m")
    assert reg.current() is None and reg.versions() == []
    r = Resolver.from_dataset(example_ds)
    v1 = reg.save(r, [_rec(1), _rec(2, Verdict.NO_MATCH)], {"candidate": {"log_loss": 0.3}})
    v2 = reg.save(r, [_rec(3)], {})
    assert (v1, v2) == ("v0001", "v0002") and reg.versions() == ["v0001", "v0002"]
    assert reg.current() is None  # saving never promotes
    found, origin = reg.active(example_ds)
    assert found is None and origin == "no promoted matcher"
    reg.promote(v1, "better")
    assert reg.current() == "v0001"
    meta = reg.meta(v1)
    assert meta["n_labels"] == 2 and meta["model_version"] == r.model_version
    assert meta["code_version"] and meta["created_at"] and meta["metrics"]["candidate"]["log_loss"] == 0.3
    assert reg.labels(v1) == {("events", "E1", "firm", "F1"), ("events", "E2", "firm", "F2")}
    found, origin = reg.active(example_ds)
    assert origin == "promoted v0001" and found.model_version == r.model_version
    reg.promote(v2, "rollforward")
    reg.promote(v1, "rollback")
    assert reg.current() == "v0001"
    assert [h["version"] for h in reg.history()] == ["v0001", "v0002", "v0001"]


def test_unknown_or_half_written_versions_are_not_current(example_ds, tmp_path):
    reg = MatcherRegistry(tmp_path / "m")
    with pytest.raises(NotFoundError):
        reg.promote("v0009", "nope")
    (tmp_path / "m" / "versions" / "v0001").mkdir(parents=True)  # a crash before meta.json
    (tmp_path / "m" / "CURRENT").write_text("v0001")
    assert reg.versions() == [] and reg.current() is None
    assert reg.save(Resolver.from_dataset(example_ds), [], {}) == "v0002"  # the number is not reused


def test_a_versions_own_auto_threshold_is_kept_and_read_back(example_ds, tmp_path):
    import dataclasses

    reg = MatcherRegistry(tmp_path / "m")
    assert reg.auto_threshold() is None  # nothing promoted: callers use their default
    r = Resolver.from_dataset(example_ds)
    r.config = dataclasses.replace(r.config, auto_threshold=0.65)  # moved by verdicts
    v1 = reg.save(r, [_rec(1)], {})
    reg.promote(v1, "better")
    assert reg.auto_threshold() == 0.65
    found, _ = reg.active(example_ds)
    assert found.config.auto_threshold == 0.65 and found.model_version == r.model_version


def test_a_matcher_fitted_on_other_comparison_levels_is_stale_not_misread(example_ds, tmp_path):
    """A version saved before a comparison gained levels (the person-and-trade levels of "person")
    would read its m and u at the wrong levels; the run falls back to the unsupervised fit and says why."""
    import json

    from ingest.errors import StaleModelError

    reg = MatcherRegistry(tmp_path / "m")
    v1 = reg.save(Resolver.from_dataset(example_ds), [], {})
    path = reg.path(v1) / "resolver" / "fs_firm.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(saved, ensure_ascii=False)
    assert "surname form holds a role at the one firm" in text
    # drop the two newest levels of "person" from the file, as an older version wrote it
    for c in saved["comparisons"]:
        if c["name"] == "person":
            for k in ("levels", "m", "u"):
                c[k] = c[k][:5]
            c["options"]["labels"] = c["options"]["labels"][:5]
    path.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StaleModelError, match="person"):
        reg.load(v1, example_ds)
    reg.promote(v1, "old")
    found, origin = reg.active(example_ds)
    assert found is None and origin.startswith("promoted v0001 is stale (retrain it)")


def test_a_saved_matcher_scores_with_this_runs_worker_count(example_ds, tmp_path):
    from resolution.pipeline import active_resolver
    from resolution.resolver import ResolverConfig

    saved = Resolver.from_dataset(example_ds, ResolverConfig(auto_threshold=0.9))
    saved.save(tmp_path / "saved")
    loaded, origin = active_resolver(example_ds, ResolverConfig(workers=2), model_dir=tmp_path / "saved")
    assert origin.startswith("saved resolver")
    assert loaded.config.workers == 2  # how many processes score is the run's choice
    assert loaded.config.auto_threshold == 0.9  # what the matcher decides stays the saved one's
    assert loaded.model_version == saved.model_version
