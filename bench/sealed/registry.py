"""The registry as a local reader sees it: each firm split into place, 字号, trade and legal form,
its road and number, its operator; indexes that tell whether a way of naming it is unique."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.sealed.lexicon import COMPOUND_SURNAMES, LEGAL_FORMS, TRADES

_ADDR = re.compile(
    r"^(?:浙江省)?(?P<city>[^省市]{1,6}市)?(?P<county>[^市县区]{1,8}?(?:自治县|区|县|市))?"
    r"(?P<town>[^镇乡道区]{1,8}?(?:镇|乡|街道|片区))?(?P<rest>.*)$"
)
_ROAD = re.compile(r"(?P<road>[\u4e00-\u9fff]{1,8}?(?:大道|大街|路|街|巷|弄))(?P<no>\d{1,4})号")
_TRADES = sorted(TRADES, key=len, reverse=True)


def surname(name: str) -> str:
    """Family name (compound surnames kept whole)."""
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


@dataclass(slots=True)
class FirmView:
    uscc: str
    name: str
    kind: str
    region: str
    city: str
    county: str
    town: str
    road: str
    number: str
    zihao: str
    trade: str
    industry: str
    phone: str
    address: str
    status: str
    other_names: list[str]
    rep_id: str = ""
    rep_name: str = ""
    rep_gender: str = ""
    rep_role: str = ""


@dataclass(slots=True)
class PersonView:
    person_id: str
    name: str
    gender: str
    phone: str
    region: str
    firms: list[str] = field(default_factory=list)


def split_name(name: str, places: list[str]) -> tuple[str, str]:
    """(字号, trade) of a registered name, or ('', '') when it does not split cleanly."""
    core = re.sub(r"[（(][^）)]*[）)]", "", name)
    for form in LEGAL_FORMS:
        if core.endswith(form):
            core = core[: -len(form)]
            break
    changed = True
    while changed:
        changed = False
        for p in places:
            if p and core.startswith(p) and len(core) > len(p) + 2:
                core, changed = core[len(p) :], True
                break
    trade = next((t for t in _TRADES if core.endswith(t) and 2 <= len(core) - len(t) <= 4), "")
    zihao = core[: len(core) - len(trade)] if trade else core[:2]
    if not trade:
        trade = core[2:]
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", zihao):
        return "", ""
    return zihao, trade


def _places(city: str, county: str, town: str) -> list[str]:
    out = ["浙江省", "浙江"]
    for p in (city, county, town):
        if p:
            out.append(p)
            stem = re.sub(r"(自治县|街道|片区|市|区|县|镇|乡)$", "", p)
            if len(stem) >= 2:
                out.append(stem)
    return sorted(set(out), key=len, reverse=True)


class Registry:
    """firms.csv, persons.csv and affiliations.csv of one directory, indexed for the writer."""

    def __init__(self, directory: Path) -> None:
        self.persons: dict[str, PersonView] = {}
        with (directory / "persons.csv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                self.persons[r["person_id"]] = PersonView(
                    r["person_id"], r["name"], r["gender"], r["phone"], r["person_id"][:6]
                )
        roles: dict[str, dict[str, str]] = defaultdict(dict)
        with (directory / "affiliations.csv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["holder_type"] == "person" and not r["end_date"] and r["holder_id"] in self.persons:
                    roles[r["firm_uscc"]].setdefault(r["role"], r["holder_id"])
        self.firms: list[FirmView] = []
        with (directory / "firms.csv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                self.firms.append(self._firm(r, roles.get(r["uscc"], {})))
        self.by_uscc = {f.uscc: f for f in self.firms}
        self.by_zihao: dict[str, list[FirmView]] = defaultdict(list)
        self.by_place: dict[tuple[str, str, str], list[FirmView]] = defaultdict(list)
        self.by_road: dict[tuple[str, str], list[FirmView]] = defaultdict(list)
        self.by_region: dict[str, list[FirmView]] = defaultdict(list)
        for f in self.firms:
            if f.zihao:
                self.by_zihao[f.zihao].append(f)
            if f.road:
                self.by_place[(f.region, f.road, f.number)].append(f)
                self.by_road[(f.region, f.road)].append(f)
            self.by_region[f.region].append(f)
            if f.rep_id:
                self.persons[f.rep_id].firms.append(f.uscc)
        self.person_names: dict[str, list[str]] = defaultdict(list)
        for p in self.persons.values():
            self.person_names[p.name].append(p.person_id)
        self.phones = {f.phone for f in self.firms if f.phone} | {
            p.phone for p in self.persons.values() if p.phone
        }
        firm_phones: dict[str, int] = defaultdict(int)
        for f in self.firms:
            if f.phone:
                firm_phones[f.phone] += 1
        self.shared_phones = {ph for ph, n in firm_phones.items() if n > 1}
        self.person_list = list(self.persons.values())
        self.all_names = {f.name for f in self.firms} | {n for f in self.firms for n in f.other_names}

    def _firm(self, r: dict[str, str], roles: dict[str, str]) -> FirmView:
        m = _ADDR.match(r["address"] or "")
        city = county = town = rest = ""
        if m:
            city, county, town, rest = (m.group(g) or "" for g in ("city", "county", "town", "rest"))
        road = _ROAD.search(rest)
        zihao, trade = split_name(r["name"], _places(city, county, town))
        f = FirmView(
            uscc=r["uscc"], name=r["name"], kind=r["kind"], region=r["region_code"], city=city,
            county=county, town=town, road=road.group("road") if road else "",
            number=road.group("no") if road else "", zihao=zihao, trade=trade, industry=r["industry"],
            phone=r["phone"], address=r["address"], status=r["status"],
            other_names=[n for n in r["other_names"].split("|") if n],
        )  # fmt: skip
        for role in ("operator", "legal_rep"):
            pid = roles.get(role) or (r["legal_rep_id"] if role == "legal_rep" else "")
            if pid and pid in self.persons:
                p = self.persons[pid]
                f.rep_id, f.rep_name, f.rep_gender, f.rep_role = pid, p.name, p.gender, role
                break
        return f

    # --- uniqueness, as a careful local reader would judge it --------------------------------
    def zihao_unique_in(self, f: FirmView) -> bool:
        """No other firm of the district carries this 字号."""
        return sum(1 for g in self.by_zihao[f.zihao] if g.region == f.region) == 1

    def zihao_elsewhere(self, f: FirmView) -> bool:
        """Another district has a firm with the same 字号."""
        return any(g.region != f.region for g in self.by_zihao[f.zihao])

    def place_unique(self, f: FirmView) -> bool:
        """The only firm of its kind of business at this road and number in the district."""
        same = self.by_place[(f.region, f.road, f.number)]
        return bool(f.road) and sum(1 for g in same if g.industry == f.industry) == 1

    def surname_unique(self, f: FirmView) -> bool:
        """The only firm on this road (district) of this industry whose operator has this family name."""
        if not f.rep_name or not f.road:
            return False
        fam = surname(f.rep_name)
        same = [
            g for g in self.by_road[(f.region, f.road)]
            if g.industry == f.industry and g.rep_name and surname(g.rep_name) == fam
        ]  # fmt: skip
        return len(same) == 1
