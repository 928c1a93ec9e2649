"""Candidates and comparison levels for one record: who could it be about, and how well does each agree.

A record (event or masked credit record) becomes a `RecordContext`; candidates come from cheap
exact lookups only (codes, phones, name keys, address keys, and one hop through the registry's
roles), never from a scan of the registry. Each (record, candidate) pair gets one discrete level
per comparison, declared in `FIRM_LEVELS` / `PERSON_LEVELS` (level -1 = nothing to compare:
neutral). The levels feed the Fellegi–Sunter model; the labels feed the evidence text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ingest.normalize import MaskedId
from ingest.records import Person
from resolution.business import FITS, BusinessWord
from resolution.codes_in_text import CodeMention, masked_mobile
from resolution.gazetteer import ALIAS, CORE, FULL, HOMOPHONE, SHORT, Gazetteer
from resolution.mentions import ROLE_WORDS, FirmHit, Mentions, PersonHit, SurnameForm, _role_near, is_caller

NULL = -1
# comparison name -> level labels (index = level)
FIRM_LEVELS: dict[str, tuple[str, ...]] = {
    "name": (
        "no name, another firm is named",
        "no name",
        "fuzzy name ≥ 60",
        "fuzzy name ≥ 80",
        "homophone",
        "short name (字号)",
        "short name (字号) called a business",
        "trade/short name or core",
        "registered name",
    ),
    "name_rarity": ("name key shared by 4+ firms", "name key shared by 2-3 firms", "unique name key"),
    "code": ("other USCC in text", "masked USCC consistent", "USCC ="),
    "phone": (
        "phone in text differs",
        "phone = registered phone of 3+ firms",
        "phone = registered phone",
        "masked phone (138****5678) fits a registered phone",
        "phone tail (尾号0973) fits a registered phone",
    ),
    "region": ("other province", "other city in the province", "other district in the city", "same district"),
    "address": ("place differs", "town or road =", "road and number =", "full street address ="),
    "person": (
        "person named holds no role here",
        "surname form matches a role holder",
        "named person holds a role here, firm not named",
        "named person holds a role here",
        "named person holds that role here",
        "surname form holds a role at the one firm in the district of the trade named beside it",
        "named person holds a role at their one firm of the trade named beside the name",
        "named person holds a role at their one firm in the city, spoken of as theirs (张伟开的店, 店主张伟)",
    ),
    "business": (
        "trade named beside it is another industry",
        "trade named beside it may be its industry",
        "trade named beside it is its industry",
    ),
}
PERSON_LEVELS: dict[str, tuple[str, ...]] = {
    "name": (
        "no name",
        "surname form (某/老/X总)",
        "homophone",
        "exact name, word boundary unclear",
        "exact name",
    ),
    "name_rarity": ("name shared by 6+ people", "name shared by 2-5 people", "unique name"),
    "code": ("ID conflicts", "masked ID consistent", "resident ID ="),
    "phone": (
        "phone in text differs",
        "phone = a mentioned firm's phone too",
        "phone = own phone",
        "masked phone (138****5678) fits own phone",
    ),
    "region": ("other province", "other city in the province", "other district in the city", "same district"),
    "firm": (
        "firms mentioned, no role in them",
        "holds a role at a mentioned firm",
        "holds the role named at a mentioned firm",
    ),
}
FIRM_NAMES = tuple(FIRM_LEVELS)
PERSON_NAMES = tuple(PERSON_LEVELS)
MAX_NAME_CANDIDATES = 40  # a person name shared by more people is kept only with other support
MAX_EXPANSION = 12
MAX_SHARED_KEY = 8  # a name key or person name shared by more entities is narrowed by region
# gazetteer hit level -> "name" comparison level
_HIT_LEVEL = {FULL: 8, ALIAS: 7, SHORT: 5, HOMOPHONE: 4}


@dataclass(slots=True)
class RecordContext:
    """What resolution knows about one record besides its text."""

    source: str  # events | credit_records
    record_id: str
    text: str
    raw_text: str
    region_code: str | None
    location: str | None
    subject_type: str | None = None  # credit records: only this entity type
    masked: MaskedId | None = None


@dataclass(slots=True)
class PairRows:
    """Candidates of one record with their level rows (lists of ints) and mention notes."""

    firm_idx: list[int]
    firm_rows: list[list[int]]
    firm_notes: list[str]
    person_idx: list[int]
    person_rows: list[list[int]]
    person_notes: list[str]


def region_level(a: str | None, regions: frozenset[str] | tuple[str, ...]) -> int:
    """Best agreement between a record's region code and an entity's region codes."""
    if not a or not regions:
        return NULL
    best = 0
    for r in regions:
        if not r:
            continue
        if r == a:
            return 3
        if r[:4] == a[:4]:
            best = max(best, 2)
        elif r[:2] == a[:2]:
            best = max(best, 1)
    return best


def _rarity(n: int, cuts: tuple[int, int]) -> int:
    return 2 if n <= 1 else (1 if n <= cuts[1] else 0)


def build_pairs(ctx: RecordContext, m: Mentions, gz: Gazetteer) -> PairRows:
    """Candidates and comparison levels for one record."""
    want_firms = ctx.subject_type in (None, "firm")
    want_persons = ctx.subject_type in (None, "person")
    _complete_local_phones(ctx, m, gz)
    phones = m.phones
    usccs = m.codes_of("uscc")
    rids = m.codes_of("resident_id")
    masks = _masks(ctx, m)

    # ---------------------------------------------------------------- firm candidates
    firm_cands: dict[int, str] = {}
    trade: dict[int, tuple[int, str]] = {}
    if want_firms:
        for u in sorted(usccs):
            fi = gz.firm_index.get(u)
            if fi is not None:
                firm_cands.setdefault(fi, f"USCC {u}{_slip_note(m, u)}")
        for ph in sorted(phones):
            for fi in gz.phone_firms.get(ph, ())[:MAX_EXPANSION]:
                firm_cands.setdefault(fi, f"phone {ph}")
        by_key: dict[str, list[int]] = {}
        for fi, hit in m.firms.items():
            by_key.setdefault(hit.key, []).append(fi)
        for key, fis in by_key.items():
            if len(fis) > MAX_SHARED_KEY and ctx.region_code:
                # a name many firms share: only those of the record's city can be meant
                fis = [
                    fi for fi in fis if region_level(ctx.region_code, (gz.firms[fi].region_code or "",)) >= 2
                ]
            for fi in fis:
                firm_cands[fi] = f'"{key}"'
        for fi, key in m.address_firms.items():
            firm_cands.setdefault(fi, f'address "{key}"')
        if ctx.region_code:
            for tail in sorted(m.codes_of("phone_tail")):
                fis = gz.phone_tail_firms.get((ctx.region_code, tail), [])
                if len(fis) <= MAX_TAIL_FIRMS:  # a tail many firms of the district share says nothing
                    for fi in fis:
                        firm_cands.setdefault(fi, f"phone tail {tail}")
        for mk in masks:
            if mk.kind != "resident_id" and len(mk.suffix) >= 4:
                for fi in gz.firm_by_last4.get(mk.suffix[-4:], ()):
                    if mk.matches(gz.firms[fi].uscc):
                        firm_cands.setdefault(fi, f"masked {mk.pattern}")
        named = [pi for pi, h in m.persons.items() if h.level >= 3]
        if len(named) <= MAX_NAME_CANDIDATES:
            for pi in named:
                for fi, _role in gz.person_roles.get(pi, ())[:MAX_EXPANSION]:
                    firm_cands.setdefault(fi, f"via {gz.persons[pi].name}")
        trade = _trade_holders(ctx, m, gz)
        for fi, (_lvl, who) in trade.items():
            firm_cands.setdefault(fi, f"{who} + trade beside")
    # firms the record clearly names: anchors for person context
    anchors: set[int] = set()
    named_firms: set[int] = set()
    firm_rows: list[list[int]] = []
    firm_idx: list[int] = []
    firm_notes: list[str] = []
    person_mentioned = bool(m.persons) or bool(m.surname_forms)
    for fi, note in firm_cands.items():
        row = firm_row(ctx, m, gz, fi, person_mentioned, trade.get(fi, (None, ""))[0])
        name_lvl, code, phone, address = row[0], row[2], row[3], row[5]
        firm_idx.append(fi)
        firm_rows.append(row)
        firm_notes.append(note)
        by_trade = row[6] in (TRADE_SURNAME, TRADE_NAMED, OWN_BUSINESS)
        # 学院路42号那家理发店的姚老板: the address, its trade and a holder of that surname agree
        by_place = address >= 1 and row[6] >= 1 and row[7] == FITS and _at_its_address(ctx, gz, fi)
        # 彻站豆腐坊 heard for 车站豆腐坊: a slip of a name no other firm has still names the firm
        heard = name_lvl == _HIT_LEVEL[HOMOPHONE] and row[1] == 2
        if name_lvl >= 5 or code == 2 or phone == 2 or address >= 2 or by_trade or heard:
            anchors.add(fi)
        if name_lvl >= 5 or code == 2 or phone == 2 or by_trade or by_place or heard:
            named_firms.add(fi)

    # ---------------------------------------------------------------- person candidates
    person_cands: dict[int, str] = {}
    if want_persons:
        for r in sorted(rids):
            by_id = gz.person_index.get(r)
            if by_id is not None:
                person_cands.setdefault(by_id, f"resident ID {r}{_slip_note(m, r)}")
        for mk in masks:
            if mk.kind == "uscc" or len(mk.suffix) < 3 or mk.pattern.startswith("*"):
                continue  # an ID's tail alone (身份证后四位) fits dozens: it only checks names
            for pi in gz.person_by_last4.get(mk.suffix[-4:], ()) if len(mk.suffix) >= 4 else ():
                if mk.matches(gz.persons[pi].person_id):
                    person_cands.setdefault(pi, f"masked {mk.pattern}")
        firm_phones = {x for fi in anchors for x in gz.firm_phones[fi]}
        for ph in sorted(phones):
            for pi in gz.phone_persons.get(ph, ())[:MAX_EXPANSION]:
                # the shop's phone that is also its operator's names the shop, not the person,
                # unless the person is named too
                if (
                    ph in firm_phones
                    and pi not in m.persons
                    and not any(_form_fits(sf, gz.persons[pi].name) for sf in m.surname_forms)
                ):
                    continue
                person_cands.setdefault(pi, f"phone {ph}")
        by_name: dict[str, list[int]] = {}
        for pi, h in m.persons.items():
            by_name.setdefault(h.name, []).append(pi)
        anchor_people = {pi for fi in anchors for pi, _ in gz.firm_roles.get(fi, ())}
        for name, pis in by_name.items():
            if len(pis) > MAX_SHARED_KEY:
                # a common name: only holders tied to a named firm or living in the record's city
                pis = [
                    pi
                    for pi in pis
                    if pi in anchor_people or region_level(ctx.region_code, gz.person_regions[pi]) >= 2
                ][:MAX_NAME_CANDIDATES]
            for pi in pis:
                person_cands.setdefault(pi, f'"{name}"')
        for sf in m.surname_forms:
            for fi in named_firms:
                for pi, _role in gz.firm_roles.get(fi, ()):
                    if _form_fits(sf, gz.persons[pi].name):
                        person_cands.setdefault(pi, f'"{sf.form}"')
        if anchors and len(person_cands) < MAX_NAME_CANDIDATES:
            # a role holder of a named firm whose name sounds like something in the text (潘蔷 ~ 潘强)
            enc = gz.coder.encode(ctx.text)
            for fi in anchors:
                for pi, _role in gz.firm_roles.get(fi, ()):
                    name = gz.persons[pi].name
                    sound = gz.coder.encode(name)
                    if pi not in person_cands and len(name) >= 2 and sound in enc:
                        if is_caller(ctx.text, enc.index(sound) + len(sound)):
                            continue  # 吴建国来电 sounds like 吴建: the caller, not the firm's 吴建
                        person_cands[pi] = f'"{name}" (sounds like)'
                        m.persons.setdefault(pi, _homophone_hit(ctx.text, enc, gz.coder.encode(name), name))
    person_idx: list[int] = []
    person_rows: list[list[int]] = []
    person_notes: list[str] = []
    for pi, note in person_cands.items():
        row = person_row(ctx, m, gz, pi, anchors, named_firms)
        person_idx.append(pi)
        person_rows.append(row)
        person_notes.append(note)
    return PairRows(firm_idx, firm_rows, firm_notes, person_idx, person_rows, person_notes)


def _complete_local_phones(ctx: RecordContext, m: Mentions, gz: Gazetteer) -> None:
    """A landline quoted without its area code (电话3456789) gets the area code of the record's
    city, and from then on is a phone like any other; without a known city it stays unread."""
    area = gz.area_codes.get((ctx.region_code or "")[:4])
    if area is None or not any(c.kind == "local_phone" for c in m.codes):
        return
    m.codes = [
        CodeMention("phone", f"{area}-{c.value}", c.start, c.end, c.raw) if c.kind == "local_phone" else c
        for c in m.codes
    ]


def _written_on(text: str, hit: FirmHit, core: str) -> str:
    """The 字号 with what the text writes after it of the firm's own core, when that is at least
    two characters (百邦 + 土菜 of 百邦土菜馆); '' otherwise."""
    at = core.find(hit.key)
    if at < 0:
        return ""
    rest = core[at + len(hit.key) :]
    n = 0
    while n < len(rest) and hit.end + n < len(text) and text[hit.end + n] == rest[n]:
        n += 1
    return hit.key + rest[:n] if n >= 2 else ""


def _continued_sharers(ctx: RecordContext, gz: Gazetteer, fi: int, key: str, longer: str) -> int:
    """Firms of the record's city (all, without a region) whose core holds `longer`: those the
    字号 with its continuation could mean."""
    found = gz.firm_auto.get(key) if key in gz.firm_auto else None
    if found is None:
        return 1
    city = (ctx.region_code or "")[:4]
    return 1 + sum(
        1
        for fj, _lvl in gz.firm_key_hits[found[0]]
        if fj != fi and longer in gz.firm_core[fj] and (gz.firms[fj].region_code or "").startswith(city)
    )


def _key_sharers(ctx: RecordContext, gz: Gazetteer, fi: int, key: str) -> int:
    """How many firms a name key could mean here: the firm itself plus the others with that key in
    the record's city (all of them when the record has no region). Counting the whole registry
    would make every 字号 look common as the registry grows to a province, while the firms that
    compete for a city's record are the city's; the competition between candidates of one
    mention (`batch._compete`) already weighs those that are candidates."""
    found = gz.firm_auto.get(key) if key in gz.firm_auto else None
    if found is None:
        return 1
    hits = gz.firm_key_hits[found[0]]
    if not ctx.region_code or len(hits) <= 1:
        return len(hits)
    city = ctx.region_code[:4]
    return 1 + sum(1 for fj, _lvl in hits if fj != fi and (gz.firms[fj].region_code or "")[:4] == city)


def _at_its_address(ctx: RecordContext, gz: Gazetteer, fi: int) -> bool:
    """The text gives the firm's road and number (中山路336号), and at most one other firm of the
    record's city is registered there: every city has its 中山路, and only the city's compete."""
    road_number = gz.firm_addr[fi].road_number
    if not road_number or not ctx.region_code or road_number not in ctx.text + (ctx.location or ""):
        return False
    hits = gz.addr_hits[gz.addr_auto.get(road_number)[0]]
    city = ctx.region_code[:4]
    return sum(1 for fj in hits if (gz.firms[fj].region_code or "")[:4] == city) <= 2


def _masked_name_fits(masked: str, name: str) -> bool:
    """王*国 / 王某国 / 王×国 as published: same length, every visible character agrees."""
    if len(masked) != len(name) or not any(c in "*×●某" for c in masked):
        return False
    return all(c in "*×●某" or c == n for c, n in zip(masked, name, strict=True))


def _form_fits(sf: SurnameForm, name: str) -> bool:
    """王某/老王 fit anyone surnamed 王; 吴某飞 a 吴 whose name ends in 飞; 小忠/阿鹏 fit a given
    name holding that character."""
    if sf.given:
        return len(name) >= 2 and sf.given in name[1:]
    return name[:1] == sf.surname and (not sf.tail or (len(name) >= 3 and name.endswith(sf.tail)))


def _homophone_hit(text: str, enc: str, enc_name: str, name: str) -> PersonHit:
    start = enc.index(enc_name)
    end = start + len(enc_name)
    return PersonHit(2, start, end, text[start:end], _role_near(text, start, end))


def _slip_note(m: Mentions, code: str) -> str:
    """' (written …: one slip)' when the text's code was read from a slip, for the evidence."""
    raw = next((c.raw for c in m.codes if c.corrected and c.value == code), None)
    return f" (written {raw}: one slip)" if raw else ""


