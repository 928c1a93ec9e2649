"""Registered firm names and the names people actually use for them.

A registered name is region + 字号 + industry term + organisational form (浙江廿里新材料科技有限公司,
衢州市衢江区杜泽老街小吃店). People rarely say it: they say the short name (廿里新材料), the trade name
(老街小吃) or the 字号 plus a generic word (宏达那家厂). Those spoken forms are kept as other_names
(some of them) and reused by the event writer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .lexicon import COOP_FORMS, COOP_PRODUCTS, ORG_FORMS, SOCIAL_ORGS, SOCIAL_TOPICS, Industry
from .regions import District, town_short

_ORG_FORM_NAMES = [f for f, _ in ORG_FORMS]
_ORG_FORM_CUM = []
_acc = 0
for _f, _wt in ORG_FORMS:
    _acc += _wt
    _ORG_FORM_CUM.append(_acc)
_PLACE_ZIHAO = ("老街", "南门", "北门", "东门", "车站", "菜场", "桥头", "街口", "江边", "新村", "城东",
                "城西")
_MANUFACTURING = ("制造", "化工", "建材", "机械", "五金", "纺织", "针织", "制衣", "阀门", "石材", "食品",
                  "酿造")


@dataclass(frozen=True, slots=True)
class FirmName:
    """A registered name with the forms people use."""

    name: str
    spoken: str  # the usual everyday form
    shop: str  # generic word for the kind of place (公司, 厂, 小吃店)
    others: tuple[str, ...]  # what goes into other_names (short names, trade names)


def pick_zihao(pool: list[str], town: str, rnd: random.Random) -> str:
    """Mostly an auspicious pair (宏达); sometimes the place (廿里) or a three-character stem."""
    r = rnd.random()
    if r < 0.14:
        return town_short(town)[:2]
    z = rnd.choice(pool)
    return z + rnd.choice(pool)[0] if r > 0.9 else z


def enterprise_name(d: District, town: str, ind: Industry, zihao: str, rnd: random.Random) -> FirmName:
    term = rnd.choice(ind.ent_terms)
    form = rnd.choices(_ORG_FORM_NAMES, cum_weights=_ORG_FORM_CUM)[0]
    city = d.city[:-1]
    r = rnd.random()
    if r < 0.25:
        name = f"浙江{zihao}{term}{form}"
    elif r < 0.5:
        name = f"{city}{zihao}{term}{form}"
    elif r < 0.65:
        name = f"{d.city}{zihao}{term}{form}"
    elif r < 0.9:
        name = f"{d.city}{d.name}{zihao}{term}{form}"
    else:
        name = f"{zihao}{term}（{city}）{form}"
    spoken = zihao + term
    shop = "厂" if any(m in term for m in _MANUFACTURING) and rnd.random() < 0.5 else "公司"
    others = [spoken]
    if rnd.random() < 0.15:
        others.append(zihao + rnd.choice(("集团", "科技", "实业", "控股")))
    return FirmName(name, spoken, shop, tuple(others))


def individual_name(d: District, town: str, ind: Industry, zihao: str, owner: str,
                    rnd: random.Random) -> FirmName:
    shop = rnd.choice(ind.shops) if ind.shops else "经营部"
    r = rnd.random()
    if r < 0.3:
        given = owner[1:] or owner
        zihao = rnd.choice(("老{s}", "{s}记", "阿{g}", "小{s}", "{s}氏", "{s}家")).format(s=owner[0],
            g=given[-1])
    elif r < 0.5:
        zihao = rnd.choice(_PLACE_ZIHAO)
    ts = town_short(town)
    r = rnd.random()
    if r < 0.4:
        name = f"{d.city}{d.name}{ts}{zihao}{shop}"
    elif r < 0.75:
        name = f"{d.name}{zihao}{shop}"
    else:
        name = f"{d.city}{d.name}{zihao}{shop}"
    spoken = zihao + shop
    others = [spoken]
    if r < 0.4:
        others.insert(0, ts + zihao + shop)
    if shop.endswith("店") and len(shop) >= 3 and rnd.random() < 0.5:
        others.append(zihao + shop[:-1])  # 老街小吃店 -> 老街小吃
    return FirmName(name, spoken, shop, tuple(others))


def coop_name(d: District, town: str, zihao: str, rnd: random.Random) -> FirmName:
    product = rnd.choice(COOP_PRODUCTS)
    form = rnd.choice(COOP_FORMS)
    ts = town_short(town)
    if rnd.random() < 0.6:
        name = f"{d.city}{d.name}{ts}{product}{form}"
        spoken = f"{ts}{product}合作社"
    else:
        name = f"{d.name}{zihao}{product}{form}"
        spoken = f"{zihao}合作社"
    return FirmName(name, spoken, "合作社", (spoken,))


def social_name(d: District, town: str, zihao: str, rnd: random.Random) -> tuple[FirmName, str]:
    """A social organisation and its USCC kind digit (1 association, 2 private unit, 3 foundation)."""
    org, digit = rnd.choice(SOCIAL_ORGS)
    topic = rnd.choice(SOCIAL_TOPICS)
    r = rnd.random()
    if r < 0.3:
        name = f"{d.city}{topic}{org}"
    elif r < 0.55:
        name = f"{d.city}{d.name}{topic}{org}"
    elif r < 0.8:
        topic = town_short(town) + topic
        name = f"{d.city}{d.name}{topic}{org}"
    else:
        topic = zihao
        name = f"{d.city}{d.name}{topic}{org}"
    spoken = topic + org
    return FirmName(name, spoken, org[-2:], (spoken,)), digit


def renamed(old: FirmName, zihao: str, rnd: random.Random) -> str:
    """A plausible former name: same 字号, another industry term or region prefix."""
    term = rnd.choice(("贸易", "实业", "商贸", "科技", "工贸"))
    form = "有限公司"
    region = rnd.choice(("浙江", "杭州", "宁波", "温州", "金华", "衢州", "台州"))
    return f"{region}{zihao}{term}{form}"
