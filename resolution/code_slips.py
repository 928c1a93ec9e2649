"""Codes written with one slip: a character typed wrong, two swapped, one dropped or doubled.

A USCC or resident ID that fails its check character was mistyped or misheard (voice-to-text,
OCR of a photographed licence). Its check character catches the slip but not where it is, so the
registry is asked instead: every code one edit away that passes its check is looked up, and the
slip is read as the one registered code it can be. Two or more registered codes one edit away,
or none, leave it unread. Chance agreement is negligible: an 18-character code has a few hundred
one-edit neighbours, of which a thirty-first (USCC) or an eleventh (ID) pass the check, against a
registry of millions among 10^17 possible codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ingest.codes import normalize_resident_id, normalize_uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_DIGITS = "0123456789"


def _edits(code: str, alphabet: str) -> Iterator[str]:
    """Strings one edit from `code`, 18 characters long: substitution, adjacent swap, one
    character inserted (17 written) or removed (19 written)."""
    n = len(code)
    if n == 18:
        for i in range(n):
            for ch in alphabet:
                if ch != code[i]:
                    yield code[:i] + ch + code[i + 1 :]
        for i in range(n - 1):
            if code[i] != code[i + 1]:
                yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    elif n == 17:
        for i in range(n + 1):
            for ch in alphabet:
                yield code[:i] + ch + code[i:]
    elif n == 19:
        for i in range(n):
            yield code[:i] + code[i + 1 :]


def registered_neighbours(
    written: str, is_registered: Callable[[str, str], bool]
) -> set[tuple[str, str]]:
    """(kind, code) pairs one edit from `written` that pass their check and are registered.

    `is_registered(kind, code)` answers from the registry: kind is "uscc" or "resident_id".
    """
    written = written.upper()
    for kind in ("uscc", "resident_id"):
        if is_registered(kind, written):  # registered as written, check character and all
            return {(kind, written)}
    found: set[tuple[str, str]] = set()
    if written[:1] in USCC_ALPHABET:  # digits included
        for cand in _edits(written, USCC_ALPHABET):
            code = normalize_uscc(cand)
            if code is not None and is_registered("uscc", code):
                found.add(("uscc", code))
    if sum(c.isdigit() for c in written) >= len(written) - 1:
        for cand in _edits(written, _DIGITS + "X"):
            if not cand[:17].isdigit():
                continue
            code = normalize_resident_id(cand)
            if code is not None and is_registered("resident_id", code):
                found.add(("resident_id", code))
    return found


def read_slip(written: str, is_registered: Callable[[str, str], bool]) -> tuple[str, str] | None:
    """The one registered code `written` is a slip of, or None when none or several fit."""
    found = registered_neighbours(written, is_registered)
    return next(iter(found)) if len(found) == 1 else None
