"""What a held-out record is about, and how honest its truth is.

Each scenario picks registered subjects (or none), writes the subject phrase, and lists the truth
rows a careful reader could be certain of, the rows that are merely plausible, and difficulty tags.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import lexicon as lx
from .index import RegistryIndex, Scope, phone_key
from .mentions import PLACE_WORDS, firm_mention, leader_phrase, person_words
from .noise import fullwidth_digits, phone_tail, write_phone

Pair = tuple[str, str]


@dataclass(slots=True)
class Draft:
    scenario: str
    kind: str  # firm | person | public
    subj: str = ""
    sector: str = "generic"
    truth: list[Pair] = field(default_factory=list)
    plausible: list[Pair] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    issue: tuple[str, str] | None = None  # (category, clause) for person and public records


@dataclass(slots=True)
class Setting:
    """Where the record was handled: the true region, what the record says, the place words."""

    home: int  # firm whose place the record is set in
    region: str | None  # true region
    written_region: str  # region_code as written ("" when missing)
    loc: str
    scope: Scope


def _firm(ix: RegistryIndex, i: int) -> Pair:
    return ("firm", ix.firms[i].uscc)


def _add(d: Draft, pair: Pair, certain: bool) -> None:
    (d.truth if certain else d.plausible).append(pair)
    if not certain:
        d.tags.add("uncertain_form")


def firm_named(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    d = Draft("firm_named", "firm", sector=lx.sector_of(ix.firms[i].name))
    m = firm_mention(ix, i, st.scope, rnd)
    d.subj, d.tags = m.text, set(m.tags)
    phone = ix.firms[i].phone
    if phone and rnd.random() < 0.15:
        written, style = write_phone(phone, rnd)
        d.subj += rnd.choice(["（电话{p}）", "，联系电话{p}，", "（{p}）"]).format(p=written)
        d.tags |= {"phone_with_name", f"phone_{style}"}
        m.certain = m.certain or ix.phone_owner_firms(phone) == [i]
    elif phone and rnd.random() < 0.06:
        d.subj += f"（老板电话尾号{phone_tail(phone)}）"
        d.tags.add("phone_tail4")
    _add(d, _firm(ix, i), m.certain)
    return d


def firm_uscc(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    f = ix.firms[i]
    d = Draft("firm_uscc", "firm", sector=lx.sector_of(f.name), tags={"uscc"})
    code = f.uscc if rnd.random() < 0.8 else fullwidth_digits(f.uscc)
    name = firm_mention(ix, i, st.scope, rnd, form=rnd.choice(["full", "full", "short"])).text
    d.subj = rnd.choice(
        [
            "{n}（统一社会信用代码{c}）",
            "{n}（信用代码：{c}）",
            "统一社会信用代码为{c}的{n}",
            "{n}，统一社会信用代码：{c}，",
        ]
    ).format(n=name, c=code)
    d.truth.append(_firm(ix, i))
    return d


def firm_phone_only(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    f = ix.firms[i]
    if not f.phone:
        return firm_named(ix, st, rnd)
    d = Draft("firm_phone_only", "firm", sector=lx.sector_of(f.name), tags={"phone_only"})
    kind = "店" if f.kind.value == "individual_business" else rnd.choice(["公司", "厂"])
    written, style = write_phone(f.phone or "", rnd)
    d.subj = rnd.choice(["一家{k}（店家电话{p}）", "一家{k}，商家电话{p}，", "电话为{p}的一家{k}"]).format(
        k=kind, p=written
    )
    d.tags.add(f"phone_{style}")
    _add(d, _firm(ix, i), ix.phone_owner_firms(f.phone or "") == [i])
    # a phone two firms share fits either equally well
    d.plausible += [_firm(ix, j) for j in ix.phone_owner_firms(f.phone or "") if j != i]
    d.plausible += [("person", pid) for pid in ix.phone_owner_persons(f.phone or "")]
    return d


def firm_tail4(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    f = ix.firms[i]
    if not f.phone:
        return firm_named(ix, st, rnd)
    d = Draft("firm_tail4_only", "firm", sector=lx.sector_of(f.name), tags={"phone_tail4", "no_subject"})
    kind = "店" if f.kind.value == "individual_business" else "公司"
    d.subj = f"一家{kind}（老板电话尾号{phone_tail(f.phone or '')}）"
    d.plausible.append(_firm(ix, i))
    return d


def firm_address(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    f, a, p = ix.firms[i], ix.addr[i], ix.parts[i]
    if a is None or not a.road_no:
        return firm_named(ix, st, rnd)
    d = Draft("firm_address_only", "firm", sector=lx.sector_of(f.name), tags={"address_only"})
    kind = "店" if f.kind.value == "individual_business" else rnd.choice(["厂", "公司"])
    word = (p.industry or "") + ("" if (p.industry or "").endswith(PLACE_WORDS) else kind)
    d.subj = rnd.choice(["{r}那家{w}", "位于{r}的一家{w}", "{r}的{w}"]).format(r=a.road_no, w=word)
    at = [j for j in ix.at_address(a.road_no) if ix.in_scope(j, st.scope)]
    # a road and number without district or town could be anywhere in the province
    located = st.scope.region is not None or a.town in st.scope.addr_terms
    _add(d, _firm(ix, i), at == [i] and located and bool(p.industry))
    return d


def firm_with_leader(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    leaders = ix.leaders(i)
    if not leaders:
        return firm_named(ix, st, rnd)
    person, role = rnd.choice(leaders)
    d = Draft("firm_and_person", "firm", sector=lx.sector_of(ix.firms[i].name))
    m = firm_mention(ix, i, st.scope, rnd)
    d.subj, f_certain, p_certain, tags = leader_phrase(ix, i, m, person, role, rnd)
    d.tags = set(m.tags) | tags | {"two_subjects"}
    _add(d, _firm(ix, i), f_certain)
    _add(d, ("person", person.person_id), p_certain)
    return d


def two_firms(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    i = st.home
    same = [j for j in ix.firms_in_region(ix.firms[i].region_code) if j != i and ix.in_scope(j, st.scope)]
    if not same:
        return firm_named(ix, st, rnd)
    j = rnd.choice(same)
    d = Draft("two_firms", "firm", sector=lx.sector_of(ix.firms[i].name), tags={"two_subjects", "two_firms"})
    a, b = firm_mention(ix, i, st.scope, rnd), firm_mention(ix, j, st.scope, rnd)
    ai, aj = ix.addr[i], ix.addr[j]
    neighbours = ai is not None and aj is not None and (ai.town, ai.road) == (aj.town, aj.road)
    patterns = ["{a}和{b}", "{a}与{b}", "{a}、{b}两家"] + (["{a}及隔壁{b}"] if neighbours else [])
    d.subj = rnd.choice(patterns).format(a=a.text, b=b.text)
    d.tags |= a.tags | b.tags
    _add(d, _firm(ix, i), a.certain)
    _add(d, _firm(ix, j), b.certain)
    return d


def _personal_issue(rnd: random.Random) -> tuple[str, str]:
    return rnd.choice(lx.PERSONAL)


def _leader_of(ix: RegistryIndex, i: int, rnd: random.Random):
    leaders = ix.leaders(i)
    return rnd.choice(leaders)[0] if leaders else None


def person_id(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    person = _leader_of(ix, st.home, rnd)
    if person is None:
        return firm_named(ix, st, rnd)
    d = Draft("person_id", "person", tags={"person_only", "id_number"}, issue=_personal_issue(rnd))
    pid = person.person_id if rnd.random() < 0.9 else person.person_id.lower()
    if rnd.random() < 0.25:
        pid = fullwidth_digits(pid)
    d.subj = rnd.choice(
        [
            "当事人{n}（身份证号{i}）",
            "{n}（公民身份号码：{i}）",
            "村民{n}（身份证{i}）",
            "{n}，身份证号码{i}，",
        ]
    ).format(n=person.name, i=pid)
    d.truth.append(("person", person.person_id))
    return d


def person_phone(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    person = _leader_of(ix, st.home, rnd)
    if person is None or not person.phone:
        return firm_named(ix, st, rnd)
    d = Draft("person_phone", "person", tags={"person_only", "phone_with_name"}, issue=_personal_issue(rnd))
    written, style = write_phone(person.phone, rnd)
    d.tags.add(f"phone_{style}")
    d.subj = rnd.choice(["{n}（电话{p}）", "{n}，联系电话{p}，", "住户{n}（手机{p}）"]).format(
        n=person.name, p=written
    )
    owners = [pid for pid in ix.phone_owner_persons(person.phone) if ix.persons[pid].name == person.name]
    _add(d, ("person", person.person_id), owners == [person.person_id])
    d.plausible += [_firm(ix, j) for j in ix.phone_owner_firms(person.phone)]
    return d


def person_name_only(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    """A registered person's full name in their own district and nothing else: not certain."""
    person = _leader_of(ix, st.home, rnd)
    if person is None:
        return firm_named(ix, st, rnd)
    d = Draft(
        "person_name_only", "person", tags={"person_only", "person_name_only"}, issue=_personal_issue(rnd)
    )
    d.subj = rnd.choice(["村民{n}", "{n}", "居民{n}", "当事人{n}"]).format(n=person.name)
    d.plausible.append(("person", person.person_id))
    return d