def _masks(ctx: RecordContext, m: Mentions) -> list[MaskedId]:
    """Masked codes of the text and the record, and the tails of codes (信用代码后六位) as masks
    showing only their last characters."""
    out = [MaskedId(p, 18 if len(p) == 18 else None, None) for p in sorted(m.codes_of("masked_id"))]
    out += [MaskedId("*" + t, None, "uscc") for t in sorted(m.codes_of("uscc_tail"))]
    out += [MaskedId("*" + t, None, "resident_id") for t in sorted(m.codes_of("rid_tail"))]
    if ctx.masked is not None:
        out.append(ctx.masked)
    return out


def firm_row(
    ctx: RecordContext,
    m: Mentions,
    gz: Gazetteer,
    fi: int,
    person_mentioned: bool,
    trade_level: int | None = None,
) -> list[int]:
    """Comparison levels of one (record, firm) pair, in `FIRM_NAMES` order; `trade_level` is the
    "person" level `_trade_holders` gave the firm, used when nothing else in the text names it."""
    text, loc = ctx.text, ctx.location or ""
    phones, usccs = m.phones, m.codes_of("uscc")
    masks = _masks(ctx, m)
    f = gz.firms[fi]
    hit = m.firms.get(fi)
    longer = _written_on(text, hit, gz.firm_core[fi]) if hit is not None and hit.level == SHORT else ""
    if longer:  # 百邦土菜 for 百邦土菜馆: the 字号 and part of the firm's own industry words
        name_lvl = _HIT_LEVEL[CORE]
        rarity = _rarity(_continued_sharers(ctx, gz, fi, hit.key, longer), (1, 3))  # type: ignore[union-attr]
    elif hit is not None:
        name_lvl = _HIT_LEVEL[hit.level] + (1 if hit.level == SHORT and hit.cue else 0)
        bare = hit.level == SHORT and len(hit.key) == 2 and not hit.cue  # unique among firms, not in speech
        rarity = NULL if bare else _rarity(_key_sharers(ctx, gz, fi, hit.key), (1, 3))
    else:
        sim = fuzz.partial_ratio(gz.firm_core[fi], text) if len(gz.firm_core[fi]) >= 2 else 0
        name_lvl = 3 if sim >= 80 else (2 if sim >= 60 else 1)
        if name_lvl == 1 and any(h.level >= SHORT and j != fi for j, h in m.firms.items()):
            name_lvl = 0
        rarity = NULL
    code = NULL
    if usccs:
        code = 2 if f.uscc in usccs else 0
    elif masks:
        code = 1 if any(mk.matches(f.uscc) for mk in masks if mk.kind != "resident_id") else NULL
    phone = NULL
    if phones:
        same = phones.intersection(gz.firm_phones[fi])
        phone = 0 if not same else (1 if max(len(gz.phone_firms[x]) for x in same) >= 3 else 2)
        if phone == 0 and phones.intersection(_holder_phones(gz, fi)):
            phone = NULL  # the owner's own mobile (老板电话): the person's, no evidence against the shop
    phone = _masked_phone_level(phone, m, gz.firm_phones[fi])
    if phone in (NULL, 0) and m.codes_of("phone_tail") & gz.firm_tails[fi]:
        phone = PHONE_TAIL
    region = region_level(ctx.region_code, (f.region_code,) if f.region_code else ())
    region = _exact_neutral(region, code, phone)
    parts = gz.firm_addr[fi]
    address = NULL
    if len(parts.rest) >= 8 and parts.rest != parts.road_number and (parts.rest in text or parts.rest in loc):
        address = 3  # down to the building and room: 望江路98号南星金融中心1217室
    elif parts.road_number and (parts.road_number in text or parts.road_number in loc):
        address = 2 if len(gz.addr_hits[gz.addr_auto.get(parts.road_number)[0]]) <= 2 else 1
    elif any(p and (p in text or p in loc) for p in (parts.town, parts.road)) or (
        parts.town and len(parts.town) > 2 and parts.town[:-1] in text + loc
    ):
        address = 1
    elif m.towns or m.roads or loc:
        address = 0
    person = NULL
    if person_mentioned:
        person = 0
        for pi, role in gz.firm_roles.get(fi, ()):
            ph = m.persons.get(pi)
            if ph is not None and ph.level >= 3:
                lvl = 4 if ph.role and role in ROLE_WORDS.get(ph.role, ()) else 3
                person = max(person, lvl)
            elif person < 1:
                pname = gz.persons[pi].name
                if any(sf.surname and _form_fits(sf, pname) for sf in m.surname_forms):
                    person = 1
    if person >= 3 and name_lvl < 3 and code != 2 and phone != 2 and address < 3:
        person = 2  # only the person points here: that is how the firm became a candidate
    if trade_level is not None and name_lvl < 3 and code != 2 and phone != 2:
        person = trade_level
    business = gz.business.level(_words_beside(ctx.text, m, fi, hit, gz), f.industry)
    if address == 1 and business == FITS and parts.road_number:
        address = _one_of_its_trade_at(ctx.text, m, gz, fi, parts.road_number)
    return [name_lvl, rarity, code, phone, region, address, person, business]


