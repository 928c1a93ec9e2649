"""Mention extraction case tables: codes in prose, person forms, titles, homophones, places."""

from __future__ import annotations

import pytest

from ingest.normalize import normalize_text
from resolution.codes_in_text import find_codes
from resolution.gazetteer import Gazetteer, parse_address
from resolution.mentions import extract
from resolution.names import strip_org_form, strip_region


@pytest.fixture(scope="module")
def gz(example_ds):
    return Gazetteer(example_ds)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("联系电话１３９０５７０８８８８。", "phone", "13905708888"),
        ("店家电话138 5701 2345", "phone", "13857012345"),
        ("电话138-5701-2345转人工", "phone", "13857012345"),
        ("座机0570-3456789", "phone", "0570-3456789"),
        ("座机(0570)3456789", "phone", "0570-3456789"),
        ("座机0570—3456789", "phone", "0570-3456789"),  # an em dash, as Chinese input methods type it
        ("手机138–5701–2345", "phone", "13857012345"),
        ("对该公司（统一社会信用代码91330803MA2D00037J）检查", "uscc", "91330803MA2D00037J"),
        ("当事人身份证330821196911200177", "resident_id", "330821196911200177"),
        ("被执行人330821********0177", "masked_id", "330821********0177"),
        ("货车浙H·12345超载", "plate", "浙H12345"),
        ("车牌浙H12345", "plate", "浙H12345"),
        ("他家电话是幺三八五七零幺二三四五你记一下", "phone", "13857012345"),  # a call transcript
        ("座机零五七零三四五六七八九", "phone", "0570-3456789"),
        ("电话一三九 零五七零 八八八八", "phone", "13905708888"),
        ("电话138.5701.2345", "phone", "13857012345"),
        ("他手机幺三八五拐零幺二三四五", "phone", "13857012345"),  # 拐 for 7, as phone talk says it
        ("座机洞五拐洞三四五六拐八九", "phone", "0570-3456789"),
    ],
)
def test_codes_in_prose(text, kind, value):
    found = [(c.kind, c.value) for c in find_codes(normalize_text(text))]
    assert (kind, value) in found


@pytest.mark.parametrize(
    "text",
    [
        "订单号12345678901234",
        "代码91330803MA2D00038J有误",
        "身份证330821196911200178",
        "一二三楼的住户说三五个人",  # spoken digits, but too few for a number
        "单价13.5元，共138.50元",  # prices with decimal points are not phones
    ],
)
def test_invalid_codes_are_not_found(text):
    assert [c for c in find_codes(text) if c.kind in ("uscc", "resident_id", "phone")] == []


@pytest.mark.parametrize(
    ("text", "form", "role"),
    [
        ("经营者王某称已整改", "王某", "经营者"),
        ("王某某拒不配合", "王某某", None),
        ("老王的店占道", "老王", None),
        ("王老板承诺整改", "王老板", "老板"),
        ("陈总表示配合", "陈总", "老板"),
        ("李经理到场", "李经理", "经理"),
        ("老板王某飞在场", "王某飞", "老板"),  # half-masked, as documents write names
        ("老板王某在场", "王某", "老板"),  # 在 begins the next word
    ],
)
def test_surname_forms(gz, text, form, role):
    m = extract(text, gz)
    got = [(sf.form, sf.role) for sf in m.surname_forms]
    assert (form, role) in got


def test_reporter_and_firm_names_are_not_subjects(gz):
    assert extract("网格员王某巡查发现", gz).surname_forms == []
    assert extract("市民张伟反映噪音", gz).persons == {}
    assert extract("张伟（13905708888）反映噪音", gz).persons == {}  # with their number between


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("店主张伟称", "店主"),
        ("负责人张伟到场", "负责人"),
        ("法人张伟", "法人"),
        ("张伟（店主）说", "店主"),
        ("司机张伟称", "司机"),
    ],
)
def test_person_with_title(gz, text, role):
    hits = extract(text, gz).persons.values()
    assert {h.name for h in hits} == {"张伟"}
    assert all(h.role == role and h.level == 4 for h in hits)


def test_traditional_and_fullwidth_text_finds_firm(gz):
    m = extract(normalize_text("衢州宏達物流有限公司車輛違停，電話１３９０５７０８８８８"), gz)
    assert {gz.firms[i].uscc for i in m.firms} == {"91330802MA2D00053R"}
    assert m.phones == {"13905708888"}


