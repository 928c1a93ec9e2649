"""Identifier codes: USCC (GB 32100), resident ID numbers (GB 11643) and published masks of both.

Normalisers return the canonical code or None; they never raise (house style 7). Resident IDs are
checked by their check digit and birth date only: the 6-digit prefix is the division code in force
when the number was issued, which may no longer exist (330821, former Qu County), so stdnum's
`cn.ric.validate` — which checks the prefix against the birth date — would reject real people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric

from ingest.text import to_halfwidth

# Separators people put inside codes: spaces of any width, dashes, dots.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.·]+")
_RIC_SHAPE = re.compile(r"[1-9]\d{16}[\dX]")
# Characters that publications use to hide digits; NFKC already turns ＊ into *.
_MASK_CHARS = "*●•×"
_MASK_SHAPE = re.compile(r"[0-9A-Z*]+")
_EARLIEST_BIRTH_YEAR = 1880
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _compact(s: str) -> str:
    return _SEPARATORS.sub("", to_halfwidth(s)).upper()


def normalize_uscc(s: str | None) -> str | None:
    """Canonical 18-character upper-case USCC, or None when it fails the GB 32100 check.

    The same rules as `stdnum.cn.uscc.validate` (8 digits, then the 31-character alphabet, then the
    check character), computed with a lookup table: stdnum's version costs ~35 µs a code, too slow
    for millions of references. A test holds the two in agreement.
    """
    if not s:
        return None
    code = s if len(s) == 18 and s.isascii() and s.isalnum() and s.isupper() else _compact(s)
    if len(code) != 18 or not code[:8].isdigit() or not code.isascii():
        return None
    total = 0
    try:
        for ch, weight in zip(code, _USCC_WEIGHTS, strict=False):
            total += _USCC_VALUE[ch] * weight
    except KeyError:
        return None
    if code[17] not in _USCC_VALUE or _USCC_ALPHABET[(31 - total) % 31] != code[17]:
        return None
    return code


def normalize_resident_id(s: str | None) -> str | None:
    """Canonical 18-character resident ID (upper-case X), or None.

    Valid when the check digit agrees and characters 7-14 are a real birth date; the region
    prefix is deliberately not checked against the birth date (see the module docstring).
    """
    if not s:
        return None
    code = _compact(s)
    if not _RIC_SHAPE.fullmatch(code):
        return None
    if birth_date_of(code) is None:
        return None
    try:
        # stdnum's calc_check_digit takes the whole number, check digit included, and ignores it.
        ok = ric.calc_check_digit(code) == code[17]
    except Exception:
        return None
    return code if ok else None


def resident_id_from_15(old: str) -> str | None:
    """The 18-digit form of a 15-digit ID issued before 1999 (birth year 19xx, check digit added),
    or None when the birth date is not a date."""
    if len(old) != 15 or not old.isdigit():
        return None
    body = old[:6] + "19" + old[6:]
    return normalize_resident_id(body + ric.calc_check_digit(body + "0"))


def birth_date_of(resident_id: str) -> date | None:
    """Birth date encoded in an 18-character resident ID, or None when it is not a real date."""
    try:
        born = date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
    except (ValueError, IndexError):
        return None
    return born if born.year >= _EARLIEST_BIRTH_YEAR else None


@dataclass(frozen=True, slots=True)
class MaskedId:
    """A published code with hidden characters, e.g. 330821********0177.

    `pattern` keeps visible characters in place and '*' for hidden ones. `total_length` is the
    length of the full code when the mask preserves it (18 characters), else None: some lists
    write 330821****0177 with fewer stars than hidden digits. `kind` is 'resident_id', 'uscc' or
    None when the visible characters do not tell.
    """

    pattern: str
    total_length: int | None
    kind: str | None

    @property
    def prefix(self) -> str:
        """Visible characters before the first hidden one."""
        return self.pattern[: self.pattern.index("*")]

    @property
    def suffix(self) -> str:
        """Visible characters after the last hidden one."""
        return self.pattern[self.pattern.rindex("*") + 1 :]

    @property
    def visible(self) -> int:
        """Number of visible characters: how much the mask narrows the candidates."""
        return len(self.pattern) - self.pattern.count("*")

    def matches(self, full_id: str) -> bool:
        """True when `full_id` agrees with every visible character of the mask."""
        full = full_id.upper()
        if self.total_length is None:
            pre, suf = self.prefix, self.suffix
            return len(full) >= len(pre) + len(suf) and full.startswith(pre) and full.endswith(suf)
        if len(full) != self.total_length:
            return False
        return all(p == "*" or p == c for p, c in zip(self.pattern, full, strict=True))


def is_masked(s: str | None) -> bool:
    """True when the text hides characters with a mask character (* ＊ ● • ×)."""
    if not s:
        return False
    return any(ch in s for ch in _MASK_CHARS + "＊")


def parse_masked_id(s: str | None) -> MaskedId | None:
    """Parse a published mask (330821********0177, 3308**********0177, 330821****1120017X,
    91330803MA****037J); None when there is no mask, nothing visible, or foreign characters."""
    if not s or not is_masked(s):
        return None
    text = _compact(s)
    for ch in _MASK_CHARS:
        text = text.replace(ch, "*")
    if not _MASK_SHAPE.fullmatch(text) or text.count("*") == len(text):
        return None
    total = len(text) if len(text) == 18 else None
    return MaskedId(pattern=text, total_length=total, kind=_guess_kind(text))


def _guess_kind(pattern: str) -> str | None:
    """Resident IDs start with a province digit 1-8 and hold only digits (and a final X);
    USCCs start with a registration-authority character (9 for firms) or show letters."""
    visible = pattern.replace("*", "")
    head = pattern[0]
    body_letters = any(c.isalpha() for c in pattern[:-1] if c != "*")
    if head == "9" or head.isalpha() or body_letters or (visible[-1:].isalpha() and visible[-1] != "X"):
        return "uscc"
    if head in "12345678":
        return "resident_id"
    return None
