"""Ways a writer refers to an event's subject, each with the truth a careful local reader would
give it. A way is only used when it picks out one registered subject in the district."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.sealed.lexicon import GIVEN, RELATED
from bench.sealed.noise import Homophones
from bench.sealed.registry import FirmView, Registry, surname

_FEMALE = {"F", "女"}


@dataclass(slots=True)
class Ref:
    """The words naming the subject, where it is, who runs it (optional), and the truth rows."""

    form: str
    mention: str
    where: str = ""
    person: str = ""
    phone: str = ""
    truth: list[tuple[str, str]] = field(default_factory=list)
    county_in_text: bool = False
    industry: str = ""


def where_phrase(f: FirmView, rng: random.Random, need: bool = False) -> tuple[str, bool]:
    """(place words, whether the county is named): road and number, or town and road, or none."""
    town = f.town.removesuffix("街道") if rng.random() < 0.4 else f.town
    options = [
        (f"{f.road}{f.number}号", False),
        (f"{town}{f.road}", False),
        (f"{f.county}{town}", True),
        (f"{f.road}上", False),
        (f"{f.county}{f.road}{f.number}号", True),
    ]
    if not need:
        options.append(("", False))
    if not f.road:
        options = [(f"{f.county}{town}", True), (town, False)]
    return rng.choice(options)


def _generic(f: FirmView, rng: random.Random) -> str:
    """The kind of business in everyday words (照相馆, 饭店, 建材厂)."""
    if f.trade in RELATED:
        return rng.choice((f.trade, *RELATED[f.trade]))
    if len(f.trade) <= 4 and f.kind == "individual_business":
        return f.trade
    head = f.trade[:2] if len(f.trade) >= 2 and f.trade[:2] != "进出" else ""
    if not head:
        return "店" if f.kind == "individual_business" else "公司"
    return head + ("厂" if "制造" in f.industry or "制品" in f.industry else "公司")


def _person_form(f: FirmView, rng: random.Random) -> tuple[str, bool]:
    """A family-name form with a role word for the firm's operator; True when it names them."""
    fam = surname(f.rep_name)
    forms = [f"{fam}老板", f"老{fam}", f"{fam}某某", f"{fam}某", f"{fam}师傅"]
    if f.kind == "enterprise":
        forms += [f"{fam}总", f"{fam}总"]
    if f.rep_gender in _FEMALE:
        forms += [f"{fam}姐", "老板娘"]
    return rng.choice(forms), True


def firm_ref(reg: Registry, f: FirmView, form: str, rng: random.Random, homo: Homophones) -> Ref | None:
    """A reference of the given form to firm `f`, or None when that form would not be unique."""
    ref = _firm_ref(reg, f, form, rng, homo)
    if ref is not None:
        ref.industry = f.industry
    return ref


def _firm_ref(reg: Registry, f: FirmView, form: str, rng: random.Random, homo: Homophones) -> Ref | None:
    t_firm = [("firm", f.uscc)]
    w, cty = where_phrase(f, rng)
    if form == "full_name":
        return Ref(form, f.name, w, truth=t_firm, county_in_text=True)
    if form == "code":
        code = f.uscc if rng.random() < 0.7 else f"{f.uscc[:6]} {f.uscc[6:12]} {f.uscc[12:]}"
        label = rng.choice(["统一社会信用代码", "信用代码", "社会信用代码：", "代码", "USCC"])
        named = rng.choice([f.name, f"{f.zihao}{f.trade}" if f.zihao else f.name, "该单位", "一家公司"])
        return Ref(form, f"{named}（{label}{code}）", w, truth=t_firm, county_in_text=True)
    if not f.zihao or f.kind in ("social_org", "cooperative"):
        return None
    if form in ("zihao", "zihao_elsewhere", "zihao_word", "homophone"):
        if not reg.zihao_unique_in(f):
            return None
        if form == "zihao_elsewhere" and not reg.zihao_elsewhere(f):
            return None
        if form == "zihao_word":
            word = rng.choice(RELATED.get(f.trade, (_generic(f, rng),)))
            return Ref(form, f.zihao + word, w, truth=t_firm, county_in_text=cty)
        if form == "homophone":
            slipped = homo.slip(f.zihao, rng)
            if slipped == f.zihao:
                return None
            w, cty = where_phrase(f, rng, need=True)
            return Ref(form, slipped + rng.choice([f.trade, _generic(f, rng)]), w, truth=t_firm,
                       county_in_text=cty)  # fmt: skip
        short = rng.choice([f.zihao + f.trade, f.zihao + f.trade, f.zihao, *f.other_names[:1]])
        return Ref(form, short, w, truth=t_firm, county_in_text=cty)
    if form == "address_kind":
        if not reg.place_unique(f):
            return None
        num = f.number if rng.random() < 0.8 else f.number + "号"
        place = f"{f.road}{num}" + ("号" if not num.endswith("号") else "")
        link = rng.choice(["", "的", "那家", "一家"])
        return Ref(form, f"{place}{link}{_generic(f, rng)}", "", truth=t_firm)
    if form in ("surname_role", "full_person"):
        if not f.rep_name or not reg.surname_unique(f):
            return None
        kind = _generic(f, rng)
        if form == "full_person":
            who = rng.choice(["经营者", "负责人", "老板", "法人", "店主"]) + f.rep_name
            w2, cty = where_phrase(f, rng, need=True)
            return Ref(form, f"{w2}的{kind}", "", person=who, county_in_text=cty,
                       truth=t_firm + [("person", f.rep_id)])  # fmt: skip
        pf, _ = _person_form(f, rng)
        road = f"{f.road}上" if rng.random() < 0.5 else f"{f.road}{f.number}号"
        mention = rng.choice([f"{road}{pf}开的{kind}", f"{road}{pf}经营的{kind}", f"{road}的{kind}（{pf}）"])
        return Ref(form, mention, "", person=pf, truth=t_firm + [("person", f.rep_id)])
    if form == "phone":
        if not f.phone or f.phone in reg.shared_phones:
            return None
        tail = f.phone[-4:]
        masked = f.phone[:3] + "****" + tail if len(f.phone) == 11 else f.phone
        shown = rng.choice([f.phone, f"尾号{tail}", f"电话尾号是{tail}", masked])
        w2, cty = where_phrase(f, rng, need=True)
        return Ref(form, f"{w2}一家{_generic(f, rng)}", "", phone=shown, truth=t_firm, county_in_text=cty)
    return None


def complainant(reg: Registry, f: FirmView | None, region: str, rng: random.Random) -> str:
    """A named complainant or reporter (never the subject): a common name, a registered person's
    name, or a given name that equals a 字号 of the district."""
    r = rng.random()
    if r < 0.3:
        local = [g for g in reg.by_region.get(region, []) if len(g.zihao) == 2 and g is not f]
        if local:
            return rng.choice("陈王李张刘周吴徐") + rng.choice(local).zihao
    if r < 0.6 and reg.persons:
        return rng.choice(reg.person_list).name
    return rng.choice("王李张刘陈杨黄赵吴周徐孙朱胡郭何高林") + rng.choice(GIVEN)