def test_homophone_and_short_names(gz):
    homo = extract("宏大物流的车又超载了", gz)  # 宏大 sounds like 宏达
    assert {gz.firms[i].uscc for i in homo.firms} == {"91330802MA2D00053R"}
    assert next(iter(homo.firms.values())).level == 3
    short = extract("群众反映廿里建材公司偷排", gz)
    assert {gz.firms[i].uscc for i in short.firms} == {"91330803MA2D00045D"}


def test_homophone_person_name(gz):
    m = extract("王建果称车是他的", gz)  # 果 guo = 国 guo
    assert {gz.persons[i].person_id for i in m.persons} == {"330821196911200177"}
    assert next(iter(m.persons.values())).level == 2


def test_place_word_after_key_is_not_a_firm(gz):
    assert extract("宏达物流公司门口", gz).firms
    assert not extract("宏达物流园区门口", gz).firms  # 宏达物流园区 names a place
    assert not extract("味之道路口", gz).firms


def test_name_keys():
    places = {"浙江", "浙江省", "衢州", "衢州市", "衢江区", "衢江"}
    assert strip_region(strip_org_form("衢州市衢江区杜泽老街小吃店"), places) == "杜泽老街小吃"
    assert strip_org_form("衢州宏达物流有限责任公司") == "衢州宏达物流"
    assert strip_org_form("衢江区莲花农民专业合作社") == "衢江区莲花"


def test_address_parts():
    p = parse_address("浙江省衢州市衢江区杜泽镇老街23号")
    assert (p.district, p.town, p.road, p.road_number) == ("衢江区", "杜泽镇", "老街", "老街23号")


@pytest.fixture(scope="module")
def gz_everyday(example_ds):
    """The example registry plus a shop whose name starts with an everyday word (东门, east gate)."""
    import dataclasses

    shop = dataclasses.replace(
        example_ds.firms[0], uscc="92330803MA2D00990X", name="衢州市衢江区东门茶叶店", other_names=()
    )
    return Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, shop]))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("和平小区东门垃圾桶满了好几天没人清运", False),  # the gate of a housing estate
        ("东门那家店卖过期茶叶", True),  # 那家 says a business is meant
        ("东门茶叶店卖过期茶叶", True),  # more of the registered name
    ],
)
def test_everyday_word_is_not_a_trade_name_unless_something_says_so(gz_everyday, text, found):
    m = extract(normalize_text(text), gz_everyday)
    shop = gz_everyday.firm_index["92330803MA2D00990X"]
    assert (shop in m.firms) is found


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("12345工单：来电人反映杜泽老街小吃店油烟扰民。来电号码13905708888。", False),
        ("来电人许女士（13905708888）反映杜泽老街小吃店油烟扰民", False),
        ("来电人反映杜泽老街小吃店（13905708888）油烟扰民", True),  # said about the shop
        ("杜泽老街小吃店，联系电话13905708888，油烟扰民", True),
        ("冯先生(13905708888)反映:杜泽老街小吃店油烟扰民", False),  # whoever reports, by any title
        ("梁鹏国（139 0570 8888）反映杜泽老街小吃店油烟扰民", False),
        ("请联系杜泽老街小吃店(13905708888)核实", True),  # an official checks with the shop
    ],
)
def test_the_reporters_own_phone_is_not_the_subjects(gz, text, kept):
    m = extract(normalize_text(text), gz)
    assert ("13905708888" in m.phones) is kept


def test_an_officials_action_on_a_firm_keeps_the_firms_phone(gz):
    m = extract(normalize_text("执法人员依法对公司（店家电话13905708888）开展检查"), gz)
    assert "13905708888" in m.phones


def test_a_masked_mobile_is_read_with_its_visible_digits():
    found = [(c.kind, c.value) for c in find_codes(normalize_text("店主电话138****2345，已约谈"))]
    assert found == [("masked_phone", "138****2345")]
    assert [c.kind for c in find_codes("编号1380000234512")] != ["masked_phone"]


