"""The regional e-map's numbers per county-level division: pure aggregation over plain rows.

Inputs are the rows both stores return alike (graph.ties: firm-region rows, listing rows) and the
open punishment tasks per region. A firm counts in the county of its registered region code;
codes retired or renamed since the boundary data was drawn are mapped onto the polygon that covers
them (`CODE_ALIASES`, data). Per county: firms, firms scored, high-risk firms (stored risk score at
or above the threshold) and their share of the scored, the share of firms with an active grounded
punitive record (`listed_share`), open and overdue tasks, and the trend: that listed share at the
end of each of the last years (the last point on the as-of date). The trend counts every firm in
the graph in each year's denominator (founding dates are not read here).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.sanctions import record_active

PUNITIVE = ("admin_penalty", "abnormal_operation", "serious_dishonesty", "dishonest_debtor")
# new or renamed county codes -> the code of the polygon that covers them in the boundary data
CODE_ALIASES: dict[str, str] = {
    "330112": "330185",  # 临安区 (2017), formerly 临安市
    "330113": "330110",  # 临平区 (2021), split from 余杭区
    "330114": "330104",  # 钱塘区 (2021), mostly former 江干区 land
    "330183": "330111",  # 富阳市 -> 富阳区
    "331083": "331021",  # 玉环市 (2017), formerly 玉环县
    "330821": "330803",  # 衢县 (retired 2001) -> 衢江区
    "330204": "330212",  # 江东区 (merged into 鄞州区, 2016)
    "330213": "330283",  # 奉化区 (2016): the boundary file keeps the old code under the new name
    "330383": "330327",  # 龙港市 (2019), split from 苍南县
}
_HIGH_RISK_DEFAULT = 0.5


@dataclass(frozen=True, slots=True)
class RegionStats:
    code: str
    firms: int = 0
    scored: int = 0
    high_risk: int = 0
    high_share: float | None = None
    listed_share: float | None = None
    open_tasks: int = 0
    trend: tuple[float | None, ...] = field(default_factory=tuple)


def county_code(code: str | None, known: Iterable[str] | None = None) -> str | None:
    """The map's county code for a region code (first 6 digits, aliases applied), or None when it
    is not a county of the map (`known`, when given) or not a code at all."""
    if not code or len(code) < 6 or not code[:6].isdigit():
        return None
    c = CODE_ALIASES.get(code[:6], code[:6])
    if known is not None and c not in set(known):
        return None
    return c


def trend_dates(as_of: date, years: int) -> list[date]:
    """Year ends before the as-of year, oldest first, then the as-of date itself."""
    return [date(y, 12, 31) for y in range(as_of.year - years + 1, as_of.year)] + [as_of]


def _grounded_punitive(row: dict[str, Any]) -> bool:
    return (
        row.get("kind") in PUNITIVE
        and bool((row.get("document_no") or "").strip())
        and row.get("decision") in (None, "", "auto_link")
        and row.get("subject_label") == "Firm"
    )


def region_stats(
    firms: Iterable[dict[str, Any]],
    listings: Iterable[dict[str, Any]],
    open_tasks: Iterable[str],
    as_of: date,
    threshold: float = _HIGH_RISK_DEFAULT,
    years: int = 4,
    known: Iterable[str] | None = None,
) -> tuple[list[RegionStats], int]:
    """Stats per county (sorted by code) and the number of firms on no county of the map.
    `open_tasks` holds the region code of each open or overdue task."""
    known_set = set(known) if known is not None else None
    where: dict[str, str] = {}
    firms_in: Counter[str] = Counter()
    scored: Counter[str] = Counter()
    high: Counter[str] = Counter()
    unplaced = 0
    for f in firms:
        c = county_code(f.get("region_code"), known_set)
        if c is None:
            unplaced += 1
            continue
        where[f["key"]] = c
        firms_in[c] += 1
        if f.get("risk_score") is not None:
            scored[c] += 1
            high[c] += float(f["risk_score"]) >= threshold
    dates = trend_dates(as_of, years)
    listed: list[defaultdict[str, set[str]]] = [defaultdict(set) for _ in dates]
    for row in listings:
        c = where.get(row["subject_key"])
        if c is None or not _grounded_punitive(row):
            continue
        for i, d in enumerate(dates):
            if record_active(row, d):
                listed[i][c].add(row["subject_key"])
    tasks: Counter[str] = Counter()
    for code in open_tasks:
        c = county_code(code, known_set)
        if c is not None:
            tasks[c] += 1
    out = []
    for c in sorted(set(firms_in) | set(tasks)):
        n = firms_in[c]
        trend = tuple((len(ls[c]) / n) if n else None for ls in listed)
        out.append(
            RegionStats(
                code=c, firms=n, scored=scored[c], high_risk=high[c],
                high_share=(high[c] / scored[c]) if scored[c] else None,
                listed_share=trend[-1], open_tasks=tasks[c], trend=trend,
            )
        )
    return out, unplaced


def riskiest(firms: Iterable[dict[str, Any]], code: str, limit: int = 10) -> list[dict[str, Any]]:
    """The firms of one county by stored risk score (unscored last), then key."""
    mine = [f for f in firms if county_code(f.get("region_code")) == code]
    return sorted(mine, key=lambda f: (f.get("risk_score") is None, -(f.get("risk_score") or 0.0), f["key"]))[
        :limit
    ]