def _one_of_its_trade_at(text: str, m: Mentions, gz: Gazetteer, fi: int, road_number: str) -> int:
    """Address level 2 (road and number) when the trade written beside a road and number that
    several firms share fits this firm and no other registered there (新安路56号建筑工程公司 in a
    tower of forty offices): the number and the trade together single it out. 1 otherwise."""
    at = text.find(road_number)
    found = gz.addr_auto.get(road_number) if road_number in gz.addr_auto else None
    if at < 0 or found is None:
        return 1
    words = _beside(m.business, [(at, at + len(road_number))], text=text)
    if not words:
        return 1
    there = gz.addr_hits[found[0]]
    fitting = [fj for fj in there if gz.business.level(words, gz.firms[fj].industry) == FITS]
    return 2 if fitting == [fi] else 1


TRADE_SURNAME = 5  # "person" levels given by `_trade_holders`
TRADE_NAMED = 6
OWN_BUSINESS = 7
# a full name's own business without a trade word: 张伟开的店, 投诉张伟老板的店, 店主张伟. Left out:
# 业主 (业主张伟投诉: the flat's owner complaining), 个体户 (a status: 个体户张伟在楼道内充电 is about
# her, not her shop), and roles that do not run a business
OWNER_WORDS = ("老板娘", "老板", "店主", "摊主", "经营者", "经营户", "法定代表人", "法人", "负责人", "厂长")
_SHOP_AFTER = re.compile(
    r"(?:老板娘?|店主)?(?:开的|开办的|开设的|经营的|名下的|家的|家|的)(?:那家|这家|那个|这个|一家|个)?"
    r"(?:小)?(?:店|铺|门店|门面|摊|档口|作坊|厂|公司|生意|买卖)"
)
PERSON_BEFORE = 6  # 一家五金店，经营者喻海: a role word may stand between the trade and the person
HOLDER_ROLES = ("legal_rep", "operator")  # 老陈的快餐店 with no role word: the owner