def test_a_masked_mobile_corroborates_a_named_shop_but_finds_no_one_alone(example_ds):
    from resolution.features import FIRM_NAMES, MASKED_PHONE, NULL, RecordContext, build_pairs

    gz = Gazetteer(example_ds)
    shop = gz.firm_index["92330803MA2D00010P"]  # 杜泽老街小吃店, registered phone 13857012345

    def pairs(text: str):
        t = normalize_text(text)
        return build_pairs(RecordContext("events", "E9", t, t, "330803", None), extract(t, gz), gz)

    named = pairs("杜泽老街小吃店油烟扰民，店家电话138****2345")
    assert named.firm_rows[named.firm_idx.index(shop)][FIRM_NAMES.index("phone")] == MASKED_PHONE
    other = pairs("杜泽老街小吃店油烟扰民，店家电话138****9999")
    assert other.firm_rows[other.firm_idx.index(shop)][FIRM_NAMES.index("phone")] == NULL
    # in a city's registry most masks fit someone by chance: a mask alone names no one
    assert pairs("一家小吃店油烟扰民，店家电话138****2345").firm_idx == []


@pytest.fixture(scope="module")
def gz_words(example_ds):
    """The example registry plus shops whose 字号 are a word for "the business" (商家), a street
    name (老街) and a family's (陈家)."""
    import dataclasses

    base = example_ds.firms[0]
    shops = [
        dataclasses.replace(base, uscc=f"92330803MA2D0099{i}X", name=f"衢州市衢江区{n}", other_names=())
        for i, n in enumerate(("商家货运部", "老街装修队", "陈家烟酒店"))
    ]
    return Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, *shops]))


@pytest.mark.parametrize(
    ("text", "uscc", "found"),
    [
        ("涉事商家为杜泽老街小吃店", "92330803MA2D00990X", False),  # 商家 = "the business"
        ("老街装修队半夜施工", "92330803MA2D00991X", True),  # the registered name itself
        ("老陈家的加工厂深夜作业", "92330803MA2D00992X", False),  # Lao Chen's, not a firm 陈家
        ("陈家烟酒店卖假烟", "92330803MA2D00992X", True),
    ],
)
def test_a_registered_zihao_that_is_something_else_where_it_stands(gz_words, text, uscc, found):
    m = extract(normalize_text(text), gz_words)
    assert (gz_words.firm_index[uscc] in m.firms) is found


def test_a_name_before_laidian_is_the_callers(gz):
    from resolution.mentions import is_caller

    t = "吴建国来电：隆润达物流货车乱停"
    assert is_caller(t, 3) and is_caller(t, 2)  # 吴建国, and 吴建 heard in part
    assert not is_caller("吴建国经营的物流公司来电", 3)


def test_a_half_masked_name_fits_only_names_ending_in_its_visible_character():
    from resolution.features import _form_fits
    from resolution.mentions import SurnameForm

    wu_fei = SurnameForm("吴", "吴某飞", 0, 3, "老板", tail="飞")
    assert _form_fits(wu_fei, "吴磊飞") and not _form_fits(wu_fei, "吴磊")
    assert not _form_fits(wu_fei, "吴飞")  # 吴某飞 hides at least one character
    assert _form_fits(SurnameForm("吴", "吴某", 0, 2, None), "吴磊")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("位于老街13号的一家美容店噪音大", False),  # the street of an address
        ("老街13号装修队半夜施工", True),  # the name goes on after the number
        ("老街装修队半夜施工", True),
    ],
)
def test_a_street_before_its_house_number_is_an_address_unless_the_name_goes_on(gz_words, text, found):
    m = extract(normalize_text(text), gz_words)
    assert (gz_words.firm_index["92330803MA2D00991X"] in m.firms) is found


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("检查人员：王芳、张伟；被检查单位：杜泽老街小吃店", False),  # the second of a list of officials
        ("杜泽老街小吃店占道经营。承办人：张伟", False),
        ("业主张伟投诉杜泽老街小吃店装修噪音", False),  # the complainant
        ("会议由张伟主持，通报了小吃店拖欠工资问题", False),
        ("张伟：小吃店门口又堆满了货", False),  # a chat line's sender
        ("小吃店门口又堆满了货 @张伟 麻烦看一下", False),  # addressed in a chat
        ("居民张伟占用公共绿地种菜", True),  # a resident who is the subject
        ("小吃店店主张伟称系临时摆放", True),  # the subject speaking (称 is not reporting)
    ],
)
def test_people_who_report_handle_or_chair_are_not_subjects(gz, text, subject):
    m = extract(normalize_text(text), gz)
    assert any(h.name == "张伟" for h in m.persons.values()) is subject


