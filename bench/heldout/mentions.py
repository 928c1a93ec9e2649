"""How one registered firm or person is written in a record, and whether a careful reader could
still tell who it is. Each function returns the words and the evidence a reader would use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ingest.records import Person, Role

from .index import RegistryIndex, Scope
from .names import colloquial_kind
from .noise import homophone_typo

FORMAL_ROLE = {Role.LEGAL_REP: ("法定代表人", "法人", "法人代表"), Role.OPERATOR: ("经营者", "业主", "店主")}
# industry words that already name the premises (餐馆, 大排档, 超市): no 店/厂 after them
PLACE_WORDS = ("馆", "档", "超市", "房", "室", "所", "店", "场", "吧", "坊", "部", "站", "队", "行", "中心")
LOOSE_ROLE = ("负责人", "老板", "实际经营人")


@dataclass(slots=True)
class Mention:
    """Words for one subject, whether a reader could be certain, and the difficulty tags."""

    text: str
    certain: bool
    tags: set[str] = field(default_factory=set)
    keys: tuple[str, ...] = ()
    scope: Scope | None = None


def firm_mention(
    ix: RegistryIndex,
    i: int,
    scope: Scope,
    rnd: random.Random,
    form: str | None = None,
    typo_rate: float = 0.18,
) -> Mention:
    """Write firm i the way a clerk might; `certain` when the words single it out in `scope`."""
    f, p = ix.firms[i], ix.parts[i]
    aliases = [a for a in f.other_names if a not in f.name and len(a) >= 2]
    forms = ["full"] * 15 + ["noregion"] * 10 + ["short"] * 20 + ["short_kind"] * 15 + ["trade"] * 12
    if p.industry and len(p.industry) >= 2 and ix.addr[i] is not None:
        forms += ["town_colloquial"] * 8 + ["trade_colloquial"] * 6
    if aliases:
        forms += ["alias"] * 6
    if f.kind.value == "social_org" or len(p.core) < 3 or len(p.trade) < 2:
        forms = ["full", "noregion"]
    form = form or rnd.choice(forms)
    kind = colloquial_kind(p)
    tags = {f"form_{form}"}
    keys: tuple[str, ...]
    vague = False
    if form == "full":
        text, keys = f.name, (f.name,)
    elif form == "noregion":
        town = p.town if rnd.random() < 0.5 or len(p.trade) < 2 else ""
        text, keys = town + p.core + p.form, (town + p.core,)
        tags.add("short_name")
    elif form == "short":
        text, keys = p.core, (p.core,)
        tags.add("short_name")
    elif form == "short_kind":
        suffix = rnd.choice([kind, "公司"] if kind != "公司" else ["公司", "有限公司"])
        text, keys = p.core + suffix, (p.core,)
        tags.add("short_name")
    elif form == "trade":
        text = p.trade + rnd.choice([kind, "那家" + kind, "家的" + kind])
        keys = (p.trade,)
        tags.add("trade_only")
    elif form == "trade_colloquial":  # 廿里那家建材厂
        suffix = "" if p.industry.endswith(PLACE_WORDS) else kind
        text = f"{p.trade}{rnd.choice(['那家', '那个', '的', ''])}{p.industry}{suffix}"
        keys = (p.trade, p.industry)
        tags |= {"colloquial", "short_name"}
    elif form == "town_colloquial":
        a = ix.addr[i]
        assert a is not None
        suffix = "" if p.industry.endswith(PLACE_WORDS) else kind
        text = f"{a.town_short}那家{p.industry}{suffix}"
        scope = Scope(scope.region, (*scope.addr_terms, a.town))
        keys = (p.industry,)
        tags.add("colloquial")
        vague = True  # "the X shop in town T": unregistered shops exist, so never certain alone
    else:  # alias: a former or trade name the registry lists beside the name
        text = rnd.choice(aliases)
        keys = (text,)
        tags.add("alias_name")
    certain = ix.unique_firm(keys, i, scope) and not vague
    start = text.find(p.trade) if p.trade else -1
    if (
        form in ("noregion", "short", "short_kind", "trade", "trade_colloquial")
        and start >= 0
        and rnd.random() < typo_rate
    ):
        typo = homophone_typo(text, rnd, list(range(start, start + len(p.trade))))
        if typo is not None:
            # a slip that spells another registered name is not a slip a reader can undo
            clash = ix.firms_containing((typo[start : start + len(p.trade)],), Scope(None)) - {i}
            text, certain = typo, certain and not clash
            tags.add("homophone")
    return Mention(text, certain, tags, keys, scope)


def person_words(person: Person, rnd: random.Random, style: str) -> tuple[str, str]:
    """(written form, style) of a person's name: full, 王某某/王某, 老王, 王老板, 王总, 王师傅, 王姓男子."""
    sur = person.name[:2] if person.name[:2] in ("欧阳", "司马", "诸葛", "上官") else person.name[0]
    if style == "full":
        return person.name, style
    if style == "masked":
        return sur + rnd.choice(["某某", "某"]), style
    gender = "男子" if person.gender == "M" else "女子" if person.gender == "F" else "男子"
    return rnd.choice([f"老{sur}", f"{sur}老板", f"{sur}总", f"{sur}师傅", f"{sur}姓{gender}"]), "colloquial"


def leader_phrase(
    ix: RegistryIndex, i: int, m: Mention, person: Person, role: Role, rnd: random.Random
) -> tuple[str, bool, bool, set[str]]:
    """A firm written together with its legal representative or operator: (text, firm certain,
    person certain, tags).

    A full name singles out the pair when only one firm the words fit has a leader of that name
    (藤桥那家奶茶店老板邵军). A 某 form counts only behind a formal role word and a certain firm
    (the firm has one legal representative); 老王, 王总 and 王老板 never do.
    """
    firm_text, firm_certain = m.text, m.certain
    style = rnd.choices(["full", "masked", "colloquial"], weights=[55, 25, 20])[0]
    words, style = person_words(person, rnd, style)
    formal = style != "colloquial" and rnd.random() < 0.6
    role_word = rnd.choice(FORMAL_ROLE.get(role, ("负责人",))) if formal else rnd.choice(LOOSE_ROLE)
    if style == "colloquial":
        pattern = rnd.choice(["{f}的{w}", "{f}（{w}）", "{w}开的{f}"])
        phrase = pattern.format(f=firm_text, w=words)
    else:
        pattern = rnd.choice(["{f}（{r}：{w}）", "{f}{r}{w}", "{w}经营的{f}", "{f}的{r}{w}"])
        phrase = pattern.format(f=firm_text, r=role_word, w=words)
    if style == "full":
        fits = ix.firms_containing(m.keys, m.scope or Scope(None)) if m.keys else {i}
        led = {j for j in fits if any(p.name == person.name for p, _ in ix.leaders(j))}
        pair_certain = led == {i} and "homophone" not in m.tags or firm_certain
        return phrase, pair_certain, pair_certain, {f"person_{style}", "firm_and_person"}
    certain = firm_certain and style == "masked" and formal and "{r}" in pattern
    return phrase, firm_certain, certain, {f"person_{style}", "firm_and_person"}
