"""The registry as a gazetteer: every name, alias, derived key, person name, phone, code and address
key, indexed for the lookups that candidate generation needs.

Built once per dataset. Firm names go into an Aho-Corasick automaton (exact keys) and a second one
over pinyin-encoded keys (homophones); person names likewise. Everything else is a dict from a
canonical value to entity indices. Entities are referred to by their index in `firms`/`persons`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import ahocorasick

from ingest.normalize import normalize_phones, normalize_text
from ingest.records import Dataset, Firm, Person
from resolution.business import BusinessVocabulary
from resolution.names import (
    PinyinCoder,
    admin_places,
    clean_name,
    learn_industry_tails,
    strip_industry,
    strip_org_form,
    strip_region,
    unbracketed,
)

# Key levels of a firm name hit (higher = more specific).
FULL, ALIAS, CORE, SHORT, HOMOPHONE = 6, 5, 5, 4, 3
_TOWN = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:镇|乡|街道))")
_ROAD_NUM = re.compile(
    r"([\u4e00-\u9fff0-9]{1,8}?(?:路|街|大道|巷|弄|道|村|园|区|组|幢|号楼))(\d+(?:-\d+)?[号幢])"
)
_ROAD = re.compile(r"([\u4e00-\u9fff]{1,6}(?:路|街|大道|巷|弄))")
_ADMIN_HEAD = re.compile(r"^(.{2,7}?(?:省|自治区))?(.{2,7}?(?:市|自治州|地区))?(.{1,7}?(?:区|县|市))?")


@dataclass(slots=True)
class AddressParts:
    """A registered address cut into what events mention: town, road, road+number."""

    district: str | None
    town: str | None
    road: str | None
    road_number: str | None
    rest: str = ""  # everything after the town: 望江路98号南星金融中心1217室


def parse_address(addr: str | None) -> AddressParts:
    """Cut 浙江省衢州市衢江区杜泽镇老街23号 into 衢江区 / 杜泽镇 / 老街 / 老街23号 (any part may be None)."""
    if not addr:
        return AddressParts(None, None, None, None)
    m = _ADMIN_HEAD.match(addr)
    district = m.group(3) if m else None
    rest = addr[m.end() :] if m else addr
    town = None
    tm = _TOWN.match(rest)
    if tm:
        town = tm.group(1)
        rest = rest[tm.end() :]
    road_number = road = None
    rm = _ROAD_NUM.search(rest)
    if rm:
        road_number = rm.group(1) + rm.group(2)
        road = rm.group(1)
    else:
        r2 = _ROAD.search(rest)
        road = r2.group(1) if r2 else None
    return AddressParts(district, town, road, road_number, rest)


def _strip_all(core: str, tails: set[str]) -> str:
    for _ in range(3):
        nxt = strip_industry(core, tails)
        if nxt == core:
            break
        core = nxt
    return core


def _has_bracket(name: str) -> bool:
    return any(c in name for c in "(（")


def _automaton(keys: dict[str, int]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for key, kid in keys.items():
        auto.add_word(key, (kid, len(key)))
    if len(auto):
        auto.make_automaton()
    return auto


def _area_codes(firms: list[Firm], phones: list[tuple[str, ...]]) -> dict[str, str]:
    """City (first four digits of a region code) -> the landline area code most of its registered
    landlines carry (0570 for 衢州), learned from the registry rather than listed."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for f, numbers in zip(firms, phones, strict=True):
        if f.region_code:
            for ph in numbers:
                if ph.startswith("0") and "-" in ph:
                    votes[f.region_code[:4]][ph.split("-", 1)[0]] += 1
    out = {}
    for city, counts in votes.items():
        code, n = counts.most_common(1)[0]
        if n * 2 > sum(counts.values()):
            out[city] = code
    return out


