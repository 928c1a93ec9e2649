"""A person and the trade beside them name a firm: 喻志强经营的面馆, 喻老板开的面馆, 面馆经营者喻某某.

The registry below has ten noodle shops and ten hardware shops in 衢江区 (so that 面馆 and 五金店
are learned as trade words), and the people who run three of them:
喻志强 runs a noodle shop and a hardware shop; 喻海 runs another hardware shop; 陈东 and 陈西 each
run a noodle shop.
"""

from __future__ import annotations

import dataclasses

import pytest

from ingest.normalize import normalize_text
from ingest.records import Role, SubjectType
from resolution.caps import apply_caps
from resolution.features import (
    FIRM_NAMES,
    OWN_BUSINESS,
    TRADE_NAMED,
    TRADE_SURNAME,
    RecordContext,
    build_pairs,
)
from resolution.gazetteer import Gazetteer
from resolution.links import Decision
from resolution.mentions import _close_spelling, extract
from resolution.resolver import Resolver, ResolverConfig

PERSON = FIRM_NAMES.index("person")
_ZIHAO = "甲乙丙丁戊己庚辛壬癸"
REGION = "330803"


def _uscc(i: int, j: int) -> str:
    return f"92330803MA2D{i:02d}{j}00X"


@pytest.fixture(scope="module")
def ds(example_ds):
    firm0, person0, aff0 = example_ds.firms[0], example_ds.persons[0], example_ds.affiliations[0]
    firms = []
    for i, z in enumerate(_ZIHAO):
        for j, (tail, industry) in enumerate((("面馆", "餐饮业"), ("五金店", "批发和零售业"))):
            firms.append(
                dataclasses.replace(
                    firm0,
                    uscc=_uscc(i, j),
                    name=f"衢州市衢江区{z}记{tail}",
                    other_names=(),
                    industry=industry,
                    region_code=REGION,
                    legal_rep_id=None,
                    legal_rep_name=None,
                    phone=None,
                )
            )
    people = {"喻志强": "330803198001010011", "喻海": "330803198101010012", "陈东": "330803198201010013",
              "陈西": "330803198301010014"}  # fmt: skip
    persons = [dataclasses.replace(person0, person_id=pid, name=n, phone=None) for n, pid in people.items()]
    runs = [("喻志强", 0, 0), ("喻志强", 1, 1), ("喻海", 2, 1), ("陈东", 3, 0), ("陈西", 4, 0)]
    affs = [
        dataclasses.replace(
            aff0,
            holder_type=SubjectType.PERSON,
            holder_id=people[n],
            firm_uscc=_uscc(i, j),
            role=Role.OPERATOR,
        )
        for n, i, j in runs
    ]
    return dataclasses.replace(
        example_ds,
        firms=[*example_ds.firms, *firms],
        persons=[*example_ds.persons, *persons],
        affiliations=[*example_ds.affiliations, *affs],
        events=[],
        credit_records=[],
    )


@pytest.fixture(scope="module")
def gz(ds):
    return Gazetteer(ds)


def _person_levels(gz: Gazetteer, text: str) -> dict[str, int]:
    t = normalize_text(text)
    ctx = RecordContext("events", "E1", t, t, REGION, None)
    pairs = build_pairs(ctx, extract(t, gz), gz)
    return {gz.firms[fi].name: row[PERSON] for fi, row in zip(pairs.firm_idx, pairs.firm_rows, strict=True)}


def test_a_full_name_and_the_trade_beside_it_pick_that_persons_shop_of_that_trade(gz):
    levels = _person_levels(gz, "居民反映，喻志强经营的面馆油烟扰民")
    assert levels["衢州市衢江区甲记面馆"] == TRADE_NAMED
    assert levels["衢州市衢江区乙记五金店"] < TRADE_SURNAME  # his other shop is of another trade


def test_the_trade_may_come_before_the_person(gz):
    levels = _person_levels(gz, "一家五金店，经营者喻海，拖欠货款")
    assert levels["衢州市衢江区丙记五金店"] == TRADE_NAMED


