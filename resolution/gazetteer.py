"""The registry as a gazetteer: every name, alias, derived key, person name, phone, code and address
key, indexed for the lookups that candidate generation needs.

Built once per dataset. Firm names go into an Aho-Corasick automaton (exact keys) and a second one
over pinyin-encoded keys (homophones); person names likewise. Everything else is a dict from a
canonical value to entity indices. Entities are referred to by their index in `firms`/`persons`.

A daily increment rebuilds the gazetteer for a registry that grew by a few hundred entities. The
per-entity work that reads only the entity's own record (its address cut into parts, its name
cleaned, its phones read) is then taken from the previous gazetteer for every record that is
unchanged, and the work that also reads a learned vocabulary (a name's core without its place,
a person's district from the address) only when that vocabulary came out the same. Everything
learned over the whole registry is learned again, so the result equals a fresh build.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import NamedTuple

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


class NameForms(NamedTuple):
    """A firm's name as the keys are cut from it (computed once per name, kept for the next build)."""

    cleaned: str  # brackets read: 华通建材(杭州)有限公司 -> 华通建材有限公司
    as_written: str  # cleaned, brackets kept
    without_form: str  # cleaned, without its legal form (有限公司)
    aliases: tuple[tuple[str, str], ...]  # other names: (cleaned, without legal form)


class _Unchanged:
    """Where each record of a new build stood in the previous gazetteer with the same values in the
    fields its own derived values read (-1: new, or changed there), so those values can be copied
    instead of computed again. Only those fields are compared: a registry read back from the graph
    carries other provenance, and a changed status or capital changes nothing derived here."""

    def __init__(self, previous: Gazetteer | None, firms: list[Firm], persons: list[Person]) -> None:
        if previous is not None and not all(hasattr(previous, a) for a in _KEPT_FOR_REUSE):
            previous = None  # built by an older version (unpickled): nothing to take from it
        self.previous = previous
        self.firm = [-1] * len(firms)
        self.person = [-1] * len(persons)
        if previous is not None:
            self.firm = self._positions(previous.firms, previous.firm_index, firms, "uscc", _FIRM_READS)
            self.person = self._positions(
                previous.persons, previous.person_index, persons, "person_id", _PERSON_READS
            )

    @staticmethod
    def _positions(
        old: list, index: dict[str, int], new: list, key: str, fields: tuple[str, ...]
    ) -> list[int]:
        out = []
        for rec in new:
            j = index.get(getattr(rec, key), -1)
            if j >= 0 and old[j] is not rec and any(getattr(old[j], f) != getattr(rec, f) for f in fields):
                j = -1
            out.append(j)
        return out


# the fields the per-record values below are computed from (name forms, address parts, phones,
# the district an address names)
_FIRM_READS = ("name", "other_names", "address", "phone")
_PERSON_READS = ("address", "phone")
_KEPT_FOR_REUSE = ("firm_name_forms", "person_addr_region")  # kept by every build for the next one


_REUSE: ContextVar[Gazetteer | None] = ContextVar("gazetteer_reuse", default=None)


@contextmanager
def reusing(previous: Gazetteer | None) -> Iterator[None]:
    """Gazetteers built inside take what they can from `previous` (an increment's resolver is built
    deep inside the matcher registry's loader; this reaches it without a parameter on each layer)."""
    token = _REUSE.set(previous)
    try:
        yield
    finally:
        _REUSE.reset(token)


