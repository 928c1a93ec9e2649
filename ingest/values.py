"""Dates, timestamps and numbers as Chinese records write them; None when unreadable, never raises.

Timestamps are returned naive in China Standard Time (UTC+8): every source is a mainland system,
and naive values compare with each other without surprises. An aware input is converted first.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

from ingest.text import to_halfwidth

_CST = timezone(timedelta(hours=8))
# 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 — then optionally a time.
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME = re.compile(r"[T\s]*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?(?:\s*:?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?")
_NUMBER_NOISE = re.compile(r"[,\s_]|元$|%$")


def _prepare(s: str | None) -> str | None:
    if s is None:
        return None
    text = to_halfwidth(s).strip()
    return text or None


def _make_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_date(s: str | None) -> date | None:
    """A calendar date from ISO (2024-03-05), 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305.

    A timestamp (2024-03-05T09:30:00) gives its date part. Impossible dates give None.
    """
    text = _prepare(s)
    if text is None:
        return None
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    m = _DATE.match(text)
    if m:
        rest = text[m.end() :]
        if rest and not _TIME.fullmatch(rest) and _parse_iso_datetime(text) is None:
            return None
        return _make_date(*m.groups())
    m = _COMPACT_DATE.fullmatch(text)
    if m:
        return _make_date(*m.groups())
    return None


def _parse_iso_datetime(text: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(_CST).replace(tzinfo=None)
    return dt


def parse_datetime(s: str | None) -> datetime | None:
    """A naive China-time timestamp from ISO 8601 (with or without offset), 2024/5/6 9:30,
    2024年5月6日9时30分, or a bare date (midnight)."""
    text = _prepare(s)
    if text is None:
        return None
    if text[:4].isdigit() and len(text) >= 10 and text[4] == "-":
        dt = _parse_iso_datetime(text)
        if dt is not None:
            return dt
    m = _DATE.match(text)
    if m is None:
        d = parse_date(text)
        return datetime(d.year, d.month, d.day) if d else None
    d = _make_date(*m.groups())
    if d is None:
        return None
    rest = text[m.end() :]
    if not rest:
        return datetime(d.year, d.month, d.day)
    t = _TIME.fullmatch(rest)
    if t is None:
        return None
    hour, minute, second = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(d.year, d.month, d.day, hour, minute, second)


def parse_float(s: str | None) -> float | None:
    """A finite number from 850000, 1,234.5, ８５００, 60%, 5000元; None otherwise."""
    text = _prepare(s)
    if text is None:
        return None
    try:
        value = float(_NUMBER_NOISE.sub("", text))
    except ValueError:
        return None
    return value if math.isfinite(value) else None
