"""Where a surname form (老叶, 姚老板) finds its person: a firm the text names, or one its address,
trade and a holder of that surname single out.

Registry: the contract example plus ten barber shops of 衢江区 on 学院路 (so that 理发店 is learned
as a trade word); 姚杰勇 runs the one at 学院路42号, 姚丽 another (so 姚老板的理发店 alone could be
either) and 叶明 runs 乙记建材商行. Two firms of another city (杭州) are registered at a 学院路42号
too, and 开化县老叶经营部 has the 字号 老叶. 徐波 runs 车站豆腐坊.
"""

from __future__ import annotations

import dataclasses

import pytest

from ingest.normalize import normalize_text
from ingest.records import Role, SubjectType
from resolution.features import FIRM_NAMES, PERSON_NAMES, RecordContext, build_pairs
from resolution.gazetteer import Gazetteer
from resolution.mentions import extract

REGION = "330803"
ADDRESS = FIRM_NAMES.index("address")
FIRM = PERSON_NAMES.index("firm")
_ZIHAO = "甲乙丙丁戊己庚辛壬癸"
YAO, YE, YAO2 = "330803198001010011", "330803198101010021", "330803198201010031"
XU = "330803198301010041"


def _uscc(i: int) -> str:
    return f"92330803MA2E{i:02d}000X"


@pytest.fixture(scope="module")
def gz(example_ds):
    firm0, person0, aff0 = example_ds.firms[0], example_ds.persons[0], example_ds.affiliations[0]

    def firm(i: int, name: str, address: str, region: str, industry: str):
        return dataclasses.replace(
            firm0, uscc=_uscc(i), name=name, other_names=(), address=address, region_code=region,
            industry=industry, legal_rep_id=None, legal_rep_name=None, phone=None,
        )  # fmt: skip

    firms = [
        firm(i, f"衢州市衢江区{z}记理发店", f"浙江省衢州市衢江区学院路{40 + 2 * i}号", REGION, "居民服务业")
        for i, z in enumerate(_ZIHAO)
    ]
    firms += [
        firm(10, "衢州市衢江区乙记建材商行", "浙江省衢州市衢江区廿里镇振兴路9号", REGION, "批发和零售业"),
        firm(11, "开化县老叶经营部", "浙江省衢州市开化县华埠镇东街1号", "330824", "批发和零售业"),
        firm(12, "杭州甲子科技有限公司", "浙江省杭州市西湖区学院路42号", "330106", "软件和信息技术服务业"),
        firm(13, "杭州乙丑文化有限公司", "浙江省杭州市西湖区学院路42号", "330106", "文化艺术业"),
        firm(14, "衢州市衢江区车站豆腐坊", "浙江省衢州市衢江区樟潭街道车站路3号", REGION, "农副食品加工业"),
    ]
    persons = [
        dataclasses.replace(person0, person_id=YAO, name="姚杰勇", phone=None),
        dataclasses.replace(person0, person_id=YE, name="叶明", phone=None),
        dataclasses.replace(person0, person_id=YAO2, name="姚丽", phone=None),
        dataclasses.replace(person0, person_id=XU, name="徐波", phone=None),
    ]
    affs = [
        dataclasses.replace(
            aff0, holder_type=SubjectType.PERSON, holder_id=pid, firm_uscc=_uscc(i), role=Role.OPERATOR
        )
        for pid, i in ((YAO, 1), (YE, 10), (YAO2, 4), (XU, 14))
    ]
    ds = dataclasses.replace(
        example_ds,
        firms=[*example_ds.firms, *firms],
        persons=[*example_ds.persons, *persons],
        affiliations=[*example_ds.affiliations, *affs],
        events=[],
        credit_records=[],
    )
    return Gazetteer(ds)


def _pairs(gz: Gazetteer, text: str, region: str | None = REGION):
    t = normalize_text(text)
    return build_pairs(RecordContext("events", "E1", t, t, region, None), extract(t, gz), gz)


def _person_firm_levels(gz: Gazetteer, text: str) -> dict[str, int]:
    pr = _pairs(gz, text)
    rows = zip(pr.person_idx, pr.person_rows, strict=True)
    return {gz.persons[pi].person_id: row[FIRM] for pi, row in rows}


def test_a_zihao_that_is_a_surname_form_with_a_role_word_is_the_person(gz):
    m = extract(normalize_text("衢州市衢江区乙记建材商行，负责人老叶，现场检查发现灭火器过期"), gz)
    assert [sf.form for sf in m.surname_forms] == ["老叶"]
    assert not any(gz.firms[fi].name == "开化县老叶经营部" for fi in m.firms)
    assert _person_firm_levels(gz, "衢州市衢江区乙记建材商行，负责人老叶，现场检查发现灭火器过期")[YE] == 2


def test_the_same_zihao_with_a_business_word_is_the_firm(gz):
    m = extract(normalize_text("开化县老叶经营部门口堆放杂物"), gz)
    assert any(gz.firms[fi].name == "开化县老叶经营部" for fi in m.firms)
    assert m.surname_forms == []


def test_address_trade_and_surname_single_out_the_firm_and_so_its_holder(gz):
    assert _person_firm_levels(gz, "学院路42号那家理发店的姚老板占道经营") == {YAO: 2}


def test_without_the_trade_the_address_does_not_lend_the_surname_form_a_firm(gz):
    assert YAO not in _person_firm_levels(gz, "学院路42号的姚老板占道经营")


def test_a_road_and_number_is_counted_among_the_records_city(gz):
    # 学院路42号 of 衢州 is one barber shop's; two firms of 杭州 are registered at a 学院路42号 too
    assert _person_firm_levels(gz, "学院路42号那家理发店的姚老板占道经营") == {YAO: 2}
    t = normalize_text("学院路42号那家理发店的姚老板占道经营")
    no_region = build_pairs(RecordContext("events", "E1", t, t, None, None), extract(t, gz), gz)
    assert not no_region.person_idx  # without the record's city the address is not the shop's


def test_a_firm_heard_by_a_name_no_other_firm_has_lends_its_holders_the_firm(gz):
    # 彻站豆腐坊 is 车站豆腐坊 misheard: the firm is named, so 徐波 (and 徐老板) holds a role at it
    assert _person_firm_levels(gz, "来电人反映徐波经营的彻站豆腐坊把泔水倒进雨水井")[XU] >= 1
    assert _person_firm_levels(gz, "来电人反映彻站豆腐坊的徐老板把泔水倒进雨水井") == {XU: 2}