def test_a_surname_form_and_a_trade_with_one_fitting_shop_in_the_district(gz):
    levels = _person_levels(gz, "网格员上报：喻老板开的面馆门口堆放杂物")
    assert levels == {"衢州市衢江区甲记面馆": TRADE_SURNAME}


def test_two_fitting_shops_name_neither(gz):
    # 陈东 and 陈西 both run a noodle shop in the district: 陈老板的面馆 could be either
    levels = _person_levels(gz, "来电人反映陈老板开的面馆占道经营")
    assert not any(v >= TRADE_SURNAME for v in levels.values())


def test_two_fitting_shops_of_a_surname_are_told_apart_by_the_trade(gz):
    # 喻 runs a noodle shop (喻志强) and two hardware shops (喻志强, 喻海): 五金店 leaves two
    assert not any(v >= TRADE_SURNAME for v in _person_levels(gz, "喻老板的五金店噪音扰民").values())


def test_no_trade_word_no_such_candidate(gz):
    assert _person_levels(gz, "居民反映喻老板拖欠工资") == {}


@pytest.fixture(scope="module")
def resolver(ds):
    return Resolver.from_dataset(ds, ResolverConfig(fit_em=False))


def _decisions(resolver: Resolver, text: str) -> dict[str, Decision]:
    return {c.entity_name: c.decision for c in resolver.resolve_text(text, REGION)}


def test_a_full_name_with_its_trade_links_the_shop_and_the_person(resolver):
    got = _decisions(resolver, "居民反映，喻志强经营的面馆油烟扰民")
    assert got["衢州市衢江区甲记面馆"] is Decision.AUTO_LINK
    assert got["喻志强"] is Decision.AUTO_LINK
    assert got.get("衢州市衢江区乙记五金店", Decision.REJECTED) is Decision.REJECTED


def test_a_surname_form_with_its_trade_goes_to_a_steward_with_its_person(resolver):
    got = _decisions(resolver, "网格员上报：喻老板开的面馆门口堆放杂物")
    assert got["衢州市衢江区甲记面馆"] is Decision.REVIEW
    assert got.get("喻志强") is not Decision.AUTO_LINK  # no surer than the shop that identifies him


def test_caps_hold_a_surname_trade_firm_even_when_its_score_is_high(resolver, gz):
    from resolution.batch import score_batch

    t = normalize_text("网格员上报：喻老板开的面馆门口堆放杂物")
    pairs = score_batch(resolver, [RecordContext("events", "E1", t, t, REGION, None)], steward=False)
    shop = next(p for p in pairs if p.entity_id == _uscc(0, 0))
    shop.score, shop.decision, shop.cap = 0.99, Decision.AUTO_LINK, None
    apply_caps(pairs, resolver.config.review_threshold)
    assert shop.decision is Decision.REVIEW and "surname form" in (shop.cap or "")


@pytest.mark.parametrize(
    ("seen", "key", "close"),
    [
        ("宏大物流", "宏达物流", True),
        ("王建果", "王建国", True),
        ("开的进出口", "凯德进出口", False),  # "opened by" is speech, not a name heard wrong
        ("他的广告", "塔德广告", False),
        ("一家网络科技", "亿佳网络科技", False),  # "a (firm)", an everyday word for both characters
    ],
)
def test_a_particle_never_stands_in_for_a_name_character(seen, key, close):
    assert _close_spelling(seen, key) is close


def test_a_zihao_shared_only_with_firms_of_other_cities_counts_as_unique_here(example_ds):
    """Four 荣昶面馆 in the province, one in 衢江区: for a record from 衢江区 the key is unique
    there; for a record from 杭州 it is shared by every candidate."""
    from resolution.features import _key_sharers

    base = example_ds.firms[0]
    codes = ["330803", "330102", "330205", "330302"]
    shops = [
        dataclasses.replace(
            base, uscc=f"92{c}MA2D0088{i}X", name=f"荣昶面馆{i}", region_code=c, other_names=()
        )  # fmt: skip
        for i, c in enumerate(codes)
    ]
    gz = Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, *shops]))
    quzhou = gz.firm_index[shops[0].uscc]

    def ctx(region):
        return RecordContext("events", "E1", "荣昶面馆", "荣昶面馆", region, None)

    assert _key_sharers(ctx("330803"), gz, quzhou, "荣昶") == 1
    assert _key_sharers(ctx("330104"), gz, quzhou, "荣昶") == 2  # 杭州's one competes
    assert _key_sharers(ctx(None), gz, quzhou, "荣昶") == 4


