"""The increment's targeted link reads (graph.increment.links_before, links_naming) answer what the
stored links of an exported graph answered, so dropping the export changes no recheck and no diff."""

from __future__ import annotations

from graph.increment import linked_to, links_before, links_naming, stored_links
from graph.memory_store import MemoryStore
from ingest.records import Dataset, SubjectType
from resolution.links import Decision, Link, LinkSource

SHOP, WANG, ZHANG = "92330803MA2D00010P", "330821196911200177", "330821197803120318"


def _store(example: Dataset) -> MemoryStore:
    ev, cr, firm, person = LinkSource.EVENTS, LinkSource.CREDIT_RECORDS, SubjectType.FIRM, SubjectType.PERSON
    store = MemoryStore()
    store.load_dataset(example)
    for version, score in (("m1", 0.91234567), ("m2", 0.4)):
        store.write_links(
            [
                Link(ev, "E1", firm, SHOP, score, Decision.AUTO_LINK, "店名", version),
                Link(ev, "E1", person, ZHANG, 0.7, Decision.REVIEW, "店主", version),
                Link(cr, "C2", person, WANG, 0.01, Decision.REJECTED, "尾号", version),
            ]
        )
    return store


def test_links_before_equals_the_exported_links_of_those_records(example: Dataset) -> None:
    store = _store(example)
    exported = stored_links(store.export_tables(), "m1")
    records = {("events", "E1"), ("credit_records", "C2"), ("events", "E404"), ("credit_records", "C3")}
    got = links_before(store, records, "m1")
    assert got == {k: v for k, v in exported.items() if k in records}
    assert got[("events", "E1")][("firm", SHOP)] == (0.912346, "auto_link")  # rounded as exported
    assert ("credit_records", "C3") not in got  # published with its code: not a resolution link


def test_links_naming_finds_the_records_linked_to_touched_entities(example: Dataset) -> None:
    store = _store(example)
    everything = linked_to(stored_links(store.export_tables(), "m2"))
    got = linked_to(links_naming(store, [SHOP, "91330000000000000X"], [WANG], "m2"))
    assert got == {e: everything[e] for e in (("firm", SHOP), ("person", WANG))}
    assert got[("person", WANG)] == {("credit_records", "C2")}
    assert links_naming(store, [SHOP], [], "m3") == {}  # another version's links decide nothing
