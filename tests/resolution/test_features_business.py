"""The business comparison of a (record, firm) pair: the text's trade words against the firm's industry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from ingest.normalize import normalize_text
from resolution.business import FITS, NULL, OTHER
from resolution.features import FIRM_NAMES, RecordContext, build_pairs
from resolution.gazetteer import Gazetteer
from resolution.mentions import extract

BUSINESS = FIRM_NAMES.index("business")
_ZIHAO = "甲乙丙丁戊己庚辛壬癸"


_TRADES = (("面馆", "餐饮业"), ("五金店", "批发和零售业"))


def _with_shops(
    example_ds, zihao: Callable[[int, str], str], address: Callable[[int, int], str] | None = None
):
    """The example registry plus a noodle shop and a hardware shop for each of `_ZIHAO`, named
    衢州市衢江区{zihao(i, z)}{trade}, at `address(i, j)` when given."""
    base = example_ds.firms[0]
    extra = [
        dataclasses.replace(
            base,
            uscc=f"92330803MA2D{i:02d}{j}00X",
            name=f"衢州市衢江区{zihao(i, z)}{tail}",
            other_names=(),
            industry=industry,
            **({"address": address(i, j)} if address else {}),
        )
        for i, z in enumerate(_ZIHAO)
        for j, (tail, industry) in enumerate(_TRADES)
    ]
    return Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, *extra]))


@pytest.fixture(scope="module")
def gz(example_ds):
    """The example registry plus ten noodle shops and ten hardware shops, two of them both 荣昶."""
    return _with_shops(example_ds, lambda i, z: "荣昶" if i == 0 else z + "记")


def _levels(gz: Gazetteer, text: str) -> dict[str, int]:
    t = normalize_text(text)
    ctx = RecordContext("events", "E1", t, t, "330803", None)
    pairs = build_pairs(ctx, extract(t, gz), gz)
    return {gz.firms[fi].name: row[BUSINESS] for fi, row in zip(pairs.firm_idx, pairs.firm_rows, strict=True)}


def test_the_trade_word_tells_two_firms_of_one_zihao_apart(gz):
    levels = _levels(gz, "荣昶那家面馆油烟扰民，楼上住户窗户都不敢开")
    assert levels["衢州市衢江区荣昶面馆"] == FITS
    assert levels["衢州市衢江区荣昶五金店"] == OTHER


def test_no_trade_word_leaves_the_comparison_neutral(gz):
    levels = _levels(gz, "荣昶那家店门口占道经营")
    assert set(levels.values()) == {NULL}


def test_a_trade_word_inside_the_firms_own_name_is_not_counted_twice(gz):
    levels = _levels(gz, "荣昶面馆油烟扰民")
    assert levels["衢州市衢江区荣昶面馆"] == NULL  # 面馆 is part of the name hit itself


@pytest.mark.parametrize("joiner", ["和", "、", "与", "，"])
def test_the_next_firm_of_a_list_lends_the_first_no_trade(gz, joiner):
    # 甲记 has a noodle shop and a hardware shop: 五金店 after 和 is the next firm's trade
    levels = _levels(gz, f"荣昶{joiner}乙记五金店都在门口占道经营")
    assert levels["衢州市衢江区荣昶面馆"] == NULL
    assert levels["衢州市衢江区荣昶五金店"] == NULL


def test_a_zihao_written_on_into_its_own_trade_words_is_that_firm_by_its_core(example_ds):
    """百邦土菜 for 百邦土菜馆: the 字号 with part of the firm's own industry words names the firm by
    more than its 字号, and outranks the 百邦 firms of other trades."""
    base = example_ds.firms[0]
    names = ["衢州市衢江区百邦土菜馆", "衢州市衢江区百邦五金店", "衢州市衢江区百邦建材商行"]
    extra = [
        dataclasses.replace(base, uscc=f"92330803MA2F{i:02d}000X", name=n, other_names=(), industry="餐饮业")
        for i, n in enumerate(names)
    ]
    gz = Gazetteer(dataclasses.replace(example_ds, firms=[*example_ds.firms, *extra]))
    t = normalize_text("执法人员对百邦土菜进行检查，发现食品原料未索证索票")
    pairs = build_pairs(RecordContext("events", "E1", t, t, "330803", None), extract(t, gz), gz)
    name = {gz.firms[fi].name: row[0] for fi, row in zip(pairs.firm_idx, pairs.firm_rows, strict=True)}
    assert name["衢州市衢江区百邦土菜馆"] > name["衢州市衢江区百邦五金店"]
    assert name["衢州市衢江区百邦五金店"] == name["衢州市衢江区百邦建材商行"]


ADDRESS = FIRM_NAMES.index("address")


@pytest.fixture(scope="module")
def tower(example_ds):
    """The twenty shops again, four of them in one tower (新安路56号): 甲记面馆 and the 乙/丙/丁
    hardware shops; the others on roads of their own."""

    def address(i: int, j: int) -> str:
        in_tower = (i, j) in {(0, 0), (1, 1), (2, 1), (3, 1)}
        where = f"新安路56号望松大厦{i}{j}01室" if in_tower else f"樟潭路{100 + 2 * i + j}号"
        return f"浙江省衢州市衢江区樟潭街道{where}"

    return _with_shops(example_ds, lambda i, z: z + "记", address)


def _address_levels(gz: Gazetteer, text: str) -> dict[str, int]:
    t = normalize_text(text)
    pairs = build_pairs(RecordContext("events", "E1", t, t, "330803", None), extract(t, gz), gz)
    return {gz.firms[fi].name: row[ADDRESS] for fi, row in zip(pairs.firm_idx, pairs.firm_rows, strict=True)}


def test_a_shared_road_and_number_with_the_one_trade_there_names_that_firm(tower):
    levels = _address_levels(tower, "新安路56号面馆油烟扰民")
    assert levels["衢州市衢江区甲记面馆"] == 2  # the one noodle shop of the tower
    assert levels["衢州市衢江区乙记五金店"] == 1


def test_a_shared_road_and_number_with_a_trade_several_there_share_names_none(tower):
    levels = _address_levels(tower, "新安路56号五金店占道经营")
    assert {levels[f"衢州市衢江区{z}记五金店"] for z in "乙丙丁"} == {1}


def test_a_shared_road_and_number_alone_names_none(tower):
    assert set(_address_levels(tower, "新安路56号门口占道经营").values()) <= {1}
