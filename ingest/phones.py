"""Phone numbers to the canonical strings that Phone nodes are keyed by and resolution matches on.

Canonical forms (mainland China):
- mobile: the 11 digits, e.g. 13857012345 (no +86, no spaces);
- landline: area code with its leading 0, a dash, the subscriber number, e.g. 0570-3456789,
  010-12345678 (two-digit area codes 10 and 20-29, three-digit ones otherwise, as in the CN plan);
- 400/800 service numbers: the 10 digits, e.g. 4008123456.
Extensions are dropped. Numbers without an area code (3456789), short codes (12345) and foreign
numbers give None: they cannot identify a subject across regions.
"""

from __future__ import annotations

import re

import phonenumbers

from ingest.text import to_halfwidth

_NOISE = re.compile(r"[\s\-()\u2010-\u2015.]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# 0 + area code (10, 2x: two digits; otherwise three) + subscriber (7-8 digits, not starting 0/1).
_LANDLINE = re.compile(r"0(?:(10|2\d)([1-9]\d{7})|([3-9]\d{2})([1-9]\d{6,7}))")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#).*$", re.IGNORECASE)
_SPLIT = re.compile(r"[,，;；/、|]+|\s{2,}")
_SERVICE = re.compile(r"[48]00\d{7}")
_CN_PREFIX = re.compile(r"(?:\+|00)?86")


def _canonical_digits(digits: str) -> str | None:
    """Canonical form of a national number written with its trunk 0 (or an 11-digit mobile)."""
    if _MOBILE.fullmatch(digits):
        return digits
    m = _LANDLINE.fullmatch(digits)
    if m:
        area, sub = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return f"0{area}-{sub}"
    if _SERVICE.fullmatch(digits):
        return digits
    return None


def normalize_phone(s: str | None) -> str | None:
    """Canonical mobile (13857012345) or landline (0570-3456789) string, or None. Never raises.

    Common spellings take a fast path (regular expressions, ~1 µs); anything else (brackets,
    extensions, +86 with odd grouping) goes through `phonenumbers` with region CN.
    """
    if not s:
        return None
    text = _EXTENSION.sub("", to_halfwidth(s).strip())
    digits = _NOISE.sub("", text)
    if digits.isdigit():
        found = _canonical_digits(digits)
        if found is not None:
            return found
    if digits[:1] in "+0" and _CN_PREFIX.match(digits):
        national = _CN_PREFIX.sub("", digits, count=1)
        if national.isdigit():
            # +86 drops the trunk 0 of landlines: try the number as written, then with the 0 back.
            found = _canonical_digits(national) or _canonical_digits("0" + national)
            if found is not None:
                return found
    elif digits.startswith("86") and len(digits) == 13:
        found = _canonical_digits(digits[2:])
        if found is not None:
            return found
    return _via_phonenumbers(text)


def normalize_phones(s: str | None) -> list[str]:
    """Every canonical number in a field that lists several (0570-3456789，13857012345), in order,
    without repeats. A registry cell often holds a landline and a mobile together."""
    if not s:
        return []
    whole = normalize_phone(s)
    if whole is not None:
        return [whole]
    out: list[str] = []
    for part in _SPLIT.split(to_halfwidth(s)):
        found = normalize_phone(part)
        if found is not None and found not in out:
            out.append(found)
    return out


def _via_phonenumbers(text: str) -> str | None:
    try:
        num = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    except Exception:  # defensive: a normaliser never raises
        return None
    if num.country_code != 86:
        return None
    nsn = phonenumbers.national_significant_number(num)
    if not nsn.startswith("1") or _SERVICE.fullmatch(nsn):
        return _canonical_digits(nsn if _SERVICE.fullmatch(nsn) else "0" + nsn)
    if nsn.startswith("10"):  # Beijing landline written without its trunk 0 after +86
        return _canonical_digits("0" + nsn)
    return _canonical_digits(nsn)