def test_a_bracketed_name_written_as_registered_is_that_firm_in_full(example_ds):
    import dataclasses

    from resolution.gazetteer import FULL

    f0 = example_ds.firms[0]
    twins = [
        dataclasses.replace(f0, uscc="91330106MA2E00011X", name="华通建材(杭州)有限公司", other_names=()),
        dataclasses.replace(f0, uscc="91330106MA2E00022X", name="华通建材(宁波)有限公司", other_names=()),
    ]
    gz = Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, *twins]))
    m = extract(normalize_text("检查华通建材（杭州）有限公司仓库"), gz)
    full = {gz.firms[i].name for i, h in m.firms.items() if h.level == FULL}
    assert full == {"华通建材(杭州)有限公司"}


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("网格员走访时发现曾家那个美容美发店消防通道被占用", True),
        ("被投诉方：曾家家的店，消防通道被占用", True),
        ("来电人称曾家的美容美发店在门口摆桌子", True),
        ("曾家的老板说会整改", False),  # 的 then a person, not a business word
    ],
)
def test_a_phrase_ending_in_a_business_word_after_a_zihao_says_a_business_is_meant(example_ds, text, cue):
    import dataclasses

    f0 = example_ds.firms[0]
    name = "衢州市衢江区曾家美容美发店"
    shop = dataclasses.replace(f0, uscc="92330803MA2G00010X", name=name, other_names=())
    gz = Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, shop]))
    hits = [h for i, h in extract(normalize_text(text), gz).firms.items() if gz.firms[i].uscc == shop.uscc]
    if cue:
        assert hits and all(h.cue for h in hits)
    else:
        assert not any(h.cue for h in hits)  # found or not, nothing says a business is meant


@pytest.fixture(scope="module")
def gz_keys(example_ds):
    """Keys that are also everyday words of addresses and trades: 老街 (an other name of 老街面馆,
    which is not on any 老街) and 图文 (the 字号 left of 图文设计部 and 图文广告设计工作室 once their
    trade is cut off); 森远建材店 sits at 衢山老街338号, and eight 图文快印店 make 图文快印 a trade word."""
    import dataclasses

    base = example_ds.firms[0]
    named = [
        ("92330803MA2D0A001X", "衢州市衢江区老街面馆", ("老街",), "樟潭路1号"),
        ("92330803MA2D0A002X", "衢州市衢江区图文设计部", (), "樟潭路2号"),
        ("92330803MA2D0A003X", "衢州市衢江区图文广告设计工作室", (), "樟潭路3号"),
        ("92330803MA2D0A004X", "衢州市衢江区森远建材店", (), "衢山老街338号"),
    ]
    firms = [
        dataclasses.replace(base, uscc=u, name=n, other_names=o, address=f"浙江省衢州市衢江区樟潭街道{a}")
        for u, n, o, a in named
    ]
    trade = [
        dataclasses.replace(
            base,
            uscc=f"92330803MA2D0B00{i}X",
            name=f"衢州市衢江区{z}记图文快印店",
            other_names=(),
            industry="租赁和商务服务业",
            address=f"浙江省衢州市衢江区樟潭街道樟潭路{10 + i}号",
        )
        for i, z in enumerate("甲乙丙丁戊己庚辛")
    ]
    return Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, *firms, *trade]))


def _named(gz: Gazetteer, text: str) -> set[str]:
    return {gz.firms[fi].uscc for fi in extract(normalize_text(text), gz).firms}


def test_a_key_inside_the_road_and_number_the_text_gives_is_the_address(gz_keys):
    assert "92330803MA2D0A001X" not in _named(gz_keys, "衢山老街338号建材公司油烟扰民")
    assert "92330803MA2D0A001X" in _named(gz_keys, "老街面馆油烟扰民")


def test_a_short_key_inside_a_trade_word_is_the_trade(gz_keys):
    assert [w.word for w in gz_keys.business.find("那家图文快印店")] == ["图文快印"]
    assert not {"92330803MA2D0A002X", "92330803MA2D0A003X"} & _named(
        gz_keys, "樟潭路那家图文快印店收费不合理"
    )
    assert "92330803MA2D0A002X" in _named(gz_keys, "图文设计部收费不合理")
