"""Codes as people write them: grouped, old 15-digit IDs, tails of a code, and codes with a slip.

Registry: the contract example plus seven namesakes 张伟 of 衢江区 (the example's 张伟 is the legal
representative of two firms): eight people of one name, told apart only by their ID numbers.
"""

from __future__ import annotations

import dataclasses

import pytest
from stdnum.cn import ric

from ingest.normalize import normalize_resident_id, normalize_uscc, resident_id_from_15
from resolution.code_slips import read_slip, registered_neighbours
from resolution.codes_in_text import find_codes
from resolution.links import Decision
from resolution.resolver import Resolver, ResolverConfig

REGION = "330803"
FIRM = "91330803MA2D00037J"  # 浙江廿里新材料科技有限公司
ZHANG = "330821197803120318"  # 张伟 of the example
NAMESAKES = (
    "330803198502140018", "330803199003030046", "33080319771111003X", "330803196605050040",
    "330803199212120056", "330803198308080066", "330803197501010073",
)  # fmt: skip


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.value) for c in find_codes(text)]


# ---------------------------------------------------------------- reading codes from prose
def test_a_uscc_written_in_groups_is_one_code():
    assert _kinds("统一社会信用代码：9133 0803 MA2D 0003 7J，无证经营") == [("uscc", FIRM)]
    assert _kinds("代码 91330803-MA2D0003-7J 的单位") == [("uscc", FIRM)]


def test_an_id_written_in_groups_is_one_id():
    pid = NAMESAKES[0]
    assert normalize_uscc(pid) is None  # an ID that is not also a valid USCC
    assert _kinds(f"身份证号 {pid[:6]} {pid[6:14]} {pid[14:]}，在路边摆摊") == [("resident_id", pid)]


def test_digits_valid_as_both_codes_are_what_the_registry_holds(resolver):
    assert normalize_uscc(ZHANG) == ZHANG  # one digit string in 31 passes both checks
    assert _kinds(f"身份证号{ZHANG}") == [("uscc_or_rid", ZHANG)]
    got = _linked(resolver, f"当事人（身份证号{ZHANG[:6]} {ZHANG[6:14]} {ZHANG[14:]}）在路边摆摊")
    assert got.get(ZHANG) is Decision.AUTO_LINK


def test_an_old_fifteen_digit_id_after_the_word_id_becomes_its_18_digit_form():
    old = ZHANG[:6] + ZHANG[8:17]
    assert resident_id_from_15(old) == ZHANG
    assert _kinds(f"当事人张伟（身份证号{old}）") == [("resident_id", ZHANG)]
    # fifteen digits with nothing saying they are an ID (an old registration number) are not one
    assert not any(k == "resident_id" for k, _ in _kinds(f"注册号{old}"))


def test_the_tail_of_an_id_is_not_a_phone_tail():
    assert _kinds("当事人张伟，身份证号码后四位0318") == [("rid_tail", "0318")]
    assert _kinds("老板电话尾号0318") == [("phone_tail", "0318")]


def test_the_tail_of_a_uscc():
    assert _kinds("一家店（信用代码后六位00037j）") == [("uscc_tail", "00037J")]


def test_a_code_failing_its_check_is_a_slip_to_be_read_against_the_registry():
    bad = FIRM[:10] + "E" + FIRM[11:]  # one character mistyped
    assert normalize_uscc(bad) is None
    assert _kinds(f"统一社会信用代码{bad}的单位") == [("slip", bad)]
    # a long number that is laid out like neither code is no slip
    assert _kinds("订单号ABCDEFGHJKLMNPQRTU") == []


# ---------------------------------------------------------------- reading a slip
def _registry(*codes: str):
    """Firms' USCCs (they have letters or start with 9) and people's IDs, asked by kind."""
    held = {("uscc" if not c.isdigit() or c[0] == "9" else "resident_id", c) for c in codes}
    return lambda kind, code: (kind, code) in held


@pytest.mark.parametrize(
    "written",
    [
        FIRM[:10] + "E" + FIRM[11:],  # substituted
        FIRM[:4] + FIRM[5] + FIRM[4] + FIRM[6:],  # two swapped
        FIRM[:5] + FIRM[6:],  # one dropped
        FIRM[:5] + "7" + FIRM[5:],  # one doubled
    ],
)
def test_a_slipped_uscc_reads_as_the_registered_code_one_edit_away(written):
    assert read_slip(written, _registry(FIRM, ZHANG)) == ("uscc", FIRM)


