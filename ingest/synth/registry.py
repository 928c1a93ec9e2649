"""Ordinary firms with their people: the registry that the risk structures hide inside.

People are reused preferentially (a person already holding roles is more likely to take another),
mostly within their own district, which yields a few people serving many firms and a long tail of
one-firm people, as in the real registry. Founding dates grow denser toward the present.
"""

from __future__ import annotations

import datetime as dt
import random

from .codes import KIND_PREFIX, make_landline, make_uscc
from .lexicon import INDUSTRIES, zihao_pool
from .naming import FirmName, coop_name, enterprise_name, individual_name, pick_zihao, renamed, social_name
from .people import PersonFactory
from .places import firm_phone, firm_street, full_address, office_street
from .regions import town_short
from .world import World, to_day

KINDS = ("enterprise", "individual_business", "cooperative", "social_org")
KIND_WEIGHTS = (0.55, 0.39, 0.035, 0.025)
_KIND_HAZARD = {"enterprise": 1.0, "individual_business": 0.8, "cooperative": 0.5, "social_org": 0.3}
_MA_SERIES = to_day(dt.date(2015, 10, 1))
_EARLIEST = to_day(dt.date(1993, 1, 1))
_CAPITALS = (10, 30, 50, 100, 100, 200, 300, 500, 500, 1000, 1000, 2000, 5000)
_COOP_IND = next(i for i, x in enumerate(INDUSTRIES) if x.name == "农业")
_SOCIAL_IND = next(i for i, x in enumerate(INDUSTRIES) if x.name == "商务服务业")