class Gazetteer:
    """Indexes over one registry. Read-only after construction; cheap to pickle for workers."""

    def __init__(self, ds: Dataset) -> None:
        self.firms: list[Firm] = list(ds.firms)
        self.persons: list[Person] = list(ds.persons)
        self.firm_index = {f.uscc: i for i, f in enumerate(self.firms)}
        self.person_index = {p.person_id: i for i, p in enumerate(self.persons)}
        self.coder = PinyinCoder()
        self._build_places()
        self._build_firm_keys()
        self._build_person_keys()
        self._build_codes_and_graph(ds)

    def is_registered(self, kind: str, code: str) -> bool:
        """Whether `code` (kind "uscc" or "resident_id") is a registered firm's or person's."""
        return code in (self.firm_index if kind == "uscc" else self.person_index)

    # ------------------------------------------------------------------ places and regions
    def _build_places(self) -> None:
        addrs = [f.address or "" for f in self.firms] + [p.address or "" for p in self.persons]
        self.places = admin_places(addrs)
        # district name (衢江区, 衢江) -> region code, learned from firms' addresses
        votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.firm_addr: list[AddressParts] = []
        for f in self.firms:
            parts = parse_address(f.address)
            self.firm_addr.append(parts)
            if parts.district and f.region_code:
                votes[parts.district][f.region_code] += 1
        self.district_code: dict[str, str] = {}
        for name, by_code in votes.items():
            code = max(by_code.items(), key=lambda kv: kv[1])[0]
            self.district_code[name] = code
        self.district_auto = _automaton({d: i for i, d in enumerate(self.district_code)})
        self._district_names = list(self.district_code)
        self.towns = {p.town for p in self.firm_addr if p.town}
        self.town_bases = {b for t in self.towns if len(b := re.sub(r"(镇|乡|街道)$", "", t)) >= 2}
        self.place_words = self.places | self.towns | self.town_bases

    def region_of_text(self, text: str | None) -> str | None:
        """Region code of the first district named in text (衢州市衢江区人民法院 → 330803)."""
        if not text or not len(self.district_auto):
            return None
        best: tuple[int, str] | None = None
        for _end, (kid, n) in self.district_auto.iter(text):
            name = self._district_names[kid]
            if best is None or n > len(best[1]):
                best = (n, name)
        return self.district_code[best[1]] if best else None

    # ------------------------------------------------------------------ firm name keys
    def _build_firm_keys(self) -> None:
        cleaned = [unbracketed(f.name) if _has_bracket(f.name) else clean_name(f.name) for f in self.firms]
        ordered_places = frozenset(self.places)
        cores = [strip_region(strip_org_form(n), ordered_places) for n in cleaned]
        tails = learn_industry_tails(cores)
        self.firm_core: list[str] = cores
        # what kind of business each name-tail word means, learned from this registry
        self.business = BusinessVocabulary.learn(cores, [f.industry for f in self.firms], self.place_words)
        self.firm_short: list[str] = []
        keys: dict[str, dict[int, int]] = defaultdict(dict)

        def add(key: str, fi: int, level: int) -> None:
            if len(key) < 2 or key in self.place_words or (level < FULL and key in tails):
                return  # a bare place or industry word (五金, 杜泽) names no firm
            if keys[key].get(fi, 0) < level:
                keys[key][fi] = level

        for fi, f in enumerate(self.firms):
            add(cleaned[fi], fi, FULL)
            add(clean_name(f.name), fi, FULL)
            if _has_bracket(f.name):
                add(f.name, fi, FULL)  # written as registered, brackets and all: 华通建材(杭州)有限公司
            add(strip_org_form(cleaned[fi]), fi, CORE)
            add(cores[fi], fi, CORE)
            for short in self._short_keys(cores[fi], tails):
                add(short, fi, SHORT)
            self.firm_short.append(short)
            for other in f.other_names:
                o = clean_name(other)
                add(o, fi, ALIAS)
                oc = strip_region(strip_org_form(o), ordered_places)
                add(oc, fi, ALIAS)
        self.firm_key_list = list(keys)
        self.firm_key_hits = [tuple(keys[k].items()) for k in self.firm_key_list]
        self.firm_auto = _automaton({k: i for i, k in enumerate(self.firm_key_list)})
        # homophones: pinyin-encoded keys of 3+ characters
        py: dict[str, dict[int, int]] = defaultdict(dict)
        py_text: dict[str, str] = {}
        for k, hits in zip(self.firm_key_list, self.firm_key_hits, strict=True):
            if len(k) >= 3:
                enc = self.coder.encode_learning(k)
                py_text.setdefault(enc, k)
                for fi, _lvl in hits:
                    py[enc][fi] = HOMOPHONE
        self.firm_py_list = list(py)
        self.firm_py_key_text = [py_text[k] for k in self.firm_py_list]
        self.firm_py_hits = [tuple(py[k].items()) for k in self.firm_py_list]
        self.firm_py_auto = _automaton({k: i for i, k in enumerate(self.firm_py_list)})
        # address keys: road + number (老街23号) -> firms
        addr: dict[str, list[int]] = defaultdict(list)
        for fi, parts in enumerate(self.firm_addr):
            if parts.road_number and len(parts.road_number) >= 3:
                addr[parts.road_number].append(fi)
        self.addr_key_list = list(addr)
        self.addr_hits = [tuple(addr[k]) for k in self.addr_key_list]
        self.addr_auto = _automaton({k: i for i, k in enumerate(self.addr_key_list)})

    def _short_keys(self, core: str, tails: set[str]) -> list[str]:
        """The 字号 forms people write: the core without its industry words (stripped until none
        is left), the same after a leading town name (前童荣盛水果 → 荣盛), and the first two
        characters of what remains."""
        out = [_strip_all(core, tails)]
        for n in range(min(6, len(core) - 2), 1, -1):
            if core[:n] in self.town_bases:
                core = core[n:]
                out += [core, _strip_all(core, tails)]
                break
        if len(core) >= 4:
            out.append(core[:2])
        return out

    # ------------------------------------------------------------------ person names
    def _build_person_keys(self) -> None:
        names: dict[str, list[int]] = defaultdict(list)
        for pi, p in enumerate(self.persons):
            if 2 <= len(p.name) <= 5:
                names[p.name].append(pi)
        self.person_names = dict(names)
        self.person_name_list = list(names)
        self.person_auto = _automaton({k: i for i, k in enumerate(self.person_name_list)})
        py: dict[str, list[int]] = defaultdict(list)
        py_name: dict[str, str] = {}
        for name, idxs in names.items():
            if len(name) >= 3:
                enc = self.coder.encode_learning(name)
                py_name.setdefault(enc, name)
                py[enc].extend(idxs)
        self.person_py_list = list(py)
        self.person_py_key_text = [py_name[k] for k in self.person_py_list]
        self.person_py_hits = [tuple(v) for v in py.values()]
        self.person_py_auto = _automaton({k: i for i, k in enumerate(self.person_py_list)})
        self.surnames = {n[0] for n in names}
        by_surname: dict[str, list[int]] = defaultdict(list)
        for pi, p in enumerate(self.persons):
            if p.name:
                by_surname[p.name[0]].append(pi)
        self.surname_count = {s: len(v) for s, v in by_surname.items()}

    # ------------------------------------------------------------------ codes, phones, graph
    def _build_codes_and_graph(self, ds: Dataset) -> None:
        self.phone_firms: dict[str, list[int]] = defaultdict(list)
        self.phone_persons: dict[str, list[int]] = defaultdict(list)
        self.firm_phones: list[tuple[str, ...]] = []
        for fi, f in enumerate(self.firms):
            phones = tuple(normalize_phones(f.phone)) if f.phone else ()
            self.firm_phones.append(phones)
            for ph in phones:
                self.phone_firms[ph].append(fi)
        self.area_codes = _area_codes(self.firms, self.firm_phones)
        self.person_phones: list[tuple[str, ...]] = []
        for pi, p in enumerate(self.persons):
            phones = tuple(normalize_phones(p.phone)) if p.phone else ()
            self.person_phones.append(phones)
            for ph in phones:
                self.phone_persons[ph].append(pi)
        # masked resident IDs are matched on visible digits: index the last four
        self.person_by_last4: dict[str, list[int]] = defaultdict(list)
        for pi, p in enumerate(self.persons):
            self.person_by_last4[p.person_id[-4:]].append(pi)
        self.firm_by_last4: dict[str, list[int]] = defaultdict(list)
        for fi, f in enumerate(self.firms):
            self.firm_by_last4[f.uscc[-4:]].append(fi)
        # who holds which role where (both directions)
        self.firm_roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.person_roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for a in ds.affiliations:
            f_at = self.firm_index.get(a.firm_uscc)
            p_at = self.person_index.get(a.holder_id) if a.holder_type.value == "person" else None
            if f_at is None or p_at is None:
                continue
            self.firm_roles[f_at].append((p_at, a.role.value))
            self.person_roles[p_at].append((f_at, a.role.value))
        for fi, f in enumerate(self.firms):  # the registered legal rep counts even without an affiliation row
            rep = self.person_index.get(f.legal_rep_id or "")
            if rep is not None and all(p != rep for p, _ in self.firm_roles[fi]):
                self.firm_roles[fi].append((rep, "legal_rep"))
                self.person_roles[rep].append((fi, "legal_rep"))
        # role holders by (firm's district, holder's surname): 陈老板开的快餐店 looks among these
        self.holders_by_place_surname: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        for fi, roles in self.firm_roles.items():
            code = self.firms[fi].region_code
            if not code:
                continue
            for pi, role in roles:
                name = self.persons[pi].name
                if name:
                    self.holders_by_place_surname[(code, name[:1])].append((fi, pi, role))
        # phone tails (尾号0973) by (firm's district, last four digits): the firm's own phones and
        # those of the people who run it (the boss's phone is quoted as the shop's)
        self.phone_tail_firms: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.firm_tails: list[frozenset[str]] = []
        for fi, f in enumerate(self.firms):
            tails = {ph[-4:] for ph in self.firm_phones[fi] if len(ph) >= 7}
            for pi, role in self.firm_roles.get(fi, ()):
                if role in ("legal_rep", "operator"):
                    tails |= {ph[-4:] for ph in self.person_phones[pi] if len(ph) >= 7}
            self.firm_tails.append(frozenset(tails))
            if f.region_code:
                for t in tails:
                    self.phone_tail_firms[(f.region_code, t)].append(fi)
        # a person's regions: ID prefix, address district, regions of firms they hold roles in
        self.person_regions: list[frozenset[str]] = []
        for pi, p in enumerate(self.persons):
            regs = {p.person_id[:6]}
            r = self.region_of_text(normalize_text(p.address)) if p.address else None
            if r:
                regs.add(r)
            for fi, _role in self.person_roles.get(pi, ()):
                code = self.firms[fi].region_code
                if code:
                    regs.add(code)
            self.person_regions.append(frozenset(regs))
        self.person_addr = [parse_address(p.address) for p in self.persons]

    # ------------------------------------------------------------------ lookups
    def firm_key_count(self, key: str) -> int:
        """How many firms share a name key (1 = unique)."""
        kid = self.firm_auto.get(key, None)
        return len(self.firm_key_hits[kid[0]]) if kid else 0
