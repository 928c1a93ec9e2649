"""Natural persons: names from a weighted pool, resident IDs with historical prefixes.

Why a pool with Zipf weights: a few given names (伟, 建国, 秀英) are very common, so the same full
name turns up in many districts, which is the homonym problem the resolver must solve. Older
people carry the code of a division that no longer exists (330821 for Qu County before 2001).
"""

from __future__ import annotations

import itertools
import random

from .codes import make_mobile, make_ric
from .lexicon import given_names, surname_table
from .places import full_address, home_street
from .regions import OUTSIDE_ID_PREFIXES
from .world import World, day_str, day_year, to_day


def _cum(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class PersonFactory:
    """Creates persons in a World; all draws come from one seeded random.Random."""

    def __init__(self, world: World, rnd: random.Random) -> None:
        self.w = world
        self.rnd = rnd
        self.surnames, sw = surname_table()
        self.surname_cum = _cum(sw)
        self.given = {g: given_names(g) for g in ("M", "F")}
        self.given_cum = {g: _cum([1.0 / (i + 8) ** 1.1 for i in range(len(v))]) for g,
                          v in self.given.items()}
        import datetime as dt

        self._d1940 = to_day(dt.date(1940, 1, 1))

    def surname(self) -> str:
        return self.rnd.choices(self.surnames, cum_weights=self.surname_cum)[0]

    def given_name(self, gender: str) -> str:
        return self.rnd.choices(self.given[gender], cum_weights=self.given_cum[gender])[0]

    def new(self, district: int, born_by: int, surname: str | None = None, address: str | None = None,
            gender: str | None = None, theta: float | None = None, outsider: float = 0.06) -> int:
        """Append a person living in `district`, born between 1950 and `born_by` (a day); return index."""
        rnd, w = self.rnd, self.w
        d = w.districts[district]
        gender = gender or ("M" if rnd.random() < 0.68 else "F")  # most registered reps are men
        surname = surname or self.surname()
        name = surname + self.given_name(gender)
        lo = max(self._d1940 + 3650, born_by - 50 * 365)
        birth = rnd.randint(lo, max(lo + 1, born_by))
        ymd = day_str(birth).replace("-", "")
        if rnd.random() < outsider:
            prefix = rnd.choice(OUTSIDE_ID_PREFIXES)
        else:
            prefix = d.code
            year = day_year(birth)
            for old, changed in d.former:
                if year < changed and rnd.random() < 0.9:
                    prefix = old
                    break
        pid = make_ric(prefix, ymd, gender == "M", rnd)
        while pid in w.ids_taken:
            pid = make_ric(prefix, ymd, gender == "M", rnd)
        w.ids_taken.add(pid)
        if address is None:
            town = rnd.choice(d.towns)
            address = full_address(d, town, home_street(town, rnd))
        w.p_id.append(pid)
        w.p_name.append(name)
        w.p_gender.append(gender)
        w.p_birth.append(birth)
        w.p_district.append(district)
        w.p_address.append(address)
        w.p_phone.append(make_mobile(rnd) if rnd.random() < 0.85 else "")
        if theta is None:  # a minority of risky people: the tail that makes risk relational
            theta = rnd.lognormvariate(1.0, 0.5) if rnd.random() < 0.12 else rnd.lognormvariate(-0.25, 0.45)
        w.p_theta.append(theta)
        return len(w.p_id) - 1

    def relative(self, of: int, born_by: int, spouse: bool = False) -> int:
        """A family member sharing the address: a sibling or child shares the surname, a spouse not."""
        w = self.w
        surname = None if spouse else w.p_name[of][0]
        gender = ("F" if w.p_gender[of] == "M" else "M") if spouse else None
        return self.new(w.p_district[of], born_by, surname=surname, address=w.p_address[of], gender=gender,
                        theta=w.p_theta[of] * self.rnd.uniform(0.6, 1.0))