def person_colloquial(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    person = _leader_of(ix, st.home, rnd)
    if person is None:
        return firm_named(ix, st, rnd)
    d = Draft(
        "person_colloquial",
        "person",
        tags={"person_only", "nickname_only", "no_subject"},
        issue=_personal_issue(rnd),
    )
    words, _ = person_words(person, rnd, "colloquial")
    d.subj = rnd.choice(["{v}村的{w}", "{w}", "一个叫{w}的人"]).format(v=rnd.choice(lx.VILLAGES), w=words)
    return d


def homonym_elsewhere(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    """A resident whose name a registered person elsewhere also bears: truth is nobody."""
    region = ix.firms[st.home].region_code
    for _ in range(20):
        name = rnd.choice(ix.person_names)
        if not ix.persons_named_in_region(name, region):
            break
    else:
        return public_issue(ix, st, rnd)
    d = Draft(
        "homonym_elsewhere",
        "person",
        tags={"person_only", "homonym_other_region", "no_subject"},
        issue=_personal_issue(rnd),
    )
    d.subj = rnd.choice(["村民{n}", "居民{n}", "{n}", "当事人{n}"]).format(n=name)
    return d


def unregistered_shop(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    region = ix.firms[st.home].region_code
    sector = rnd.choice(list(lx.UNREG_KIND))
    for _ in range(20):
        trade = rnd.choice(lx.UNREG_TRADE)
        if not ix.firms_containing((trade,), Scope(region)):
            break
    else:
        return public_issue(ix, st, rnd)
    d = Draft("unregistered_shop", "firm", sector=sector, tags={"unregistered", "no_subject"})
    d.subj = trade + rnd.choice(lx.UNREG_KIND[sector])
    if ix.firms_containing((trade,), Scope(None)):
        d.tags.add("trade_registered_elsewhere")
    if rnd.random() < 0.3:
        d.subj += rnd.choice(["（老板姓{s}）", "（店主{s}某）"]).format(s=rnd.choice(lx.CALLER_SURNAMES))
    return d


def public_issue(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    return Draft("public_issue", "public", tags={"no_subject"}, issue=rnd.choice(lx.PUBLIC))


SCENARIOS = {
    firm_named: 30,
    firm_uscc: 4,
    firm_phone_only: 6,
    firm_tail4: 3,
    firm_address: 5,
    firm_with_leader: 12,
    two_firms: 5,
    person_id: 4,
    person_phone: 3,
    person_name_only: 3,
    person_colloquial: 4,
    homonym_elsewhere: 4,
    unregistered_shop: 8,
    public_issue: 9,
}


def firm_full(ix: RegistryIndex, st: Setting, rnd: random.Random) -> Draft:
    """The registered name written out, sometimes with the registered phone: no reader doubts it."""
    i = st.home
    f = ix.firms[i]
    d = Draft("firm_full", "firm", sector=lx.sector_of(f.name), tags={"form_full"})
    d.subj = f.name
    if f.phone and rnd.random() < 0.4:
        d.subj += f"（联系电话{f.phone}）"
        d.tags.add("phone_with_name")
    _add(d, _firm(ix, i), ix.unique_firm((f.name,), i, Scope(None)))
    return d


# unambiguous records only: full registered names, codes, registered phones beside a name
CLEAN = {firm_full: 6, firm_uscc: 3, person_id: 2}


def pick_scenario(rnd: random.Random, mix: dict | None = None):
    mix = mix or SCENARIOS
    fns = list(mix)
    return rnd.choices(fns, weights=[mix[f] for f in fns])[0]


def phone_is_registered(ix: RegistryIndex, phone: str) -> bool:
    k = phone_key(phone)
    return k in ix.firm_phone or k in ix.person_phone


__all__ = ["CLEAN", "SCENARIOS", "Draft", "Setting", "phone_is_registered", "pick_scenario"]
