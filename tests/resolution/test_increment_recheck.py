"""Which old records an increment re-resolves (resolution.increment), on the contract example."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.dataset import read_dataset
from ingest.increment import merge_increment
from ingest.records import Dataset
from resolution.increment import resolve_increment, texts_hit, touched_entities
from resolution.resolver import Resolver, ResolverConfig

EXAMPLE = Path(__file__).resolve().parents[1] / "ingest" / "example"


def test_texts_hit_finds_keys_in_text_or_location() -> None:
    texts = [
        (("events", "a"), "老街小吃店卫生差", None),
        (("events", "b"), "无关", "杜泽镇老街"),
        (("events", "c"), "无关", None),
    ]
    assert texts_hit(texts, {"老街"}) == {("events", "a"), ("events", "b")}
    assert texts_hit(texts, set()) == set()


def test_renamed_firm_reexamines_the_records_that_name_it() -> None:
    base = read_dataset(EXAMPLE)
    resolver = Resolver.from_dataset(base, ResolverConfig(fit_em=False))
    links = resolver.resolve_events(base.events)
    target = next(lk for lk in links if lk.entity_type.value == "firm" and lk.decision.value == "auto_link")
    firm = next(f for f in base.firms if f.uscc == target.entity_id)
    renamed = replace(firm, name=firm.name + "分店", other_names=(*firm.other_names, firm.name))
    merged, ch = merge_increment(base, Dataset(firms=[renamed]))
    assert touched_entities(ch, merged)[0] == {firm.uscc}
    linked = {("firm", firm.uscc): {("events", target.record_id)}}
    res = resolve_increment(Resolver.from_dataset(merged, ResolverConfig(fit_em=False)), merged, ch, linked)
    assert ("events", target.record_id) in res.records and res.new_records == 0 and res.rechecked >= 1
    # records that name neither the firm nor anything of it are left alone
    assert len(res.records) < len(base.events)
    nothing, ch0 = merge_increment(merged, Dataset(firms=[renamed]))
    assert ch0.empty() and resolve_increment(resolver, nothing, ch0, linked).records == set()
