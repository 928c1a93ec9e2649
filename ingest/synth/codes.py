"""Identifier generators: USCC (GB 32100), resident IDs (GB 11643), phones, masks.

Check digits come from python-stdnum so the generator and the reader agree on one definition.
The 9-character organisation code inside a USCC carries its own GB 11714 check digit, as real
codes do: firms registered before 2015 keep their old numeric organisation code, later ones
get the MA-series code the registry issues now.
"""

from __future__ import annotations

import random

from stdnum.cn import ric, uscc

# Characters allowed in a USCC (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# (registration authority + kind digit) per firm kind; social orgs: 51 association, 52 private
# non-enterprise unit, 53 foundation.
KIND_PREFIX = {"enterprise": "91", "individual_business": "92", "cooperative": "93"}


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_check_digit(body8: str) -> str:
    """GB 11714 check digit of an 8-character organisation code body."""
    total = sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(prefix2: str, region: str, rnd: random.Random, modern: bool) -> str:
    """A valid USCC: 2-char prefix, 6-digit region, organisation code, GB 32100 check digit."""
    if modern:
        body = "MA" + "".join(rnd.choices(USCC_ALPHABET, k=6))
    else:
        body = "".join(rnd.choices("0123456789", k=8))
    code17 = prefix2 + region + body + org_check_digit(body)
    return code17 + uscc.calc_check_digit(code17)


def make_ric(prefix6: str, birth_yyyymmdd: str, male: bool, rnd: random.Random) -> str:
    """A resident ID with a valid check digit; the order code is odd for men, even for women."""
    seq = rnd.randrange(0, 500) * 2 + (1 if male else 0)
    code17 = f"{prefix6}{birth_yyyymmdd}{seq:03d}"
    # stdnum's ric.calc_check_digit expects the full 18 characters and ignores the last one
    return code17 + ric.calc_check_digit(code17 + "0")


def mask_ric(pid: str) -> str:
    """The mask the court and credit platforms publish: 330821********0177."""
    return pid[:6] + "*" * 8 + pid[-4:]


_MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158",
                    "159", "182", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133",
                    "153", "180", "189", "177", "173", "199", "198", "176")


def make_mobile(rnd: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rnd.choice(_MOBILE_PREFIXES) + f"{rnd.randrange(100_000_000):08d}"


def make_landline(area_code: str, digits: int, rnd: random.Random) -> str:
    """A landline with its area code, e.g. 0570-3456789 (7 digits) or 0571-87123456 (8 digits)."""
    if digits == 8:
        first = rnd.choice("2345678")
        return f"{area_code}-{first}{rnd.randrange(10_000_000):07d}"
    first = rnd.choice("2345678")
    return f"{area_code}-{first}{rnd.randrange(1_000_000):06d}"
