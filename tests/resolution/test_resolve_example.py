"""The contract example resolves completely: every truth link auto-linked, no false auto_link."""

from __future__ import annotations

from resolution.links import Decision
from resolution.pipeline import resolve_dataset
from resolution.resolver import Resolver, ResolverConfig


def _auto(links):
    return {
        (lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)
        for lk in links
        if lk.decision is Decision.AUTO_LINK
    }


def test_example_every_truth_link_found_and_no_false_auto_link(example_ds, example_truth):
    links = resolve_dataset(example_ds, ResolverConfig(), queue=None)
    auto = _auto(links)
    assert example_truth - auto == set(), "truth links missed"
    assert auto - example_truth == set(), "false auto links"


def test_homonym_in_other_city_is_not_linked(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    links = r.resolve_events([e for e in example_ds.events if e.event_id == "E5"])
    wrong = [lk for lk in links if lk.entity_id == "330821197803120318"]
    assert wrong and all(lk.decision is Decision.REJECTED for lk in wrong)
    assert "region" in wrong[0].evidence


def test_event_about_no_one_gives_no_auto_link(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    links = r.resolve_events([e for e in example_ds.events if e.event_id == "E7"])
    assert not [lk for lk in links if lk.decision is Decision.AUTO_LINK]


def test_every_link_carries_evidence_and_version(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    links = r.resolve_events(example_ds.events)
    for lk in links:
        assert lk.evidence.startswith("mention ") and "→" in lk.evidence
        assert lk.model_version == r.model_version and 0.0 <= lk.score <= 1.0


def test_resolve_text_gives_structured_contributions(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    cands = r.resolve_text("衢州宏達物流有限公司車輛違停，電話１３９０５７０８８８８", region_code="330802")
    assert cands[0].entity_id == "91330802MA2D00053R"
    assert cands[0].decision is Decision.AUTO_LINK
    names = {c["name"] for c in cands[0].contributions}
    assert {"prior", "name", "phone"} <= names


def test_save_and_load_round_trip(example_ds, tmp_path):
    r = Resolver.from_dataset(example_ds, ResolverConfig(auto_threshold=0.95))
    r.save(tmp_path / "m")
    again = Resolver.load(tmp_path / "m", example_ds)
    assert again.model_version == r.model_version
    assert again.config.auto_threshold == 0.95


def test_parallel_resolution_gives_the_serial_links(example_ds):
    serial = Resolver.from_dataset(example_ds, ResolverConfig()).resolve_events(example_ds.events)
    cfg = ResolverConfig(workers=2, batch_size=1)
    par = Resolver.from_dataset(example_ds, cfg).resolve_events(example_ds.events)
    assert sorted((lk.record_id, lk.entity_id, lk.decision, lk.score) for lk in par) == sorted(
        (lk.record_id, lk.entity_id, lk.decision, lk.score) for lk in serial
    )


def test_credit_record_with_masked_name_and_masked_id(example_ds):
    from dataclasses import replace

    c2 = next(c for c in example_ds.credit_records if c.record_id == "C2")
    masked = replace(c2, record_id="C9", subject_name="王*国")
    links = Resolver.from_dataset(example_ds, ResolverConfig()).resolve_credit_records([masked])
    best = max(links, key=lambda lk: lk.score)
    assert best.entity_id == "330821196911200177"
    assert best.decision is Decision.AUTO_LINK


def test_a_space_typed_inside_a_firm_name_does_not_cut_it(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    cands = r.resolve_text("衢州宏达 物流有限公司车辆违停", region_code="330802")
    assert cands and cands[0].entity_id == "91330802MA2D00053R"
    assert cands[0].decision.value == "auto_link"