def _holder_phones(gz: Gazetteer, fi: int) -> set[str]:
    """Own phones of the people who run the firm (legal representative, operator)."""
    return {
        ph for pi, role in gz.firm_roles.get(fi, ()) if role in HOLDER_ROLES for ph in gz.person_phones[pi]
    }


def _trade_holders(ctx: RecordContext, m: Mentions, gz: Gazetteer) -> dict[int, tuple[int, str]]:
    """Firms a person mention and the trade beside it point to: 陈燕颖经营的早餐店, 喻老板的照相馆,
    快餐店经营者谢某某. For a full name, the firms in the record's city where a person of that name
    holds a role and whose industry the trade word fits; for a surname form, the firms of the
    record's district with a holder of that surname in the role the text names; for a full name
    with no trade beside it but spoken of as running a business (张伟开的店, 店主张伟), the one firm in
    the city a person of that name runs. Only a mention
    that leaves exactly one such firm gives one: two fitting firms say nothing about which, and
    the level's weight (learned like any other) says how often one fitting firm is a coincidence."""
    if not ctx.region_code:
        return {}
    # a trade word inside a firm the text names (信昌化工公司（法人：朱某某）) is that firm's name
    named = [(h.start, h.end) for h in m.firms.values() if h.level >= SHORT]
    free = [w for w in m.business if not any(s < w.end and w.start < e for s, e in named)]
    out: dict[int, tuple[int, str]] = {}
    spans: dict[tuple[int, int], list[int]] = {}
    for pi, h in m.persons.items():
        # on word boundaries (金东 inside 金东区 is a place, not a person), or a three-character
        # name heard (钱桂蓉经营的饭店 for 钱桂荣)
        if h.level >= 4 or (h.level == 2 and len(h.name) >= 3):
            spans.setdefault((h.start, h.end), []).append(pi)
    for (s, e), pis in sorted(spans.items()):
        words = _beside(free, [(s, e)], PERSON_BEFORE)
        if not words:  # however common the name: the roles of its holders in the city are few
            own = _own_business_roles(ctx.text, m.persons[pis[0]], named)
            mine = {
                fi
                for pi in pis
                for fi, role in gz.person_roles.get(pi, ())
                if role in own and region_level(ctx.region_code, (gz.firms[fi].region_code or "",)) >= 2
            }
            if len(mine) == 1:
                out[mine.pop()] = (OWN_BUSINESS, gz.persons[pis[0]].name)
            continue
        fits = {
            fi
            for pi in pis
            for fi, _role in gz.person_roles.get(pi, ())
            if region_level(ctx.region_code, (gz.firms[fi].region_code or "",)) >= 2
            and gz.business.level(words, gz.firms[fi].industry) == FITS
        }
        if len(fits) == 1:
            out[fits.pop()] = (TRADE_NAMED, gz.persons[pis[0]].name)
    if not free:
        return out
    for sf in m.surname_forms:
        if sf.given or not sf.surname:
            continue
        roles = ROLE_WORDS.get(sf.role, ()) if sf.role else HOLDER_ROLES
        words = _beside(free, [(sf.start, sf.end)], PERSON_BEFORE)
        if not roles or not words:
            continue
        fits = {
            fi
            for fi, pi, role in gz.holders_by_place_surname.get((ctx.region_code, sf.surname), ())
            if role in roles
            and (not sf.tail or _form_fits(sf, gz.persons[pi].name))
            and gz.business.level(words, gz.firms[fi].industry) == FITS
        }
        if len(fits) == 1:
            out.setdefault(fits.pop(), (TRADE_SURNAME, sf.form))
    for ph in sorted(m.phones):
        # 一家面馆油烟扰民，老板电话138…: a mobile that is one person's own (not a firm's) names
        # that person as surely as their full name, and the trade anywhere in the text picks their firm
        owners = gz.phone_persons.get(ph, ())
        if len(owners) != 1 or gz.phone_firms.get(ph):
            continue
        fits = {
            fi
            for fi, role in gz.person_roles.get(owners[0], ())
            if role in HOLDER_ROLES
            and region_level(ctx.region_code, (gz.firms[fi].region_code or "",)) >= 2
            and gz.business.level(free, gz.firms[fi].industry) == FITS
        }
        if len(fits) == 1:
            out.setdefault(fits.pop(), (TRADE_NAMED, f"phone {ph} of {gz.persons[owners[0]].name}"))
    return out


