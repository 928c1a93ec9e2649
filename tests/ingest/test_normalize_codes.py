"""USCC, resident IDs and published masks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from ingest.normalize import is_masked, normalize_resident_id, normalize_uscc, parse_masked_id

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check_digit(first17: str) -> str:
    """GB 11643 check digit computed independently of stdnum."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def test_valid_resident_ids() -> None:
    assert normalize_resident_id("330821196911200177") == "330821196911200177"
    assert normalize_resident_id("３３０８２１ １９６９ １１２０ ０１７７") == "330821196911200177"


def test_330821_prefix_accepted_although_stdnum_validate_rejects_it() -> None:
    rid = with_check_digit("33082119780312031")
    with pytest.raises(Exception):  # noqa: B017 - stdnum's InvalidComponent, the reason we check ourselves
        ric.validate(rid)
    assert normalize_resident_id(rid) == rid


def test_x_check_digit_is_upper_cased() -> None:
    candidates = (with_check_digit(f"33082119800101{seq:03d}") for seq in range(1000))
    rid = next(c for c in candidates if c.endswith("X"))
    assert normalize_resident_id(rid.lower()) == rid


@pytest.mark.parametrize(
    "bad",
    [
        "330821196911200178",  # wrong check digit
        "33082119691120017",  # too short
        "330821196902300171",  # 30 February
        "33082119691120017A",  # letter other than X
        "030821196911200177",  # leading zero
        "",
        None,
    ],
)
def test_invalid_resident_ids(bad: str | None) -> None:
    assert normalize_resident_id(bad) is None


def test_resident_id_with_impossible_date_but_right_digit_is_rejected() -> None:
    assert normalize_resident_id(with_check_digit("33082119690230017")) is None


def test_uscc() -> None:
    assert normalize_uscc("91330803ma2d00037j") == "91330803MA2D00037J"
    assert normalize_uscc(" ９１３３０８０３ＭＡ２Ｄ０００３７Ｊ ") == "91330803MA2D00037J"
    assert normalize_uscc("91330803MA2D00037K") is None
    assert normalize_uscc("91330803MA2D0003") is None
    assert normalize_uscc(None) is None


FULL = "330821196911200177"


@pytest.mark.parametrize(
    ("mask", "prefix", "suffix", "total"),
    [
        ("330821********0177", "330821", "0177", 18),
        ("3308**********0177", "3308", "0177", 18),
        ("330821****1120017７", "330821", "11200177", 18),
        ("330821＊＊＊＊＊＊＊＊0177", "330821", "0177", 18),
        ("330821****0177", "330821", "0177", None),
    ],
)
def test_masks_match_the_full_id(mask: str, prefix: str, suffix: str, total: int | None) -> None:
    m = parse_masked_id(mask)
    assert m is not None
    assert (m.prefix, m.suffix, m.total_length, m.kind) == (prefix, suffix, total, "resident_id")
    assert m.matches(FULL)
    assert not m.matches("330821196911200285")
    assert not m.matches("330102196911200177")


def test_mask_with_x_suffix() -> None:
    m = parse_masked_id("330821****1120017x")
    assert m is not None and m.suffix == "1120017X"
    assert m.matches("33082119691120017X")
    assert not m.matches(FULL)


def test_masked_uscc() -> None:
    m = parse_masked_id("91330803MA****037J")
    assert m is not None and m.kind == "uscc"
    assert m.matches("91330803MA2D00037J")
    assert not m.matches("91330803MA2D00045D")


@pytest.mark.parametrize("text", ["330821196911200177", "", None, "********", "张*国"])
def test_not_a_usable_mask(text: str | None) -> None:
    assert parse_masked_id(text) is None


def test_is_masked() -> None:
    assert is_masked("330821********0177")
    assert not is_masked("330821196911200177")
    assert not is_masked(None)


@settings(max_examples=500)
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ", min_size=17, max_size=17))
def test_uscc_agrees_with_stdnum(body: str) -> None:
    check = uscc.calc_check_digit(body + "0") if all(c in _ALPHABET for c in body) else "0"
    for code in (body + check, body + ("1" if check != "1" else "2")):
        expected = uscc.is_valid(code)
        assert (normalize_uscc(code) == code) is expected
        assert (normalize_uscc(code.lower()) is not None) is expected
