"""Resolution of a daily increment: the new records, and the old records a registry change reaches.

A full run resolves every record against the whole registry. An increment resolves against the
same (updated) registry with the same fixed matcher, but only:
- its own new or changed events and credit records needing a subject;
- old records whose links name a firm or person the increment touched (renamed, deregistered,
  changed, or with new or ended affiliations): their evidence may no longer hold;
- old records whose text carries a name key, code, phone or road-and-number key of a touched or
  new entity, or whose masked code fits one of their codes: the new firm may compete with the
  entity an older link chose, or offer a candidate where none was.
The scan uses the gazetteer's own keys (the ones candidate generation matches) in one small
automaton over the old records' texts, so it costs a pass over the texts, not a resolution.
Steward verdicts stand: the resolver applies them to every record it scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import ahocorasick

from ingest.codes import parse_masked_id
from ingest.increment import Changes
from ingest.records import Dataset, SubjectType
from ingest.text import join_cjk
from resolution.features import MAX_SHARED_KEY, RecordContext
from resolution.links import Link
from resolution.resolver import Resolver

RecordKey = tuple[str, str]  # (source, record_id)


def touched_entities(changes: Changes, merged: Dataset) -> tuple[set[str], set[str]]:
    """Firms and persons whose registry facts or roles changed (new ones included)."""
    firms = set(changes.new_firms) | set(changes.changed_firms)
    persons = set(changes.new_persons) | set(changes.changed_persons)
    for holder_type, holder, firm, _role, _start in changes.new_affiliations + changes.changed_affiliations:
        firms.add(firm)
        (firms if holder_type == SubjectType.FIRM.value else persons).add(holder)
    by_uscc = {f.uscc: f for f in merged.firms}
    for uscc in list(firms):
        f = by_uscc.get(uscc)
        if f is not None and f.legal_rep_id:
            persons.add(f.legal_rep_id)  # the registered legal rep counts as a role in the gazetteer
    return firms, persons


KeyScope = dict[str, frozenset[str] | None]  # key -> the cities where it can matter (None: anywhere)


def _widest(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


def entity_keys(resolver: Resolver, firms: set[str], persons: set[str], changes: Changes) -> KeyScope:
    """The strings candidate generation would match for these entities in the current gazetteer,
    plus the old names of renamed firms and persons, each with where it can change a link.

    A firm name key that more than `MAX_SHARED_KEY` other firms share, before and after the
    increment, makes candidates of the firms of the record's city only (and counts only those in
    its rarity), so it can change a record's links only in the touched firms' cities (old ones
    too) or in a record with no region; every other key, anywhere."""
    gz = resolver.gz
    fis = {gz.firm_index[u] for u in firms if u in gz.firm_index}
    pis = {gz.person_index[p] for p in persons if p in gz.person_index}
    old_city = {u: (f.region_code or "")[:4] for u, f in changes.old_firms.items()}
    scope: KeyScope = {}

    def add(key: str, cities: frozenset[str] | None = None) -> None:
        if len(key) >= 2:
            scope[key] = _widest(scope[key], cities) if key in scope else cities

    for key, hits in zip(gz.firm_key_list, gz.firm_key_hits, strict=True):
        mine = {fi for fi, _ in hits if fi in fis}
        if not mine:
            continue
        others = len({fi for fi, _ in hits}) - len(mine)
        cities = {(gz.firms[fi].region_code or "")[:4] for fi in mine}
        cities |= {old_city[gz.firms[fi].uscc] for fi in mine if gz.firms[fi].uscc in old_city}
        add(key, frozenset(cities) if others > MAX_SHARED_KEY and "" not in cities else None)
    for road, at in zip(gz.addr_key_list, gz.addr_hits, strict=True):
        if any(fi in fis for fi in at):
            add(road)
    for fi in fis:
        add(gz.firms[fi].uscc)
        for ph in gz.firm_phones[fi]:
            add(ph)
    for pi in pis:
        p = gz.persons[pi]
        for k in (p.name, p.person_id, *gz.person_phones[pi]):
            add(k)
    for old in changes.old_firms.values():
        for k in (old.name, *old.other_names):
            add(k)
    for oldp in changes.old_persons.values():
        add(oldp.name)
    return scope


OldText = tuple[RecordKey, str, str | None, str | None]  # record, text, location, region


def texts_hit(texts: Iterable[OldText], keys: KeyScope | set[str]) -> set[RecordKey]:
    """The records whose text (as resolution reads it) or location contains one of `keys`, where
    that key can matter: in a record of one of its cities, or of no known region (one automaton,
    one pass)."""
    if not keys:
        return set()
    scope: KeyScope = keys if isinstance(keys, dict) else dict.fromkeys(keys)
    auto = ahocorasick.Automaton()
    for k, cities in scope.items():
        auto.add_word(k, cities)
    auto.make_automaton()
    out = set()
    for rec, text, location, region in texts:
        city = (region or "")[:4]
        for src in (join_cjk(text), location or ""):
            if any(cities is None or not city or city in cities for _, cities in auto.iter(src)):
                out.add(rec)
                break
    return out


def _old_texts(ds: Dataset, skip: set[RecordKey], resolver: Resolver) -> Iterator[OldText]:
    for e in ds.events:
        if ("events", e.event_id) not in skip:
            region = e.region_code or resolver.gz.region_of_text(e.location)
            yield ("events", e.event_id), e.text, e.location, region
    for r in ds.credit_records:
        if r.needs_resolution and ("credit_records", r.record_id) not in skip:
            yield ("credit_records", r.record_id), r.subject_name, None, None


@dataclass
class IncrementResolution:
    """Links of every record resolved now, and which records those are (some may have no link)."""

    links: list[Link] = field(default_factory=list)
    records: set[RecordKey] = field(default_factory=set)
    new_records: int = 0
    rechecked: int = 0


def _contexts(
    resolver: Resolver, ds: Dataset, events: Iterable[str], credit: Iterable[str]
) -> list[RecordContext]:
    ev, cr = set(events), set(credit)
    return [resolver.event_context(e) for e in ds.events if e.event_id in ev] + [
        resolver.credit_context(r) for r in ds.credit_records if r.record_id in cr and r.needs_resolution
    ]


def resolve_increment(
    resolver: Resolver,
    merged: Dataset,
    changes: Changes,
    linked_to: dict[tuple[str, str], set[RecordKey]],
    extra: set[RecordKey] | None = None,
) -> IncrementResolution:
    """Resolve the increment's records and the old records its registry changes reach.

    `linked_to` maps (entity type, entity id) to the records whose stored links name it; `extra`
    names old records to resolve again whatever changed (those a steward decided)."""
    fresh = _contexts(
        resolver,
        merged,
        changes.new_events + changes.changed_events,
        changes.new_credit_records + changes.changed_credit_records,
    )
    fresh_keys = {(c.source, c.record_id) for c in fresh}
    firms, persons = touched_entities(changes, merged)
    known = {("events", e.event_id) for e in merged.events} | {
        ("credit_records", r.record_id) for r in merged.credit_records if r.needs_resolution
    }
    recheck: set[RecordKey] = set(extra or set()) & known
    for etype, ids in ((SubjectType.FIRM.value, firms), (SubjectType.PERSON.value, persons)):
        for i in ids:
            recheck |= linked_to.get((etype, i), set())
    if firms or persons:
        recheck |= texts_hit(
            _old_texts(merged, fresh_keys, resolver), entity_keys(resolver, firms, persons, changes)
        )
        old_credit = [
            r
            for r in merged.credit_records
            if r.needs_resolution and ("credit_records", r.record_id) not in fresh_keys
        ]
        if changes.new_firms or changes.new_persons:
            # the credit model's code evidence counts the registered subjects a mask fits among all
            # registered: a registry that grew changes every credit record's weight a little
            recheck |= {("credit_records", r.record_id) for r in old_credit}
        codes = firms | persons
        for r in old_credit:
            if ("credit_records", r.record_id) in recheck:
                continue  # already rechecked (every one, when the registry grew): no mask test needed
            mask = parse_masked_id(r.masked_id) if r.masked_id else None
            if mask is not None and any(mask.matches(x) for x in codes):
                recheck.add(("credit_records", r.record_id))
    recheck -= fresh_keys
    again = _contexts(
        resolver,
        merged,
        [r for s, r in recheck if s == "events"],
        [r for s, r in recheck if s == "credit_records"],
    )
    contexts = fresh + again
    return IncrementResolution(
        links=resolver.resolve_contexts(contexts) if contexts else [],
        records={(c.source, c.record_id) for c in contexts},
        new_records=len(fresh),
        rechecked=len(again),
    )