def _own_business_roles(text: str, h: PersonHit, named: list[tuple[int, int]]) -> tuple[str, ...]:
    """The roles a full name's own business is held in when the text speaks of one without its
    trade (张伟开的店, 投诉张伟老板的店, 店主张伟); () when it does not, or when a firm the text names
    is the business meant (its own name decides then)."""
    if h.level < 4 or named or is_caller(text, h.end):
        return ()
    if h.role in OWNER_WORDS:
        return tuple(r for r in ROLE_WORDS[h.role] if r in HOLDER_ROLES) or HOLDER_ROLES
    return HOLDER_ROLES if _SHOP_AFTER.match(text, h.end) else ()


def _beside(
    words: list[BusinessWord],
    spans: list[tuple[int, int]],
    before: int | None = None,
    text: str | None = None,
) -> list[BusinessWord]:
    """Business words right after (or just before) one of the spans, not inside it; with `text`,
    not across a word that starts another item of a list (荣宇豆腐店和意源运输公司: 运输 is the
    next firm's trade, not 荣宇's)."""
    before = BESIDE_BEFORE if before is None else before
    out = []
    for w in words:
        for s, e in spans:
            inside = w.start < e and s < w.end
            after = e <= w.start <= e + BESIDE_AFTER
            if inside or not (after or s - before <= w.end <= s):
                continue
            gap = (text[e : w.start] if after else text[w.end : s]) if text is not None else ""
            if not any(c in _LIST_BREAK for c in gap):
                out.append(w)
                break
    return out


