"""A kept export patched after writes equals a fresh export of the same graph (graph.export_patch).

A generated world is cut by month; the base is loaded into a store that keeps its tables, then
each kind of write an increment makes (new and changed rows, links written and deleted, subjects
reset, orphan contacts deleted, risk scores) is applied and the patched export compared frame by
frame (rows, order, columns, dtypes, index) with an export built from scratch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bench.increment_split import monthly_cuts, split_by_date
from graph.memory_store import MemoryStore
from graph.model import NodeLabel, RelType, RiskScore
from graph.tables import GraphTables
from ingest.dataset import read_dataset
from ingest.increment import read_increment
from ingest.records import SubjectType
from ingest.synth import generate
from resolution.links import Decision, Link, LinkSource


def assert_same(got: GraphTables, want: GraphTables) -> None:
    assert set(got.nodes) == set(want.nodes) and set(got.edges) == set(want.edges)
    for label, df in want.nodes.items():
        pd.testing.assert_frame_equal(got.nodes[label], df, obj=str(label))
    for rel, df in want.edges.items():
        pd.testing.assert_frame_equal(got.edges[rel], df, obj=str(rel))


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("patch")
    generate(root / "world", 80, 5, progress=False)
    sp = split_by_date(root / "world", root / "split", monthly_cuts(date(2025, 10, 1), 2))
    return sp.base.parent


def _link(event: str, firm: str, score: float, decision: Decision) -> Link:
    return Link(LinkSource.EVENTS, event, SubjectType.FIRM, firm, score, decision, "test", "m1")


def test_patched_export_equals_a_fresh_one_after_each_kind_of_write(split: Path) -> None:
    base = read_dataset(split / "base")
    store = MemoryStore(keep_tables=True)
    store.load_dataset(base)
    first = store.export_tables()
    assert_same(first, store._export_all())
    firms = sorted(f.uscc for f in base.firms)
    events = sorted(e.event_id for e in base.events)

    # links written (new and re-scored), then one record's links deleted
    store.write_links(
        [
            _link(events[0], firms[0], 0.9, Decision.AUTO_LINK),
            _link(events[1], firms[1], 0.5, Decision.REVIEW),
        ]
    )
    assert_same(store.export_tables(), store._export_all())
    store.write_links([_link(events[0], firms[2], 0.95, Decision.AUTO_LINK)])
    store.delete_links(LinkSource.EVENTS, [events[1]], "m1")
    assert_same(store.export_tables(), store._export_all())

    # a month's new and changed rows, then a subject reset (contacts dropped) and orphans deleted
    inc = read_increment(split / "inc01", set(firms), {p.person_id for p in base.persons})
    assert inc.firms and inc.events
    store.load_dataset(inc)
    store.reset_subjects(NodeLabel.FIRM, firms[3:6])
    addresses = sorted(store.export_tables().nodes[NodeLabel.ADDRESS]["key"])
    store.delete_orphans(NodeLabel.ADDRESS, addresses)
    assert_same(store.export_tables(), store._export_all())

    # risk scores are not in the tables: writing them leaves the kept export as it is
    store.write_risk_scores([RiskScore(SubjectType.FIRM, firms[7], 0.4, 0.3, 0.1, "v1", "[]")])
    assert not store._touched and not store._touched_edges
    after = store.export_tables()
    assert_same(after, store._export_all())
    # a removed node's rows and its relationships' rows are gone, not merely re-typed
    assert len(after.nodes[NodeLabel.ADDRESS]) < len(first.nodes[NodeLabel.ADDRESS]) + len(inc.firms)


def test_a_caller_changing_its_tables_does_not_change_the_kept_ones(split: Path) -> None:
    store = MemoryStore(keep_tables=True)
    store.load_dataset(read_dataset(split / "base"))
    mine = store.export_tables()
    mine.nodes[NodeLabel.FIRM]["name"] = "x"
    mine.edges[next(iter(mine.edges))].drop(mine.edges[next(iter(mine.edges))].index, inplace=True)
    assert_same(store.export_tables(), store._export_all())


def test_without_keep_tables_nothing_is_kept(split: Path) -> None:
    store = MemoryStore()
    store.load_dataset(read_dataset(split / "base"))
    store.export_tables()
    store.write_links([_link("e", "f", 0.9, Decision.AUTO_LINK)])
    assert store._tables is None and not store._touched and not store._touched_edges


def test_links_rewritten_as_they_were_mark_nothing_and_a_changed_one_is_rebuilt(split: Path) -> None:
    base = read_dataset(split / "base")
    store = MemoryStore(keep_tables=True)
    store.load_dataset(base)
    firms = sorted(f.uscc for f in base.firms)
    events = sorted(e.event_id for e in base.events)
    links = [
        _link(events[0], firms[0], 0.9, Decision.AUTO_LINK),
        _link(events[0], firms[1], 0.2, Decision.REJECTED),
        _link(events[1], firms[2], 0.8, Decision.AUTO_LINK),
    ]
    store.write_links(links)
    store.export_tables()
    store.write_links(links)  # an increment re-resolving records whose links did not change
    assert not store._touched_edges
    store.write_links([*links[:1], _link(events[0], firms[1], 0.6, Decision.REVIEW), links[2]])
    assert {e[1][1] for e in store._touched_edges} == {events[0]}  # the changed record's links only
    got = store.export_tables()
    assert_same(got, store._export_all())
    assert "review" in set(got.edges[RelType.MENTIONS]["decision"])
