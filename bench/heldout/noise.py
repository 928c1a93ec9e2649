"""Typing noise as it appears in real governance records: homophone slips of a pinyin input method,
traditional characters, full-width digits and phone numbers written the way people write them.

Independent of the synthetic generator: the homophone table is built here from pypinyin over the
3,755 level-1 GB2312 characters (the characters an input method offers first).
"""

from __future__ import annotations

import random
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
from pypinyin import Style, pinyin

_FW = str.maketrans("0123456789", "０１２３４５６７８９")


@lru_cache(maxsize=1)
def _level1_chars() -> list[str]:
    out: list[str] = []
    for b1 in range(0xB0, 0xD8):
        for b2 in range(0xA1, 0xFF):
            try:
                out.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


@lru_cache(maxsize=1)
def _char_freq() -> dict[str, int]:
    """Character frequency from jieba's word list: common homophones are the likely slips."""
    path = Path(jieba.__file__).parent / "dict.txt"
    freq: dict[str, int] = defaultdict(int)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].isdigit():
                for ch in parts[0]:
                    freq[ch] += int(parts[1])
    return freq


@lru_cache(maxsize=1)
def homophone_table() -> dict[str, tuple[str, ...]]:
    """char -> other level-1 chars with the same toneless reading (same tone first, common first)."""
    freq = _char_freq()
    by_plain: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ch in _level1_chars():
        tone = pinyin(ch, style=Style.TONE3, heteronym=False)[0][0]
        plain = tone.rstrip("012345")
        if not plain.isascii() or not plain.isalpha():
            continue
        by_plain[plain].append((ch, tone))
    table: dict[str, tuple[str, ...]] = {}
    for group in by_plain.values():
        for ch, tone in group:
            same = sorted((c for c, t in group if t == tone and c != ch), key=lambda c: -freq.get(c, 0))
            other = sorted((c for c, t in group if t != tone), key=lambda c: -freq.get(c, 0))
            if same or other:
                table[ch] = tuple(same + other)
    return table


def homophone_typo(text: str, rnd: random.Random, positions: list[int] | None = None) -> str | None:
    """`text` with one character swapped for a same-pinyin one, or None when no swap exists."""
    table = homophone_table()
    idx = positions if positions is not None else list(range(len(text)))
    idx = [i for i in idx if text[i] in table]
    if not idx:
        return None
    i = rnd.choice(idx)
    cands = table[text[i]]
    # same tone first: an input method shows those on the first page
    pick = cands[rnd.randrange(min(len(cands), 3))] if rnd.random() < 0.85 else rnd.choice(cands[:12])
    return text[:i] + pick + text[i + 1 :]


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def fullwidth_digits(text: str) -> str:
    return text.translate(_FW)


def write_phone(phone: str, rnd: random.Random) -> tuple[str, str]:
    """(phone as a person would type it, style tag). Styles keep every digit."""
    digits = phone.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        style = rnd.choice(["plain", "plain", "space", "dash", "fullwidth", "space_fw"])
        if style == "plain":
            return digits, style
        if style == "space":
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}", style
        if style == "dash":
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}", style
        if style == "fullwidth":
            return fullwidth_digits(digits), style
        return fullwidth_digits(f"{digits[:3]} {digits[3:7]} {digits[7:]}"), style
    area, _, local = phone.partition("-")
    if not local:
        return phone, "plain"
    style = rnd.choice(["plain", "noddash", "paren", "space", "fullwidth"])
    if style == "plain":
        return phone, style
    if style == "noddash":
        return area + local, style
    if style == "paren":
        return f"({area}){local}", style
    if style == "space":
        return f"{area} {local}", style
    return fullwidth_digits(phone), style


def phone_tail(phone: str) -> str:
    return phone.replace("-", "")[-4:]