def test_a_slipped_id_reads_as_the_registered_id():
    written = ZHANG[:8] + "8" + ZHANG[9:]  # 1978 heard as 1988
    assert normalize_resident_id(written) is None
    assert read_slip(written, _registry(FIRM, ZHANG)) == ("resident_id", ZHANG)


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_a_slip_two_registered_codes_could_be_is_left_unread():
    # a and b differ in the 16th digit (and so in the check digit); written with a's 16th digit and
    # b's check digit it is one edit from each
    a = _with_check(ZHANG[:15] + "1" + ZHANG[16])
    b = next(c for d in "023456789" if (c := _with_check(ZHANG[:15] + d + ZHANG[16]))[17] != a[17])
    written = a[:17] + b[17]
    assert registered_neighbours(written, _registry(a, b)) == {("resident_id", a), ("resident_id", b)}
    assert read_slip(written, _registry(a, b)) is None
    assert read_slip(written, _registry(a)) == ("resident_id", a)
    assert read_slip(written, _registry()) is None  # nothing registered near it


# ---------------------------------------------------------------- through the resolver
@pytest.fixture(scope="module")
def resolver(example_ds):
    zhang = next(p for p in example_ds.persons if p.person_id == ZHANG)
    namesakes = [dataclasses.replace(zhang, person_id=pid, phone=None) for pid in NAMESAKES]
    persons = [*example_ds.persons, *namesakes]
    ds = dataclasses.replace(example_ds, persons=persons, events=[], credit_records=[])
    return Resolver.from_dataset(ds, ResolverConfig(fit_em=False))


def _linked(resolver: Resolver, text: str) -> dict[str, Decision]:
    got = resolver.resolve_text(text, REGION)
    return {c.entity_id: c.decision for c in got if c.decision is not Decision.REJECTED}


def test_a_mistyped_uscc_links_its_firm_and_says_so(resolver):
    bad = FIRM[:10] + "E" + FIRM[11:]
    got = [c for c in resolver.resolve_text(f"检查发现统一社会信用代码{bad}的单位存在消防隐患", REGION)]
    firm = next(c for c in got if c.entity_id == FIRM)
    assert firm.decision is Decision.AUTO_LINK
    assert "one slip" in firm.evidence


def test_an_unreadable_code_links_nobody(resolver):
    assert _linked(resolver, "检查发现统一社会信用代码91330803MA2Q99999E的单位存在消防隐患") == {}


def test_the_tail_of_an_id_tells_namesakes_apart(resolver):
    target = NAMESAKES[1]
    got = _linked(resolver, f"当事人张伟（身份证后四位{target[-4:]}）在路边摆摊")
    assert got.get(target) is Decision.AUTO_LINK
    assert not any(pid in got for pid in (ZHANG, *NAMESAKES) if pid != target)


def test_without_the_tail_the_namesakes_are_not_told_apart(resolver):
    got = _linked(resolver, "当事人张伟在路边摆摊")
    assert got.get(NAMESAKES[1]) is not Decision.AUTO_LINK


def test_an_id_tail_alone_proposes_nobody(resolver):
    assert _linked(resolver, f"身份证后四位{NAMESAKES[1][-4:]}的当事人在路边摆摊") == {}


# ---------------------------------------------------------------- landlines without an area code
def test_a_landline_quoted_without_its_area_code_is_a_local_number():
    assert _kinds("联系电话：345-6789，") == [("local_phone", "3456789")]
    assert _kinds("座机0570-3456789") == [("phone", "0570-3456789")]


def test_the_area_code_of_a_city_is_learned_from_its_registered_landlines(resolver):
    assert resolver.gz.area_codes["3308"] == "0570"


def test_a_local_number_links_the_firm_of_the_records_city(resolver):
    food = "91330803MA2D00029P"  # 衢州杜泽食品有限公司, 0570-3456789
    assert _linked(resolver, "一家食品厂，电话3456789，夜间噪音扰民").get(food) is Decision.AUTO_LINK
    got = resolver.resolve_text("一家食品厂，电话3456789，夜间噪音扰民", "330106")  # 杭州: 0571-3456789
    assert food not in {c.entity_id for c in got if c.decision is Decision.AUTO_LINK}