class Gazetteer:
    """Indexes over one registry. Read-only after construction; cheap to pickle for workers."""

    def __init__(self, ds: Dataset, previous: Gazetteer | None = None) -> None:
        self.firms: list[Firm] = list(ds.firms)
        self.persons: list[Person] = list(ds.persons)
        self.firm_index = {f.uscc: i for i, f in enumerate(self.firms)}
        self.person_index = {p.person_id: i for i, p in enumerate(self.persons)}
        self.coder = PinyinCoder()
        same = _Unchanged(previous if previous is not None else _REUSE.get(), self.firms, self.persons)
        self._build_places(same)
        self._build_firm_keys(same)
        self._build_person_keys()
        self._build_codes_and_graph(ds, same)

    def is_registered(self, kind: str, code: str) -> bool:
        """Whether `code` (kind "uscc" or "resident_id") is a registered firm's or person's."""
        return code in (self.firm_index if kind == "uscc" else self.person_index)

    # ------------------------------------------------------------------ places and regions
    def _build_places(self, same: _Unchanged) -> None:
        addrs = [f.address or "" for f in self.firms] + [p.address or "" for p in self.persons]
        self.places = admin_places(addrs)
        # district name (衢江区, 衢江) -> region code, learned from firms' addresses
        votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.firm_addr: list[AddressParts] = []
        prev = same.previous
        for fi, f in enumerate(self.firms):
            j = same.firm[fi]
            parts = prev.firm_addr[j] if prev is not None and j >= 0 else parse_address(f.address)
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
    def _name_forms(self, same: _Unchanged) -> list[NameForms]:
        prev = same.previous
        out = []
        for fi, f in enumerate(self.firms):
            j = same.firm[fi]
            if prev is not None and j >= 0:
                out.append(prev.firm_name_forms[j])
                continue
            raw = clean_name(f.name)
            cleaned = unbracketed(f.name) if _has_bracket(f.name) else raw
            aliases = tuple((o, strip_org_form(o)) for o in map(clean_name, f.other_names))
            out.append(NameForms(cleaned, raw, strip_org_form(cleaned), aliases))
        return out

    def _build_firm_keys(self, same: _Unchanged) -> None:
        self.firm_name_forms = self._name_forms(same)
        cleaned = [forms.cleaned for forms in self.firm_name_forms]
        ordered_places = frozenset(self.places)
        prev = same.previous
        if prev is not None and prev.places == self.places:
            cores = [
                prev.firm_core[j] if j >= 0 else strip_region(forms.without_form, ordered_places)
                for j, forms in zip(same.firm, self.firm_name_forms, strict=True)
            ]
        else:
            cores = [strip_region(forms.without_form, ordered_places) for forms in self.firm_name_forms]
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
            add(self.firm_name_forms[fi].as_written, fi, FULL)
            if _has_bracket(f.name):
                add(f.name, fi, FULL)  # written as registered, brackets and all: 华通建材(杭州)有限公司
            add(self.firm_name_forms[fi].without_form, fi, CORE)
            add(cores[fi], fi, CORE)
            for short in self._short_keys(cores[fi], tails):
                add(short, fi, SHORT)
            self.firm_short.append(short)
            for o, o_without_form in self.firm_name_forms[fi].aliases:
                add(o, fi, ALIAS)
                add(strip_region(o_without_form, ordered_places), fi, ALIAS)
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
    def _build_codes_and_graph(self, ds: Dataset, same: _Unchanged) -> None:
        prev = same.previous
        firm_at, person_at = same.firm, same.person
        self.phone_firms: dict[str, list[int]] = defaultdict(list)
        self.phone_persons: dict[str, list[int]] = defaultdict(list)
        self.firm_phones: list[tuple[str, ...]] = []
        for fi, f in enumerate(self.firms):
            j = firm_at[fi]
            if prev is not None and j >= 0:
                phones = prev.firm_phones[j]
            else:
                phones = tuple(normalize_phones(f.phone)) if f.phone else ()
            self.firm_phones.append(phones)
            for ph in phones:
                self.phone_firms[ph].append(fi)
        self.area_codes = _area_codes(self.firms, self.firm_phones)
        self.person_phones: list[tuple[str, ...]] = []
        for pi, p in enumerate(self.persons):
            j = person_at[pi]
            if prev is not None and j >= 0:
                phones = prev.person_phones[j]
            else:
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
        # the district an address names depends on the districts learned: reused only when the same
        same_districts = prev is not None and prev.district_code == self.district_code
        self.person_addr_region: list[str | None] = []
        for pi, p in enumerate(self.persons):
            regs = {p.person_id[:6]}
            j = person_at[pi]
            if prev is not None and same_districts and j >= 0:
                r = prev.person_addr_region[j]
            else:
                r = self.region_of_text(normalize_text(p.address)) if p.address else None
            self.person_addr_region.append(r)
            if r:
                regs.add(r)
            for fi, _role in self.person_roles.get(pi, ()):
                code = self.firms[fi].region_code
                if code:
                    regs.add(code)
            self.person_regions.append(frozenset(regs))
        self.person_addr: list[AddressParts] = [
            prev.person_addr[j] if prev is not None and j >= 0 else parse_address(p.address)
            for p, j in zip(self.persons, person_at, strict=True)
        ]

    # ------------------------------------------------------------------ lookups
    def firm_key_count(self, key: str) -> int:
        """How many firms share a name key (1 = unique)."""
        kid = self.firm_auto.get(key, None)
        return len(self.firm_key_hits[kid[0]]) if kid else 0
