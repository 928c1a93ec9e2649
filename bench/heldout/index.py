"""What a careful reader could establish from the registry: is this surface form, phone or address
unique in the scope the event gives (its handling office, the town it names)?

The held-out truth lists a subject only when the answer is yes; this index is how the writer
asks. Pure lookups over the registry, no resolution logic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ingest.records import Dataset, Firm, Person, Role

from .names import Address, NameParts, parse_address, split_name

_DIGITS = re.compile(r"\D")


def phone_key(phone: str | None) -> str:
    return _DIGITS.sub("", phone or "")


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a reader would look: one handling office (None = whole province) and address words."""

    region: str | None
    addr_terms: tuple[str, ...] = ()


class RegistryIndex:
    """Lookups a reader with the registry at hand would do."""

    def __init__(self, ds: Dataset) -> None:
        self.firms: list[Firm] = list(ds.firms)
        self.persons: dict[str, Person] = {p.person_id: p for p in ds.persons}
        self.addr: list[Address | None] = [parse_address(f.address) for f in self.firms]
        self.parts: list[NameParts] = [
            split_name(f.name, a) for f, a in zip(self.firms, self.addr, strict=True)
        ]
        self.text: list[str] = ["|".join((f.name, *f.other_names)) for f in self.firms]
        self.by_uscc = {f.uscc: i for i, f in enumerate(self.firms)}
        self._bigram: dict[str, set[int]] = defaultdict(set)
        for i, t in enumerate(self.text):
            for j in range(len(t) - 1):
                self._bigram[t[j : j + 2]].add(i)
        self.firm_phone: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(self.firms):
            if f.phone:
                self.firm_phone[phone_key(f.phone)].append(i)
        self.person_phone: dict[str, list[str]] = defaultdict(list)
        self.person_name: dict[str, list[str]] = defaultdict(list)
        for p in ds.persons:
            self.person_name[p.name].append(p.person_id)
            if p.phone:
                self.person_phone[phone_key(p.phone)].append(p.person_id)
        self.reps: dict[int, list[tuple[str, Role]]] = defaultdict(list)
        self.roles_of: dict[str, list[tuple[int, Role]]] = defaultdict(list)
        self.any_role: dict[int, set[str]] = defaultdict(set)  # every person ever holding any role
        for a in ds.affiliations:
            if a.holder_type.value == "person" and a.firm_uscc in self.by_uscc:
                self.any_role[self.by_uscc[a.firm_uscc]].add(a.holder_id)
            if a.holder_type.value != "person" or a.end_date is not None or a.firm_uscc not in self.by_uscc:
                continue
            if a.role in (Role.LEGAL_REP, Role.OPERATOR, Role.EXECUTIVE, Role.SHAREHOLDER):
                i = self.by_uscc[a.firm_uscc]
                self.reps[i].append((a.holder_id, a.role))
                self.roles_of[a.holder_id].append((i, a.role))
        # county name -> region code, learnt from firm addresses (for persons' home region)
        votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for f, a in zip(self.firms, self.addr, strict=True):
            if a and f.region_code:
                votes[a.city + a.county][f.region_code] += 1
        self.county_code = {k: max(v, key=v.__getitem__) for k, v in votes.items()}
        self.person_names = sorted(self.person_name)
        self.region_firms: dict[str | None, list[int]] = defaultdict(list)
        for i, f in enumerate(self.firms):
            self.region_firms[f.region_code].append(i)
        self.roads: dict[str, list[str]] = defaultdict(list)
        self.road_no: dict[str, list[int]] = defaultdict(list)
        for i, (f, a) in enumerate(zip(self.firms, self.addr, strict=True)):
            if a and a.road:
                self.roads[f.region_code or ""].append(a.road)
                self.road_no[a.road_no].append(i)

    def in_scope(self, i: int, scope: Scope) -> bool:
        f = self.firms[i]
        if scope.region is not None and f.region_code != scope.region:
            return False
        return all(t in (f.address or "") for t in scope.addr_terms)

    def firms_containing(self, keys: tuple[str, ...], scope: Scope) -> set[int]:
        """Firms whose name or an alias contains every key, within scope."""
        first = min(keys, key=len)
        if len(first) >= 2:
            pool: set[int] | range = self._bigram.get(first[:2], set())
        else:
            pool = range(len(self.firms))
        return {i for i in pool if all(k in self.text[i] for k in keys) and self.in_scope(i, scope)}

    def unique_firm(self, keys: tuple[str, ...], target: int, scope: Scope) -> bool:
        return self.firms_containing(keys, scope) == {target}

    def at_address(self, road_no: str) -> list[int]:
        """Firms registered at a road and number (any town: a reader filters by scope)."""
        return self.road_no.get(road_no, [])

    def firms_in_region(self, region: str | None) -> list[int]:
        return self.region_firms.get(region, [])

    def phone_owner_firms(self, phone: str) -> list[int]:
        return self.firm_phone.get(phone_key(phone), [])

    def phone_owner_persons(self, phone: str) -> list[str]:
        return self.person_phone.get(phone_key(phone), [])

    def person_region(self, person_id: str) -> str | None:
        p = self.persons.get(person_id)
        a = parse_address(p.address) if p else None
        return self.county_code.get(a.city + a.county) if a else None

    def persons_named_in_region(self, name: str, region: str | None) -> list[str]:
        return [
            pid
            for pid in self.person_name.get(name, [])
            if region is None or self.person_region(pid) == region
        ]

    def leaders(self, i: int) -> list[tuple[Person, Role]]:
        """Legal representative or operator of firm i (the person a record names beside a firm)."""
        out = []
        for pid, role in self.reps.get(i, []):
            if role in (Role.LEGAL_REP, Role.OPERATOR) and pid in self.persons:
                out.append((self.persons[pid], role))
        return out
