"""Addresses, streets, phones: the shared contact points that link firms and people.

Addresses follow how the registry writes them (浙江省衢州市衢江区杜泽镇老街23号); the road-and-
number part is kept separately because people describe a shop by it ('老街23号的小吃店').
"""

from __future__ import annotations

import random

from .codes import make_landline, make_mobile
from .lexicon import BUILDINGS, ESTATES, PARKS, ROAD_STEMS, ROAD_SUFFIX
from .regions import District, town_short


def road(town: str, rnd: random.Random) -> str:
    """A road name: a common stem (人民路) or one named after the town (杜泽老街)."""
    r = rnd.random()
    if r < 0.15:
        return town_short(town) + rnd.choice(("老街", "大街", "中街", "新街"))
    if r < 0.25:
        return rnd.choice(("老街", "东街", "西街", "南街", "北街", "前街"))
    return rnd.choice(ROAD_STEMS) + rnd.choice(ROAD_SUFFIX)


def firm_street(town: str, rnd: random.Random, industrial: bool) -> str:
    """Road + number (+ room), the part of an address people quote."""
    if industrial and rnd.random() < 0.5:
        return f"{town_short(town)}{rnd.choice(PARKS)}{rnd.choice(ROAD_STEMS)}路{rnd.randint(1, 188)}号"
    num = rnd.randint(1, 399)
    s = f"{road(town, rnd)}{num}号"
    r = rnd.random()
    if r < 0.2:
        s += f"{rnd.randint(1, 3)}楼"
    elif r < 0.3:
        s += f"{rnd.randint(1, 30)}幢{rnd.randint(1, 20)}{rnd.randint(1, 12):02d}室"
    return s


def office_street(town: str, rnd: random.Random) -> str:
    """A room in an office building: where shell companies cluster."""
    stem = rnd.choice(ROAD_STEMS)
    return (f"{stem}路{rnd.randint(1, 299)}号{town_short(town)}{rnd.choice(BUILDINGS)}"
            f"{rnd.randint(2, 28)}{rnd.randint(1, 30):02d}室")


def home_street(town: str, rnd: random.Random) -> str:
    """A home: a village group or a flat in an estate."""
    if rnd.random() < 0.45:
        return f"{rnd.choice(ROAD_STEMS)}村{rnd.randint(1, 12)}组{rnd.randint(1, 99)}号"
    return (f"{rnd.choice(ROAD_STEMS)}{rnd.choice(ESTATES)}{rnd.randint(1, 40)}幢"
            f"{rnd.randint(1, 4)}单元{rnd.randint(1, 26)}{rnd.randint(1, 4):02d}室")


def full_address(d: District, town: str, street: str) -> str:
    """The registered form, province first."""
    return f"浙江省{d.city}{d.name}{town}{street}"


def firm_phone(d: District, rnd: random.Random, owner_mobile: str, kind: str) -> str:
    """Individual businesses mostly give the operator's mobile; companies a landline."""
    r = rnd.random()
    if kind == "individual_business":
        if r < 0.8:
            return owner_mobile
        return "" if r < 0.9 else make_mobile(rnd)
    if r < 0.55:
        return make_landline(d.area_code, d.landline_digits, rnd)
    if r < 0.8:
        return owner_mobile
    return "" if r < 0.9 else make_mobile(rnd)