_LIST_BREAK = frozenset("和与及、，,;；或跟同")


BESIDE_AFTER = 8  # 荣丰的农业开发公司, 顺鼎那家日用品店, 珍贝路489号照相馆: the trade follows the mention
BESIDE_BEFORE = 4  # 一家面馆叫荣昶


def _words_beside(text: str, m: Mentions, fi: int, hit: FirmHit | None, gz: Gazetteer) -> list[BusinessWord]:
    """Business words right beside what made this firm a candidate (its name hit, its address,
    its phone). Words elsewhere describe the matter (售后服务, 过期食品), not the subject; words
    inside its own name hit (虚假广告 heard as 徐家广告) are the name, already counted."""
    if not m.business:
        return []
    spans: list[tuple[int, int]] = []
    if hit is not None:
        spans.append((hit.start, hit.end))
    key = m.address_firms.get(fi)
    if key and (at := text.find(key)) >= 0:
        spans.append((at, at + len(key)))
    own_phones = set(gz.firm_phones[fi])
    spans += [(c.start, c.end) for c in m.codes if c.kind == "phone" and c.value in own_phones]
    tails = [(c.start, c.end) for c in m.codes if c.kind == "phone_tail" and c.value in gz.firm_tails[fi]]
    near = _beside(m.business, spans, text=text)
    if tails:  # 一家面馆（老板电话尾号0973）: the trade comes a few words before the digits
        near += [w for w in _beside(m.business, tails, TAIL_BEFORE) if w not in near]
    return near


