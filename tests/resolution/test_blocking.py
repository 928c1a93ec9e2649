"""Candidate generation keeps the true pairs while looking at a tiny share of all pairs."""

from __future__ import annotations

from resolution.pipeline import blocking_report
from resolution.resolver import Resolver, ResolverConfig


def test_blocking_keeps_every_true_pair_of_the_example(example_ds, example_truth):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    contexts = [r.event_context(e) for e in example_ds.events] + [
        r.credit_context(c) for c in example_ds.credit_records if c.needs_resolution
    ]
    rep = blocking_report(r, contexts, example_truth)
    assert rep["true_pairs"] == len(example_truth)
    assert rep["pair_completeness"] == 1.0
    assert 0.5 < rep["reduction_ratio"] < 1.0


def test_text_with_no_registered_name_has_no_candidates(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    assert r.resolve_text("花园小区垃圾清运不及时，楼道堆放杂物。", "330802") == []
