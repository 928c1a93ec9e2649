"""Property tests: normalisers never raise on arbitrary text, and are idempotent."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import (
    normalize_address,
    normalize_phone,
    normalize_resident_id,
    normalize_text,
    normalize_uscc,
    parse_date,
    parse_datetime,
    parse_float,
    parse_masked_id,
)

# Arbitrary Unicode plus a bias towards the characters these records contain.
_CHARS = st.one_of(
    st.characters(),
    st.sampled_from("０１２３４５６７８９ＡＸｘ＊*－-（）　 衢州宏達鎮號区省市年月日时分:/.+8613570"),
)
TEXT = st.text(_CHARS, max_size=40)


@settings(max_examples=400)
@given(TEXT)
def test_normalisers_never_raise(s: str) -> None:
    for fn in (
        normalize_text,
        normalize_address,
        normalize_phone,
        normalize_resident_id,
        normalize_uscc,
        parse_date,
        parse_datetime,
        parse_float,
        parse_masked_id,
    ):
        fn(s)


@settings(max_examples=400)
@given(TEXT)
def test_text_normalisers_are_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    key = normalize_address(s)
    if key is not None:
        assert normalize_address(key) == key


@settings(max_examples=300)
@given(TEXT)
def test_code_normalisers_are_idempotent(s: str) -> None:
    for fn in (normalize_phone, normalize_resident_id, normalize_uscc):
        once = fn(s)
        if once is not None:
            assert fn(once) == once


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mobile_shape_is_kept(s: str) -> None:
    assert normalize_phone(s) == s
