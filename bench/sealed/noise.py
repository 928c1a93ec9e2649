"""How text gets damaged on its way in: traditional characters, full-width digits, voice-to-text
homophones (a character replaced by another with the same pinyin), typed spaces."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable

import opencc
from pypinyin import lazy_pinyin

_S2T = opencc.OpenCC("s2t")
_FULL = str.maketrans(
    "0123456789ABCDEFGHJKLMNPQRTUWXY-", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ－"
)


def traditional(text: str) -> str:
    return str(_S2T.convert(text))


def fullwidth(text: str) -> str:
    """Digits and code letters to their full-width forms (as IMEs in full-width mode type them)."""
    return text.translate(_FULL)


class Homophones:
    """Same-sound replacements drawn from characters people commonly type (the registry's own names
    give a frequency-weighted pool of real-use characters)."""

    def __init__(self, texts: Iterable[str]) -> None:
        count: dict[str, int] = defaultdict(int)
        for t in texts:
            for ch in t:
                if "\u4e00" <= ch <= "\u9fff":
                    count[ch] += 1
        self.by_sound: dict[str, list[str]] = defaultdict(list)
        common = [c for c, n in sorted(count.items(), key=lambda kv: -kv[1]) if n >= 3][:2500]
        sounds = lazy_pinyin("".join(common))
        for ch, py in zip(common, sounds, strict=True):
            self.by_sound[py].append(ch)

    def slip(self, word: str, rng: random.Random) -> str:
        """One character of `word` replaced by another with the same toneless pinyin, if any."""
        idx = list(range(len(word)))
        rng.shuffle(idx)
        for i in idx:
            ch = word[i]
            others = [c for c in self.by_sound.get(lazy_pinyin(ch)[0], []) if c != ch]
            if others:
                return word[:i] + rng.choice(others[:8]) + word[i + 1 :]
        return word


def mask_phone(phone: str, rng: random.Random) -> str:
    """A mobile as a work order shows it: 139****1234, or only its tail."""
    if len(phone) == 11 and phone.isdigit():
        return rng.choice([phone[:3] + "****" + phone[-4:], phone[:3] + "*****" + phone[-3:]])
    return phone


def random_mobile(rng: random.Random, taken: set[str]) -> str:
    """A mobile number that no registered firm or person uses."""
    while True:
        n = rng.choice(["13", "15", "18", "17", "19"]) + "".join(rng.choice("0123456789") for _ in range(9))
        if n not in taken:
            return n
