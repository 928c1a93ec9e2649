"""Cells a spreadsheet would run as formulas, made inert before a CSV meant for people is written.

Stewards open `review next` files, verdict exports and quarantine reports in Excel or WPS. A firm
registered as `=cmd|' /C calc'!A0` (or a record text starting with `@SUM(`) would run there as a
formula (CSV injection). OWASP's rule: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading apostrophe, which spreadsheets show as text and do not evaluate.
Contract outputs read by programs (resolutions.csv, risk_scores.csv) are left exactly as resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: Any) -> Any:
    """The cell, with an apostrophe in front when it is text a spreadsheet would evaluate."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def inert_row(cells: Iterable[Any]) -> list[Any]:
    return [inert(c) for c in cells]
