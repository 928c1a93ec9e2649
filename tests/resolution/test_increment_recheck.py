"""Which old records an increment re-resolves (resolution.increment), on the contract example."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.dataset import read_dataset
from ingest.increment import merge_increment
from ingest.records import Dataset, Firm
from resolution.increment import resolve_increment, texts_hit, touched_entities
from resolution.resolver import Resolver, ResolverConfig

EXAMPLE = Path(__file__).resolve().parents[1] / "ingest" / "example"


def test_texts_hit_finds_keys_in_text_or_location() -> None:
    texts = [
        (("events", "a"), "老街小吃店卫生差", None, "330803"),
        (("events", "b"), "无关", "杜泽镇老街", "330803"),
        (("events", "c"), "无关", None, "330803"),
        (("events", "d"), "博 诚物业乱收费", None, "330803"),  # read as resolution reads it: 博诚
    ]
    assert texts_hit(texts, {"老街", "博诚"}) == {("events", "a"), ("events", "b"), ("events", "d")}
    assert texts_hit(texts, set()) == set()


def test_a_key_scoped_to_cities_hits_records_of_those_cities_or_of_none() -> None:
    texts = [
        (("events", "here"), "老街小吃店卫生差", None, "330803"),
        (("events", "there"), "老街小吃店卫生差", None, "330106"),
        (("events", "nowhere"), "老街小吃店卫生差", None, None),
    ]
    assert texts_hit(texts, {"老街": frozenset({"3308"})}) == {("events", "here"), ("events", "nowhere")}
    assert len(texts_hit(texts, {"老街": None})) == 3


def test_a_new_firm_with_a_common_key_rechecks_only_its_own_citys_records() -> None:
    """Ten 荣昶 shops in 衢州 and ten in 杭州; a new one opens in 衢州. A 杭州 record naming 荣昶 is
    not re-resolved, and re-resolving it would indeed give the same links; a 衢州 one is."""
    base = read_dataset(EXAMPLE)
    shop = base.firms[0]

    def firm(i: int, region: str) -> Firm:
        return replace(
            shop,
            uscc=f"92{region}MA2D0{i:03d}X",
            name=f"荣昶{i}号面馆",
            other_names=("荣昶",),
            region_code=region,
            address=None,
            phone=None,
            legal_rep_id=None,
            legal_rep_name=None,
        )

    old = [firm(i, "330803") for i in range(10)] + [firm(10 + i, "330106") for i in range(10)]
    ev = base.events[0]
    events = [
        replace(ev, event_id=eid, text="荣昶面馆占道经营", region_code=region, location=None)
        for eid, region in (("QZ", "330803"), ("HZ", "330106"))
    ]
    before = replace(base, firms=[*base.firms, *old], events=events, credit_records=[])
    merged, ch = merge_increment(before, Dataset(firms=[firm(99, "330803")]))
    after = Resolver.from_dataset(merged, ResolverConfig(fit_em=False))
    res = resolve_increment(after, merged, ch, {})
    assert ("events", "QZ") in res.records and ("events", "HZ") not in res.records

    def links(r: Resolver) -> list[tuple[str, str, float, str]]:
        found = r.resolve_events([e for e in events if e.event_id == "HZ"])
        return [(lk.entity_type.value, lk.entity_id, lk.score, lk.decision.value) for lk in found]

    assert len(links(after)) == 10  # the ten 杭州 shops, before as after
    assert links(after) == links(Resolver.from_dataset(before, ResolverConfig(fit_em=False)))


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
