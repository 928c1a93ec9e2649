"""A gazetteer rebuilt for a grown registry from the previous one equals a fresh build.

The increment rebuilds the gazetteer with the previous one at hand (resolution.gazetteer.reusing);
per-record values are copied for records whose name, address and phone did not change. These
tests compare every attribute of the two builds, after each kind of registry change a day brings.
"""

from __future__ import annotations

import dataclasses

import ahocorasick
import pytest

from ingest.records import Dataset, Firm, Person
from resolution.gazetteer import Gazetteer, PinyinCoder, reusing
from resolution.resolver import Resolver, ResolverConfig


def _comparable(name: str, value: object) -> object:
    """What decides equality of one attribute (automata and learned vocabularies by content)."""
    if isinstance(value, ahocorasick.Automaton):
        return list(value.items())
    if isinstance(value, PinyinCoder):
        return vars(value)
    if name == "business":
        return value.shares  # type: ignore[attr-defined]
    return value


def _differences(a: Gazetteer, b: Gazetteer) -> list[str]:
    assert vars(a).keys() == vars(b).keys()
    return [k for k in vars(a) if _comparable(k, vars(a)[k]) != _comparable(k, vars(b)[k])]


def _new_firm(template: Firm, uscc: str, name: str, address: str) -> Firm:
    return dataclasses.replace(template, uscc=uscc, name=name, address=address, other_names=())


_LISHUI = "浙江省丽水市莲都区紫金街道解放街12号"  # a district no firm of the example is in


def _grown(ds: Dataset) -> Dataset:
    """A day's registry changes: two new firms (one in a district no firm was in, so the learned
    districts change), a renamed firm, a firm that moved, a firm with a new other name, a new
    person, a person whose address and phone changed."""
    f0, f1, f2 = ds.firms[0], ds.firms[1], ds.firms[2]
    p0 = ds.persons[0]
    firms = [
        dataclasses.replace(f0, name=f0.name.replace("有限公司", "") + "新材料有限公司"),  # renamed
        dataclasses.replace(f1, address="浙江省丽水市莲都区白云街道中山街88号"),  # moved
        ds.firms[2],
        dataclasses.replace(ds.firms[3], other_names=(*ds.firms[3].other_names, "荣达果业")),  # an alias
        *ds.firms[4:],
        _new_firm(f2, "91331102MA2XXXXXX1", "丽水市莲都区云和水果店", _LISHUI),
        _new_firm(f2, "91330802MA2XXXXXX2", "衢州市柯城区荣盛五金店", "浙江省衢州市柯城区府山街道上街5号"),
    ]
    persons = [
        dataclasses.replace(p0, address=_LISHUI, phone="13900001111"),
        *ds.persons[1:],
        Person("331102199001011234", "叶云和", None, None, _LISHUI, "13900002222", p0.prov),
    ]
    return dataclasses.replace(ds, firms=firms, persons=persons)


def test_rebuilt_from_previous_equals_fresh_build(example_ds: Dataset) -> None:
    # a registered resident of a district no firm was in: once a firm there teaches the district,
    # the district their address names changes although their record did not
    resident = Person("331102198502021111", "叶小丽", None, None, _LISHUI, None, example_ds.persons[0].prov)
    # a shop whose name begins with a county's name before any address named that county: once one
    # does, the county is a place and the shop's core loses it
    near = example_ds.firms[2]
    shop = _new_firm(near, "92330802MA2XXXXXX4", "云和荣达水果店", near.address or "")
    base = dataclasses.replace(
        example_ds, firms=[*example_ds.firms, shop], persons=[*example_ds.persons, resident]
    )
    yunhe = _new_firm(shop, "92331125MA2XXXXXX5", "云和县小陈便利店", "浙江省丽水市云和县浮云街道解放街3号")
    grown = _grown(dataclasses.replace(base, firms=[*base.firms, yunhe]))
    previous = Gazetteer(base)
    fresh = Gazetteer(grown)
    reused = Gazetteer(grown, previous=previous)
    assert fresh.places != previous.places  # the county's places were learned
    assert fresh.firm_core[fresh.firm_index[shop.uscc]] != previous.firm_core[previous.firm_index[shop.uscc]]
    assert fresh.district_code != previous.district_code
    at, was = fresh.person_index[resident.person_id], previous.person_index[resident.person_id]
    assert fresh.person_addr_region[at] != previous.person_addr_region[was]
    assert _differences(fresh, reused) == []


def test_same_vocabulary_reuses_cores_and_still_equals_fresh(example_ds: Dataset) -> None:
    """With no new place learned, the cores and address districts are copied too."""
    f = example_ds.firms[3]
    rephoned = dataclasses.replace(example_ds.firms[4], phone="0570-1234567")
    beside = _new_firm(f, "91330803MA2XXXXXX3", "衢州市衢江区荣盛五金店", f.address or "")
    grown = dataclasses.replace(
        example_ds, firms=[*example_ds.firms[:4], rephoned, *example_ds.firms[5:], beside]
    )
    previous = Gazetteer(example_ds)
    fresh = Gazetteer(grown)
    assert fresh.places == previous.places and fresh.district_code == previous.district_code
    assert _differences(fresh, Gazetteer(grown, previous=previous)) == []


def test_unchanged_records_are_copied_changed_ones_recomputed(example_ds: Dataset) -> None:
    grown = _grown(example_ds)
    previous = Gazetteer(example_ds)
    reused = Gazetteer(grown, previous=previous)
    kept = grown.firms[4].uscc
    assert reused.firm_addr[reused.firm_index[kept]] is previous.firm_addr[previous.firm_index[kept]]
    moved = grown.firms[1]
    assert reused.firm_addr[1] is not previous.firm_addr[previous.firm_index[moved.uscc]]
    assert reused.firm_addr[1].road_number == "中山街88号"
    assert reused.firm_name_forms[0] != previous.firm_name_forms[0]  # the renamed firm
    assert reused.firm_name_forms[3].aliases[-1] == ("荣达果业", "荣达果业")


def test_provenance_alone_does_not_stop_reuse(example_ds: Dataset) -> None:
    """A registry read back from the graph carries other provenance: still the same derived values."""
    other = dataclasses.replace(
        example_ds,
        firms=[dataclasses.replace(f, status=f.status, registered_capital_wan=1.0) for f in example_ds.firms],
    )
    previous = Gazetteer(example_ds)
    reused = Gazetteer(other, previous=previous)
    assert all(a is b for a, b in zip(reused.firm_addr, previous.firm_addr, strict=True))
    assert _differences(Gazetteer(other), reused) == []


def test_resolver_built_inside_reusing_takes_from_previous(example_ds: Dataset) -> None:
    previous = Gazetteer(example_ds)
    with reusing(previous):
        inside = Resolver.from_dataset(example_ds, ResolverConfig(fit_em=False))
    outside = Resolver.from_dataset(example_ds, ResolverConfig(fit_em=False))
    assert inside.gz.firm_addr[0] is previous.firm_addr[0]
    assert outside.gz.firm_addr[0] is not previous.firm_addr[0]


@pytest.mark.parametrize("missing", ["person_addr_region", "firm_name_forms"])
def test_previous_from_an_older_build_is_ignored(example_ds: Dataset, missing: str) -> None:
    previous = Gazetteer(example_ds)
    delattr(previous, missing)
    rebuilt = Gazetteer(example_ds, previous=previous)
    assert _differences(Gazetteer(example_ds), rebuilt) == []
