"""Business words in free text against a firm's registered industry: 照相馆, 饭店, 化工, 茶叶店.

A record that names no firm, or only a 字号 many firms share, still says what kind of business it
is about ("珍贝路489号照相馆", "大胖面馆", "那家化工厂"). Which industry a word points to is learned
from the registry itself, never from a hand list: every registered name ends in words of its trade
(面馆, 副食品店, 新材料科技), and the industries of the firms whose names end in a word give that
word's distribution over industries. A city's registry teaches its own vocabulary, at its own size.

The comparison level of a (record, firm) pair is the best agreement between any business word of the
text and the firm's industry: a text about a 饭店 next to a 五金店 fits both; only a text whose every
business word belongs to other industries counts against a firm.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

NULL = -1
OTHER, MAY_FIT, FITS = 0, 1, 2
MIN_FIRMS = 8  # a word seen at the end of fewer registered names says too little about an industry
MIN_NAMES = 4  # ... or at the end of fewer different names (a chain's branches are one name)
FIT_SHARE = 0.5  # share of the word's firms in the firm's industry for "fits"
MAY_SHARE = 0.1  # ... for "may fit"
_LENGTHS = range(2, 6)


@dataclass(frozen=True, slots=True)
class BusinessWord:
    """A business word found in text, with its span."""

    word: str
    start: int
    end: int


class BusinessVocabulary:
    """Name-tail words of the registry with their distribution over registered industries."""

    def __init__(self, shares: dict[str, dict[str, float]]) -> None:
        self.shares = shares
        self._auto = ahocorasick.Automaton()
        for word in shares:
            self._auto.add_word(word, (word, len(word)))
        if len(self._auto):
            self._auto.make_automaton()

    @classmethod
    def learn(
        cls, cores: Sequence[str], industries: Sequence[str | None], places: Iterable[str] = ()
    ) -> BusinessVocabulary:
        """Learn from the registered cores (names without place and legal form) and industries.

        Every ending of 2-5 characters that leaves at least two characters of 字号 is a candidate
        word; a word is kept when enough firms with enough different names end in it and they
        carry an industry. Place words (杜泽, 老街) are left out: they say where, not what.
        """
        skip = set(places)
        firms: dict[str, Counter[str]] = defaultdict(Counter)
        names: dict[str, set[str]] = defaultdict(set)
        for core, industry in zip(cores, industries, strict=True):
            if not industry:
                continue
            for n in _LENGTHS:
                if len(core) - n < 2:
                    break
                word = core[-n:]
                if word in skip:
                    continue
                firms[word][industry] += 1
                names[word].add(core)
        shares: dict[str, dict[str, float]] = {}
        for word, by_industry in firms.items():
            total = sum(by_industry.values())
            if total >= MIN_FIRMS and len(names[word]) >= MIN_NAMES:
                shares[word] = {ind: k / total for ind, k in by_industry.items()}
        return cls(shares)

    def find(self, text: str) -> list[BusinessWord]:
        """Business words of `text`, longest first where they overlap (副食品店 over 食品)."""
        if not text or not len(self._auto):
            return []
        hits = sorted(
            ((end - n + 1, end + 1, word) for end, (word, n) in self._auto.iter(text)),
            key=lambda h: (h[0] - h[1], h[0]),
        )
        kept: list[BusinessWord] = []
        for s, e, word in hits:
            if any(k.start < e and s < k.end for k in kept):
                continue
            kept.append(BusinessWord(word, s, e))
        kept.sort(key=lambda w: w.start)
        return kept

    def level(self, words: Sequence[BusinessWord], industry: str | None) -> int:
        """FITS / MAY_FIT / OTHER for a firm of `industry`; NULL when there is nothing to compare."""
        if not words or not industry:
            return NULL
        best = max(self.shares[w.word].get(industry, 0.0) for w in words)
        if best >= FIT_SHARE:
            return FITS
        return MAY_FIT if best >= MAY_SHARE else OTHER