MASKED_PHONE = 3  # phone level: a masked mobile's seven visible digits fit a registered number
PHONE_TAIL = 4  # phone level: 尾号0973 fits a phone of the firm or of the person who runs it
MAX_TAIL_FIRMS = 3
TAIL_BEFORE = 10


def _masked_phone_level(phone: int, m: Mentions, registered: tuple[str, ...]) -> int:
    """A masked mobile (138****5678) that fits one of the entity's numbers, where no full number
    agreed. Only ever corroboration of a candidate found otherwise, never a candidate source: its
    seven visible digits begin with a common prefix, and in a 200,000-firm registry (430,000 mobiles)
    a random unregistered number's mask fits some registered number two times in three."""
    if phone in (1, 2) or not registered:
        return phone
    masked = m.codes_of("masked_phone")
    if masked and any(masked_mobile(ph) in masked for ph in registered if len(ph) == 11):
        return MASKED_PHONE
    return phone


def _exact_neutral(region: int, code: int, phone: int) -> int:
    """An exact code (check digit valid) or an exact phone does not depend on the handling office:
    a wrong or missing region_code is then neutral, agreement still counts."""
    return NULL if (code == 2 or phone == 2) and region < 3 else region


def _name_sharers(ctx: RecordContext, gz: Gazetteer, p: Person, masks: list[MaskedId]) -> int:
    """People of that name; where the text shows part of the person's ID (身份证后四位, a masked
    number) and it fits, only the namesakes it also fits: the code's digits tell them apart."""
    sharers = gz.person_names.get(p.name, ())
    shown = [mk for mk in masks if mk.kind != "uscc"] if ctx.masked is None else []
    if len(sharers) <= 1 or not shown or not any(mk.matches(p.person_id) for mk in shown):
        return len(sharers)
    return sum(1 for q in sharers if any(mk.matches(gz.persons[q].person_id) for mk in shown))


