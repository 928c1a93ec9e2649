"""Chinese text normalisation: full-width to half-width, traditional to simplified, whitespace.

Events arrive as people type them (full-width digits, traditional characters, stray spaces) while
the registry is clean; both sides go through `normalize_text` so that matching compares like with
like. Conversions are cheap checks first (ASCII, already NFKC-normal) because ~1M texts pass here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

# Zero-width and byte-order marks: invisible, never part of a name, and not whitespace to str.split.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# The full-width ASCII block and the ideographic space, which nearly every Chinese text holds
# (，：（）): a translate table is cheaper than NFKC; NFKC then runs only for what is left.
_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "})
_HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@cache
def _t2s() -> opencc.OpenCC:
    """One converter per process: building it reads dictionaries from disk (milliseconds)."""
    return opencc.OpenCC("t2s")


def to_halfwidth(s: str) -> str:
    """Full-width letters, digits, spaces and punctuation (１２３ＡＢ（）：，) to ASCII via NFKC.

    NFKC also folds CJK compatibility ideographs and circled digits, which is what matching wants.
    Chinese punctuation without an ASCII twin (。、《》〔〕) is kept.
    """
    if s.isascii():
        return s
    if _HAS_FULLWIDTH.search(s):
        s = s.translate(_FULLWIDTH)
    if unicodedata.is_normalized("NFKC", s):
        return s
    return unicodedata.normalize("NFKC", s)


def to_simplified(s: str) -> str:
    """Traditional to simplified Chinese with OpenCC t2s (衢州宏達物流 -> 衢州宏达物流).

    Applied until it stops changing (at most three rounds): a few t2s mappings chain
    (薴 -> 苧 -> 苎), and a normaliser must be idempotent. Note that t2s also folds a few
    simplified surnames (於 -> 于); both registry and events are folded alike, so matches hold.
    """
    if s.isascii():
        return s
    conv = _t2s()
    try:
        out = conv.convert(s)
    except UnicodeEncodeError:  # lone surrogates, e.g. from a JSON "\ud800" escape
        s = _SURROGATE.sub("\ufffd", s)
        out = conv.convert(s)
    for _ in range(2):
        if out == s:
            break
        s, out = out, conv.convert(out)
    return out


def collapse_whitespace(s: str) -> str:
    """Runs of any Unicode whitespace to one ASCII space, stripped; invisible marks removed."""
    if not s.isascii() and _HAS_INVISIBLE.search(s):
        s = s.translate(_INVISIBLE)
    return " ".join(s.split())


def normalize_text(s: str | None) -> str:
    """Half-width, simplified, whitespace-collapsed text; '' for None. Never raises."""
    if not s:
        return ""
    if s.isascii():
        return " ".join(s.split())
    s = collapse_whitespace(to_simplified(to_halfwidth(s)))
    if not unicodedata.is_normalized("NFKC", s):
        s = collapse_whitespace(unicodedata.normalize("NFKC", s))
    return s


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")


def join_cjk(s: str) -> str:
    """Normalised text without the spaces between two Chinese characters (博 诚物业, 王  芳):
    Chinese puts no space between words, so such a space is a slip of typing, OCR or voice-to-text,
    or padding in a form, and would cut the name it falls in. Spaces beside digits and Latin stay."""
    return _CJK_GAP.sub("", s) if " " in s or "\u3000" in s else s


def normalize_address(s: str | None) -> str | None:
    """Canonical key of an Address node: normalised text with every space removed.

    The full address is kept (province included) so that two spellings of one place give one key:
    浙江省衢州市衢江区杜泽镇老街２３号, the same with half-width digits, spaces or traditional
    characters all map to 浙江省衢州市衢江区杜泽镇老街23号. None when nothing is left.
    """
    key = normalize_text(s).replace(" ", "")
    if not key.isascii() and not unicodedata.is_normalized("NFKC", key):
        key = unicodedata.normalize("NFKC", key)  # a removed space can let a combining mark compose
    return key or None