class FirmFactory:
    """Creates firms (names, codes, addresses) and ordinary affiliations."""

    def __init__(self, world: World, people: PersonFactory, rnd: random.Random) -> None:
        self.w, self.pf, self.rnd = world, people, rnd
        self.zihao = zihao_pool()
        self.ent_cum = self._cum([x.ent_weight for x in INDUSTRIES])
        self.ind_cum = self._cum([x.ind_weight for x in INDUSTRIES])
        self.d_cum = self._cum([d.weight for d in world.districts])
        self.role_pool: list[list[int]] = [[] for _ in world.districts]  # preferential reuse
        self.enterprises_by_city: dict[str, list[int]] = {}
        # legitimate sharing: incubator buildings and bookkeeping agents register many unrelated firms
        self.incubators: dict[int, list[tuple[str, str]]] = {}
        self.agent_phones: dict[int, list[str]] = {}

    def shared_contact(self, dist: int) -> tuple[str | None, str | None, str | None]:
        """(town, street, phone) of an incubator or an agent for some ordinary enterprises."""
        rnd, d = self.rnd, self.w.districts[dist]
        town = street = phone = None
        if rnd.random() < 0.06:
            spots = self.incubators.setdefault(dist, [])
            if len(spots) < 3:
                t = rnd.choice(d.towns)
                spots.append((t, office_street(t, rnd)))
            town, street = spots[rnd.randrange(len(spots))]
        if rnd.random() < 0.04:
            phones = self.agent_phones.setdefault(dist, [])
            if len(phones) < 2:
                phones.append(make_landline(d.area_code, d.landline_digits, rnd))
            phone = phones[rnd.randrange(len(phones))]
        return town, street, phone

    @staticmethod
    def _cum(ws: list[float]) -> list[float]:
        out, acc = [], 0.0
        for x in ws:
            acc += x
            out.append(acc)
        return out

    def district(self) -> int:
        return self.rnd.choices(range(len(self.w.districts)), cum_weights=self.d_cum)[0]

    def industry(self, kind: str) -> int:
        if kind == "cooperative":
            return _COOP_IND
        if kind == "social_org":
            return _SOCIAL_IND
        cum = self.ent_cum if kind == "enterprise" else self.ind_cum
        return self.rnd.choices(range(len(INDUSTRIES)), cum_weights=cum)[0]

    def founding_day(self, kind: str) -> int:
        scale = {"enterprise": 7.5, "individual_business": 5.5}.get(kind, 9.0) * 365
        day = self.w.end - int(self.rnd.expovariate(1 / scale))
        return max(day, _EARLIEST + self.rnd.randrange(3000))

    def person(self, district: int, born_by: int, reuse: float) -> int:
        """An existing role holder (preferentially) or a new person."""
        rnd = self.rnd
        if rnd.random() < reuse:
            pool = self.role_pool[district] if rnd.random() < 0.92 else self.role_pool[self.district()]
            if pool:
                return pool[rnd.randrange(len(pool))]
        return self.pf.new(district, born_by)

    def take_role(self, person: int, firm: int) -> None:
        pool = self.role_pool[self.w.f_district[firm]]
        pool.append(person)
        if self.w.p_theta[person] > 2.0:  # risky people found more firms
            pool.extend((person, person))

    def new_firm(self, kind: str, district: int, industry: int, founded: int, legal: int, *,
                 town: str | None = None, street: str | None = None, phone: str | None = None,
                 zihao: str | None = None, tag: str = "", hazard: float = 1.0) -> int:
        """Append a firm with a unique registered name and a valid USCC; return its index."""
        w, rnd = self.w, self.rnd
        d = w.districts[district]
        ind = INDUSTRIES[industry]
        town = town or rnd.choice(d.towns)
        prefix = KIND_PREFIX.get(kind, "51")
        for attempt in range(12):
            z = zihao if (zihao and attempt < 3) else pick_zihao(self.zihao, town, rnd)
            if kind == "enterprise":
                fn = enterprise_name(d, town, ind, z, rnd)
            elif kind == "individual_business":
                fn = individual_name(d, town, ind, z, w.p_name[legal], rnd)
            elif kind == "cooperative":
                fn = coop_name(d, town, z, rnd)
            else:
                fn, digit = social_name(d, town, z, rnd)
                prefix = "5" + digit
            if fn.name not in w.names_taken:
                break
        else:
            # a registry refuses duplicates: the applicant adds the town, then a number (rare)
            alt = f"{d.city}{d.name}{town_short(town)}{z}{fn.spoken.removeprefix(z)}{fn.name[-4:]}"
            while alt in w.names_taken:
                alt = alt[:-4] + rnd.choice("一二三四五六七八九") + alt[-4:]
            fn = FirmName(alt, fn.spoken, fn.shop, fn.others)
        w.names_taken.add(fn.name)
        code = make_uscc(prefix, d.code, rnd, founded >= _MA_SERIES or kind != "enterprise")
        while code in w.ids_taken:
            code = make_uscc(prefix, d.code, rnd, True)
        w.ids_taken.add(code)
        others = list(fn.others)
        if kind == "enterprise" and rnd.random() < 0.12:
            others.append(renamed(fn, z, rnd))
        street = street or firm_street(town, rnd, industrial=fn.shop == "厂")
        if phone is None:
            phone = firm_phone(d, rnd, w.p_phone[legal] or "", kind)
        if kind == "enterprise":
            cap: float | None = float(rnd.choice(_CAPITALS))
        elif kind == "individual_business":
            cap = float(rnd.randint(1, 50)) if rnd.random() < 0.2 else None
        else:
            cap = float(rnd.randint(3, 300)) if rnd.random() < 0.6 else None
        w.f_uscc.append(code)
        w.f_name.append(fn.name)
        w.f_other.append(others)
        w.f_kind.append(kind)
        w.f_zihao.append(z)
        w.f_spoken.append(fn.spoken)
        w.f_shop.append(fn.shop)
        w.f_legal.append(legal)
        w.f_address.append(full_address(d, town, street))
        w.f_street.append(street)
        w.f_district.append(district)
        w.f_town.append(town)
        w.f_phone.append(phone)
        w.f_industry.append(industry)
        w.f_status.append("active")
        w.f_founded.append(founded)
        w.f_closed.append(-1)
        w.f_capital.append(cap)
        w.f_hazard.append(hazard * ind.hazard * _KIND_HAZARD[kind])
        w.f_tag.append(tag)
        if kind == "enterprise":
            self.enterprises_by_city.setdefault(d.city, []).append(len(w.f_uscc) - 1)
        return len(w.f_uscc) - 1

    def start(self, founded: int) -> int:
        """Start date of an initial role: often left empty in exports."""
        return founded if self.rnd.random() < 0.7 else -1

    def ordinary(self) -> int:
        """One ordinary firm with its legal rep, shareholders and officers."""
        w, rnd = self.w, self.rnd
        kind = rnd.choices(KINDS, cum_weights=(0.55, 0.94, 0.975, 1.0))[0]
        dist = self.district()
        founded = self.founding_day(kind)
        legal = self.person(dist, founded - 22 * 365, reuse=0.16)
        town = street = phone = None
        if kind == "enterprise":
            town, street, phone = self.shared_contact(dist)
        f = self.new_firm(kind, dist, self.industry(kind), founded, legal, town=town, street=street,
                          phone=phone)
        st = self.start(founded)
        if kind == "individual_business":
            w.affiliate("person", legal, f, "operator", None, st)
            self.take_role(legal, f)
            return f
        self.add_officers(f, legal, founded, st)
        return f

    def add_officers(self, f: int, legal: int, founded: int, st: int) -> None:
        """Legal rep, shareholders (shares sum to 100), supervisor, executive; maybe a legal-rep change."""
        w, rnd = self.w, self.rnd
        kind, dist = w.f_kind[f], w.f_district[f]
        born_by = founded - 22 * 365
        change = -1
        if kind == "enterprise" and rnd.random() < 0.1 and founded + 400 < w.end:
            change = rnd.randint(founded + 365, w.end)
            old = self.person(dist, born_by, reuse=0.2)
            w.affiliate("person", old, f, "legal_rep", None, st, change)
            self.take_role(old, f)
        w.affiliate("person", legal, f, "legal_rep", None, change if change > 0 else st)
        self.take_role(legal, f)
        if kind == "social_org":
            return
        holders: list[tuple[str, int]] = []
        n = 1 if kind == "enterprise" and rnd.random() < 0.4 else rnd.randint(2,
            4 if kind == "enterprise" else 7)
        if rnd.random() < 0.75:
            holders.append(("person", legal))
        city = w.districts[dist].city
        peers = self.enterprises_by_city.get(city, [])
        if kind == "enterprise" and len(peers) > 1 and rnd.random() < 0.08:
            parent = peers[rnd.randrange(len(peers) - 1)]
            if w.f_founded[parent] < founded:
                holders.append(("firm", parent))
        while len(holders) < n:
            if holders and rnd.random() < 0.3:  # family firm: spouse or sibling at the same address
                p = self.pf.relative(legal, born_by, spouse=rnd.random() < 0.6)
            else:
                p = self.person(dist, born_by, reuse=0.3)
            if ("person", p) not in holders:
                holders.append(("person", p))
        for (ht, h), share in zip(holders, split_shares(len(holders), rnd), strict=True):
            if ht == "person" and h != legal and rnd.random() < 0.08 and founded + 800 < w.end:
                # a share transfer: the old holder's row ends the day the new one's starts
                day = rnd.randint(founded + 365, w.end - 30)
                w.affiliate(ht, h, f, "shareholder", share, st, day)
                self.take_role(h, f)
                h = self.person(dist, born_by, reuse=0.3)
                if ("person", h) in holders:
                    h = self.pf.new(dist, born_by)
                w.affiliate(ht, h, f, "shareholder", share, day)
            else:
                w.affiliate(ht, h, f, "shareholder", share, st)
            if ht == "person":
                self.take_role(h, f)
        if kind == "enterprise" and rnd.random() < 0.8:
            sup = self.person(dist, born_by, reuse=0.3)
            if sup != legal:
                w.affiliate("person", sup, f, "supervisor", None, st)
                self.take_role(sup, f)
        if kind == "enterprise" and rnd.random() < 0.5:
            ex = legal if rnd.random() < 0.6 else self.person(dist, born_by, reuse=0.25)
            w.affiliate("person", ex, f, "executive", None, st)


def split_shares(n: int, rnd: random.Random) -> list[float]:
    """n integer-ish shares summing to exactly 100, the first usually the largest."""
    if n == 1:
        return [100.0]
    cuts = sorted(rnd.sample(range(1, 100), n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    parts.sort(reverse=True)
    return [float(x) for x in parts]
