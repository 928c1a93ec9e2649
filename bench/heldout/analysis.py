"""Why the resolver went wrong on held-out events: false auto links and misses sorted into causes a
resolution engineer can act on (heuristics over the event text and the registry, for the report)."""

from __future__ import annotations

from collections import Counter, defaultdict

from ingest.text import normalize_text

from .index import RegistryIndex, phone_key
from .score import Pair, Scores


def _place_words(ix: RegistryIndex) -> set[str]:
    words: set[str] = set()
    for a in ix.addr:
        if a is not None:
            words |= {a.town, a.town_short, a.road}
    return {w for w in words if len(w) >= 2}


def false_auto_causes(
    sc: Scores,
    ix: RegistryIndex,
    texts: dict[str, str],
    tags: dict[str, dict[str, str]],
    truth: set[Pair],
    plausible: set[Pair],
) -> tuple[Counter[str], dict[str, list[tuple[str, Pair]]]]:
    """Count false auto links by cause; keep up to five examples of each."""
    places = _place_words(ix)
    people = defaultdict(set)
    for eid, et, ent in truth | plausible:
        if et == "person":
            people[eid].add(ent)
    causes: Counter[str] = Counter()
    examples: dict[str, list[tuple[str, Pair]]] = defaultdict(list)
    for eid, pair in sc.false_auto:
        _, et, ent = pair
        text, scen = normalize_text(texts[eid]), tags[eid]["scenario"]
        cause = "other"
        if et == "firm" and ent in ix.by_uscc:
            i = ix.by_uscc[ent]
            trade = ix.parts[i].trade
            holders = ix.any_role.get(i, set())
            if holders & people.get(eid, set()) or (scen.startswith("person") and _names_holder(ix, i, text)):
                cause = "person's own firm linked to a record about the person"
            elif _place_hit(trade, text, places):
                cause = "place name (town/road) read as a firm's trade name"
            elif (a := ix.addr[i]) is not None and a.road_no and a.road_no in text:
                cause = "road and number shared by several registered firms: all linked"
            elif (ph := phone_key(ix.firms[i].phone)) and ph in phone_key(text):
                cause = "phone shared by several firms: the one not named also linked"
            elif scen == "firm_phone_only":
                cause = "phone shared by several firms auto-linked"
            elif scen == "firm_tail4_only":
                cause = "last four phone digits taken as evidence"
            elif scen == "unregistered_shop":
                cause = "unregistered shop linked to a registered firm"
        elif et == "person":
            name = ix.persons[ent].name if ent in ix.persons else ""
            if name and _is_reporter(text, name):
                cause = "reporter (caller, complainant, grid worker) linked as the subject"
            elif scen == "person_name_only":
                cause = "bare full name auto-linked (no code, phone, firm)"
            elif scen == "homonym_elsewhere":
                cause = "homonym in another district auto-linked"
            elif "某" in text or "老" in text or "姓" in text:
                cause = "某/老/姓 form auto-linked to a person"
            else:
                cause = "person linked on weak evidence"
        causes[cause] += 1
        if len(examples[cause]) < 5:
            examples[cause].append((eid, pair))
    return causes, examples


def _place_hit(trade: str, text: str, places: set[str]) -> bool:
    """The firm's trade name (or its first two characters) only occurs inside a place name."""
    if len(trade) < 2:
        return False
    key = trade[:2]
    inside = [w for w in places if key in w and w in text]
    return bool(inside) and key not in _strip_places(text, set(inside))


def _names_holder(ix: RegistryIndex, i: int, text: str) -> bool:
    return any(pid in ix.persons and ix.persons[pid].name in text for pid in ix.any_role.get(i, set()))


def _is_reporter(text: str, name: str) -> bool:
    return any(
        f"{w}{name}" in text for w in ("来电人", "投诉人", "网格员", "來電人", "投訴人", "網格員")
    ) or (f"{name}（1" in text and "反映" in text)


def _strip_places(text: str, places: set[str]) -> str:
    for w in sorted((w for w in places if w in text), key=len, reverse=True):
        text = text.replace(w, "")
    return text


def miss_causes(sc: Scores, tags: dict[str, dict[str, str]]) -> Counter[str]:
    """Misses (truth pair neither auto-linked nor queued) by scenario and region state."""
    out: Counter[str] = Counter()
    for eid, et, _ in sc.missed:
        t = tags[eid]["tags"].split("|")
        region = (
            "wrong region"
            if "wrong_region" in t
            else "missing region"
            if "missing_region" in t
            else "region ok"
        )
        out[f"{tags[eid]['scenario']} ({et}, {region})"] += 1
    return out


def phrase_overlap(texts: list[str]) -> tuple[list[str], int]:
    """Fixed phrase pieces (3+ characters) of the held-out bank that also occur in `texts`: how far
    the two phrase banks share wording (stock phrases are expected; whole templates should not be)."""
    import re

    from . import lexicon as lx

    pieces: set[str] = set()
    for _, _, fmt, *_ in lx.TEMPLATES + lx.PERSON_TEMPLATES + lx.PUBLIC_TEMPLATES:
        for part in re.split(r"\{[a-z_]+\}", fmt):
            pieces |= {q for q in re.split(r"[，。：；、（）【】“”\s]", part) if len(q) >= 3}
    for issues in lx.ISSUES.values():
        for _, clause in issues:
            pieces |= {q for q in re.split(r"[，。]", clause) if len(q) >= 4}
    corpus = "\n".join(texts)
    return sorted(p for p in pieces if p in corpus), len(pieces)