def person_row(
    ctx: RecordContext,
    m: Mentions,
    gz: Gazetteer,
    pi: int,
    anchors: set[int],
    named: set[int] | None = None,
) -> list[int]:
    """Comparison levels of one (record, person) pair, in `PERSON_NAMES` order; `named` are the
    anchors the text names (name, USCC, phone), the only ones a surname form may lean on."""
    phones, rids = m.phones, m.codes_of("resident_id")
    masks = _masks(ctx, m)
    p = gz.persons[pi]
    h = m.persons.get(pi)
    name_lvl, rarity = 0, NULL
    sform = None
    if h is not None:
        name_lvl = h.level
        rarity = _rarity(_name_sharers(ctx, gz, p, masks), (1, 5))
    elif ctx.subject_type == "person" and _masked_name_fits(ctx.text, p.name):
        name_lvl = 3  # a published list's 王*国 agrees with every visible character
        fits = {
            q
            for mk in masks
            if len(mk.suffix) >= 4
            for q in gz.person_by_last4.get(mk.suffix[-4:], ())
            if mk.matches(gz.persons[q].person_id) and _masked_name_fits(ctx.text, gz.persons[q].name)
        }
        rarity = _rarity(len(fits), (1, 5)) if fits else NULL
    else:
        sform = next((sf for sf in m.surname_forms if _form_fits(sf, p.name)), None)
        if sform is not None:
            name_lvl = 1
            # how many role holders of the firms named fit the form: 1 = only one fits
            same = {
                q
                for fi in (named if named is not None else anchors)
                for q, _ in gz.firm_roles.get(fi, ())
                if _form_fits(sform, gz.persons[q].name)
            }
            rarity = _rarity(len(same), (1, 3)) if same else 0
    code = NULL
    if rids:
        code = 2 if p.person_id in rids else 0
    elif masks:
        code = 1 if any(mk.matches(p.person_id) for mk in masks if mk.kind != "uscc") else 0
    phone = NULL
    if phones:
        own = phones.intersection(gz.person_phones[pi])
        if not own:
            phone = 0
        else:
            shared = any(own.intersection(gz.firm_phones[fi]) for fi in anchors)
            phone = 1 if shared else 2
    phone = _masked_phone_level(phone, m, gz.person_phones[pi])
    region = _exact_neutral(region_level(ctx.region_code, gz.person_regions[pi]), code, phone)
    # a surname form (邵总, 老王) borrows its identity from a firm the text NAMES; a firm reached
    # only through a shared address or a person is no such firm
    among = anchors if sform is None else (named if named is not None else anchors)
    firm = NULL
    if among:
        firm = 0
        role_word = h.role if h is not None else (sform.role if sform is not None else None)
        for fi, role in gz.person_roles.get(pi, ()):
            if fi in among:
                lvl = 2 if role_word and role in ROLE_WORDS.get(role_word, ()) else 1
                firm = max(firm, lvl)
    return [name_lvl, rarity, code, phone, region, firm]
