"""The in-memory synthetic world: column lists for persons, firms, affiliations and records.

Why column lists instead of objects: 200,000 firms and ~300,000 people with a dozen fields each are
cheap as parallel lists, and numpy arrays can be built from a column in one call when a stage needs
vector maths (risk propagation). Dates are integer days since 1970-01-01; `day_str` formats them
through a precomputed table instead of datetime objects per row.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field

from .regions import District

_EPOCH = dt.date(1970, 1, 1)
_BASE = dt.date(1930, 1, 1).toordinal() - _EPOCH.toordinal()
_DAY_TABLE: list[str] = [
    (dt.date(1930, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range((dt.date(2031, 1,
        1) - dt.date(1930, 1, 1)).days)
]


class FastRandom(random.Random):
    """random.Random with choice/randint/randrange built on one random() call.

    Why: the generator draws ~10 values per row; the stdlib versions go through _randbelow and
    cost ~4x more. Same seed, same stream, on every platform (random() is Mersenne Twister).
    """

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def choices(self, population, weights=None, *, cum_weights=None, k=1):  # type: ignore[no-untyped-def]
        """The stdlib's draw for one item by cumulative weights, without its per-call overhead."""
        if weights is None and cum_weights is not None and k == 1:
            return [population[bisect.bisect(cum_weights, self.random() * cum_weights[-1], 0,
                                             len(cum_weights) - 1)]]
        return super().choices(population, weights, cum_weights=cum_weights, k=k)

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))


def to_day(d: dt.date) -> int:
    """Integer day since 1970-01-01."""
    return d.toordinal() - _EPOCH.toordinal()


def day_str(day: int) -> str:
    """ISO date of an integer day, via the lookup table."""
    return _DAY_TABLE[day - _BASE]


def day_year(day: int) -> int:
    return int(_DAY_TABLE[day - _BASE][:4])


@dataclass
class World:
    """Everything generated so far; stages append to the columns in a fixed order."""

    start: int
    end: int
    districts: list[District]
    # persons
    p_id: list[str] = field(default_factory=list)
    p_name: list[str] = field(default_factory=list)
    p_gender: list[str] = field(default_factory=list)
    p_birth: list[int] = field(default_factory=list)
    p_district: list[int] = field(default_factory=list)
    p_address: list[str] = field(default_factory=list)
    p_phone: list[str] = field(default_factory=list)
    p_theta: list[float] = field(default_factory=list)  # latent personal risk (hidden)
    # firms
    f_uscc: list[str] = field(default_factory=list)
    f_name: list[str] = field(default_factory=list)
    f_other: list[list[str]] = field(default_factory=list)
    f_kind: list[str] = field(default_factory=list)
    f_zihao: list[str] = field(default_factory=list)
    f_spoken: list[str] = field(default_factory=list)  # what people call it: 宏达物流, 老街小吃
    f_shop: list[str] = field(default_factory=list)  # generic word: 小吃店, 公司, 厂
    f_legal: list[int] = field(default_factory=list)  # person index of the legal rep / operator
    f_address: list[str] = field(default_factory=list)
    f_street: list[str] = field(default_factory=list)  # road + number, for 'XX路23号的小吃店'
    f_district: list[int] = field(default_factory=list)
    f_town: list[str] = field(default_factory=list)
    f_phone: list[str] = field(default_factory=list)
    f_industry: list[int] = field(default_factory=list)
    f_status: list[str] = field(default_factory=list)
    f_founded: list[int] = field(default_factory=list)
    f_closed: list[int] = field(default_factory=list)  # day cancelled/revoked, -1 while active
    f_capital: list[float | None] = field(default_factory=list)
    f_hazard: list[float] = field(default_factory=list)  # latent firm risk multiplier (hidden)
    f_tag: list[str] = field(default_factory=list)  # '', shell, debtor, phoenix_old, phoenix_new
    # affiliations
    a_holder_type: list[str] = field(default_factory=list)
    a_holder: list[int] = field(default_factory=list)
    a_firm: list[int] = field(default_factory=list)
    a_role: list[str] = field(default_factory=list)
    a_share: list[float | None] = field(default_factory=list)
    a_start: list[int] = field(default_factory=list)
    a_end: list[int] = field(default_factory=list)
    # punishments decided by the risk process: (subject_type, index, kind, day)
    punishments: list[tuple[str, int, str, int]] = field(default_factory=list)
    names_taken: set[str] = field(default_factory=set)
    ids_taken: set[str] = field(default_factory=set)

    def affiliate(self, holder_type: str, holder: int, firm: int, role: str, share: float | None = None,
                  start: int = -1, end: int = -1) -> None:
        """Append one affiliation row."""
        self.a_holder_type.append(holder_type)
        self.a_holder.append(holder)
        self.a_firm.append(firm)
        self.a_role.append(role)
        self.a_share.append(share)
        self.a_start.append(start)
        self.a_end.append(end)
