"""Text and address normalisation: full-width, traditional, whitespace."""

import pytest

from ingest.normalize import join_cjk, normalize_address, normalize_text, to_halfwidth, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３９０５７０８８８８", "13905708888"),
        ("ＡＢＣ　ｘｙｚ", "ABC xyz"),
        ("（统一社会信用代码）：", "(统一社会信用代码):"),
        ("衢环罚〔2024〕15号。", "衢环罚〔2024〕15号。"),
    ],
)
def test_to_halfwidth(raw: str, expected: str) -> None:
    assert to_halfwidth(raw) == expected


def test_to_simplified_converts_traditional_and_keeps_simplified() -> None:
    assert to_simplified("衢州宏達物流有限公司車輛在廿里鎮違停") == "衢州宏达物流有限公司车辆在廿里镇违停"
    assert to_simplified("衢州宏达物流有限公司") == "衢州宏达物流有限公司"
    assert to_simplified("plain ascii") == "plain ascii"


def test_to_simplified_reaches_a_fixpoint_on_chained_mappings() -> None:
    once = to_simplified("薴")
    assert to_simplified(once) == once


def test_normalize_text_event_e8() -> None:
    raw = "衢州宏達物流有限公司車輛在廿里鎮違停，聯繫電話１３９０５７０８８８８。"
    assert normalize_text(raw) == "衢州宏达物流有限公司车辆在廿里镇违停,联系电话13905708888。"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000\u200b"])
def test_normalize_text_empty(raw: str | None) -> None:
    assert normalize_text(raw) == ""


def test_normalize_text_collapses_whitespace() -> None:
    assert normalize_text("  杜泽\t\n老街\u3000 23号 ") == "杜泽 老街 23号"


def test_address_spellings_share_one_key() -> None:
    spellings = [
        "浙江省衢州市衢江区杜泽镇老街23号",
        "浙江省衢州市衢江区杜泽镇老街２３号",
        "浙江省 衢州市 衢江區杜澤鎮老街 23 号",
        "　浙江省衢州市衢江区杜泽镇老街２３号\n",
    ]
    keys = {normalize_address(s) for s in spellings}
    assert keys == {"浙江省衢州市衢江区杜泽镇老街23号"}


def test_address_empty_is_none() -> None:
    assert normalize_address("  ") is None
    assert normalize_address(None) is None


def test_fast_halfwidth_path_agrees_with_nfkc() -> None:
    import unicodedata

    block = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
    assert to_halfwidth(block) == unicodedata.normalize("NFKC", block)
    mixed = "统一社会信用代码：９１３３０８０３ＭＡ２Ｄ０００３７Ｊ①㈠"
    assert to_halfwidth(mixed) == unicodedata.normalize("NFKC", mixed)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("博 诚物业管理", "博诚物业管理"),  # a stray space inside a name
        ("姓名：王  芳", "姓名:王芳"),  # a form's padding
        ("万全公司 1月28日", "万全公司 1月28日"),  # beside digits: kept
        ("电话 13857012345 王芳", "电话 13857012345 王芳"),
    ],
)
def test_join_cjk_removes_only_spaces_between_chinese_characters(raw: str, expected: str) -> None:
    assert join_cjk(normalize_text(raw)) == expected