# ---------------------------------------------------------------- phone tails (尾号0973)
@pytest.fixture(scope="module")
def tail_ds(ds):
    """The registry above with phones: 甲记面馆 0570-1230973 and 乙记五金店 13800000973 share the
    tail 0973; 丙记五金店 is reached through its operator 喻海's mobile ending 5678."""
    phones = {_uscc(0, 0): "0570-1230973", _uscc(1, 1): "13800000973"}
    firms = [dataclasses.replace(f, phone=phones.get(f.uscc, f.phone)) for f in ds.firms]
    persons = [dataclasses.replace(p, phone="13912345678") if p.name == "喻海" else p for p in ds.persons]
    return dataclasses.replace(ds, firms=firms, persons=persons)


def test_a_phone_tail_is_read_where_people_quote_it():
    from resolution.codes_in_text import find_codes

    found = [(c.kind, c.value) for c in find_codes(normalize_text("一家面馆（老板电话尾号0973）油烟扰民"))]
    assert ("phone_tail", "0973") in found
    assert ("phone_tail", "5678") in [(c.kind, c.value) for c in find_codes("手机后四位是5678")]
    assert not [c for c in find_codes("门牌号0973") if c.kind == "phone_tail"]
    assert not [c for c in find_codes("统一社会信用代码尾号0973") if c.kind == "phone_tail"]


def test_a_phone_tail_with_its_trade_picks_the_shop_and_alone_is_only_a_guess(tail_ds):
    from resolution.features import PHONE_TAIL

    gz = Gazetteer(tail_ds)
    t = normalize_text("一家面馆（老板电话尾号0973）油烟扰民")
    pairs = build_pairs(RecordContext("events", "E1", t, t, REGION, None), extract(t, gz), gz)
    rows = {gz.firms[fi].uscc: row for fi, row in zip(pairs.firm_idx, pairs.firm_rows, strict=True)}
    phone, business = FIRM_NAMES.index("phone"), FIRM_NAMES.index("business")
    assert rows[_uscc(0, 0)][phone] == PHONE_TAIL and rows[_uscc(1, 1)][phone] == PHONE_TAIL
    assert rows[_uscc(0, 0)][business] == 2 and rows[_uscc(1, 1)][business] == 0  # 面馆 fits one

    resolver = Resolver.from_dataset(tail_ds, ResolverConfig(fit_em=False))

    def decided(text: str) -> dict[str, Decision]:
        return {c.entity_id: c.decision for c in resolver.resolve_text(text, REGION)}

    by_trade = decided("一家面馆（老板电话尾号0973）油烟扰民")
    assert by_trade.get(_uscc(1, 1), Decision.REJECTED) is not Decision.AUTO_LINK
    bare = decided("有家店（老板电话尾号5678）占道")
    assert bare.get(_uscc(2, 1), Decision.REJECTED) is Decision.REJECTED  # only a tail: a guess
    with_trade = decided("有家五金店（老板电话尾号5678）占道")
    assert with_trade[_uscc(2, 1)] is not Decision.REJECTED  # the operator's phone and the trade


def test_a_trade_word_inside_a_named_firm_names_that_firm_only(gz):
    # 己记面馆 is named and 面馆 is part of its name: 喻老板 beside it does not send us to 甲记面馆,
    # the one noodle shop of the district with a 喻 in charge
    levels = _person_levels(gz, "己记面馆（经营者：喻老板）油烟扰民")
    assert "衢州市衢江区己记面馆" in levels
    assert levels.get("衢州市衢江区甲记面馆", 0) < TRADE_SURNAME


def test_a_bare_name_from_another_district_is_rejected_not_queued(example_ds):
    """张伟 named alone in a record from 杭州 上城: the 张伟 of 衢州 is a guess no steward can settle
    from the text, so it is rejected rather than crowding the review queue."""
    from resolution.batch import score_batch

    resolver = Resolver.from_dataset(example_ds, ResolverConfig(fit_em=False))
    t = normalize_text("居民反映张伟占用公共绿地种菜")
    pairs = score_batch(resolver, [RecordContext("events", "E1", t, t, "330106", None)], steward=False)
    far = next(p for p in pairs if p.entity_id == "330821197803120318")
    far.score, far.decision, far.cap = 0.95, Decision.AUTO_LINK, None
    apply_caps(pairs, resolver.config.review_threshold)
    assert far.decision is Decision.REJECTED and "not from their district" in (far.cap or "")


@pytest.fixture(scope="module")
def gz_phone(ds):
    """陈东 (who runs 丁记面馆) with a mobile of his own, not the shop's."""
    persons = [dataclasses.replace(p, phone="13912340001") if p.name == "陈东" else p for p in ds.persons]
    return Gazetteer(dataclasses.replace(ds, persons=persons))


def test_the_owners_own_mobile_and_a_trade_in_the_text_name_the_owners_shop(gz_phone):
    levels = _person_levels(gz_phone, "群众反映一家面馆油烟扰民，老板电话13912340001")
    assert levels["衢州市衢江区丁记面馆"] == TRADE_NAMED
    t = normalize_text("群众反映一家面馆油烟扰民，老板电话13912340001")
    pairs = build_pairs(RecordContext("events", "E1", t, t, REGION, None), extract(t, gz_phone), gz_phone)
    phone = FIRM_NAMES.index("phone")
    row = pairs.firm_rows[pairs.firm_idx.index(gz_phone.firm_index[_uscc(3, 0)])]
    assert row[phone] == -1  # the owner's mobile is no evidence against the shop


def test_the_owners_mobile_without_a_trade_names_only_the_owner(gz_phone):
    assert _person_levels(gz_phone, "有人在小区内违章搭建，联系电话13912340001") == {}


def test_a_trade_the_owner_does_not_run_names_nothing(gz_phone):
    assert _person_levels(gz_phone, "群众反映一家五金店噪音扰民，老板电话13912340001") == {}


def test_a_full_name_heard_with_a_slip_and_its_trade_pick_the_shop(gz):
    # 喻志墙 is 喻志强 as voice-to-text writes him
    levels = _person_levels(gz, "居民反映，喻志墙经营的面馆油烟扰民")
    assert levels["衢州市衢江区甲记面馆"] == TRADE_NAMED


# ---------------------------------------------------------------- a full name's own business
@pytest.mark.parametrize(
    "text",
    ["投诉陈东老板的店晚上噪音扰民", "居民反映陈东开的店门口堆放杂物", "店主陈东占道经营"],
)
def test_a_full_name_spoken_of_with_their_business_names_their_one_firm(gz, text):
    assert _person_levels(gz, text)["衢州市衢江区丁记面馆"] == OWN_BUSINESS


def test_a_person_with_two_businesses_says_nothing_about_which(gz):
    # 喻志强 runs a noodle shop and a hardware shop: 喻志强开的店 could be either
    assert not any(v == OWN_BUSINESS for v in _person_levels(gz, "居民反映喻志强开的店占道").values())


@pytest.mark.parametrize(
    "text",
    [
        "业主陈东投诉楼上漏水",  # 业主 of a flat: a resident complaining, not a business
        "陈东在小区内违章搭建",  # no business spoken of
        "陈东来电反映楼下的店噪音扰民",  # the caller, whoever's shop it is
    ],
)
def test_no_business_of_theirs_no_such_level(gz, text):
    assert not any(v == OWN_BUSINESS for v in _person_levels(gz, text).values())


def test_a_full_name_with_their_business_links_their_shop_and_them(resolver):
    got = _decisions(resolver, "投诉陈东老板的店晚上噪音扰民")
    assert got["衢州市衢江区丁记面馆"] is Decision.AUTO_LINK
    assert got["陈东"] is Decision.AUTO_LINK
