"""The breadth-first search both stores share, on hand-made graphs and against networkx."""

from __future__ import annotations

import networkx as nx

from graph.memory_store import MemoryStore
from graph.model import AFFILIATION_RELS, NodeLabel, RelType, Step
from graph.paths import Hop, NodeRef, find_associates, find_shortest_paths

P, F = NodeLabel.PERSON, NodeLabel.FIRM


def expander(steps: list[Step], labels: dict[str, NodeLabel]):  # noqa: ANN201 - an Expand
    def expand(refs):  # noqa: ANN001, ANN202
        out: dict[NodeRef, list[Hop]] = {}
        for ref in refs:
            hops = []
            for s in steps:
                if s.src == ref[1]:
                    hops.append(Hop(s, (labels[s.dst], s.dst), s.dst.lower()))
                if s.dst == ref[1]:
                    hops.append(Hop(s, (labels[s.src], s.src), s.src.lower()))
            out[ref] = hops
        return out

    return expand


# p1 -> fa, p1 -> fb (two roles), fa <- p2 -> fb, fb <- fc (firm holder)
STEPS = [
    Step("p1", RelType.SHAREHOLDER, "FA", 50.0),
    Step("p1", RelType.LEGAL_REP, "FB"),
    Step("p1", RelType.SHAREHOLDER, "FB", 20.0),
    Step("p2", RelType.EXECUTIVE, "FA"),
    Step("p2", RelType.SUPERVISOR, "FB"),
    Step("FC", RelType.SHAREHOLDER, "FB", 100.0),
    Step("FC", RelType.SHAREHOLDER, "FB", 100.0),  # the same step twice (a renewed role)
]
LABELS = {"p1": P, "p2": P, "FA": F, "FB": F, "FC": F}


def test_ties_go_to_the_smallest_path() -> None:
    found = find_associates((P, "p1"), 2, expander(STEPS, LABELS), limit=10)
    assert [(a.key, a.depth) for a in found] == [("FA", 1), ("FB", 1), ("FC", 2), ("p2", 2)]
    by_key = {a.key: a for a in found}
    assert by_key["FB"].path == (Step("p1", RelType.LEGAL_REP, "FB"),)  # LEGAL_REP < SHAREHOLDER
    # p2 is reachable through FA or FB: steps compare on (src, rel, dst, share), so LEGAL_REP wins
    assert by_key["p2"].path == (Step("p1", RelType.LEGAL_REP, "FB"), Step("p2", RelType.SUPERVISOR, "FB"))
    assert by_key["FA"].name == "fa"


def test_limit_stops_at_a_finished_depth() -> None:
    calls: list[int] = []
    base = expander(STEPS, LABELS)

    def counting(refs):  # noqa: ANN001, ANN202
        calls.append(len(refs))
        return base(refs)

    found = find_associates((P, "p1"), 5, counting, limit=2)
    assert [a.key for a in found] == ["FA", "FB"] and len(calls) == 1


def test_all_shortest_paths_in_order_without_duplicates() -> None:
    paths = find_shortest_paths((P, "p1"), (F, "FC"), expander(STEPS, LABELS), max_depth=4, limit=10)
    assert paths == [
        (Step("p1", RelType.LEGAL_REP, "FB"), Step("FC", RelType.SHAREHOLDER, "FB", 100.0)),
        (Step("p1", RelType.SHAREHOLDER, "FB", 20.0), Step("FC", RelType.SHAREHOLDER, "FB", 100.0)),
    ]
    assert find_shortest_paths((P, "p1"), (F, "FC"), expander(STEPS, LABELS), max_depth=1, limit=10) == []
    to_p2 = find_shortest_paths((P, "p1"), (P, "p2"), expander(STEPS, LABELS), max_depth=4, limit=3)
    assert len(to_p2) == 3 and to_p2 == sorted(to_p2, key=lambda p: [(s.src, s.rel, s.dst) for s in p])


def test_depths_agree_with_networkx_on_a_random_world(random_world) -> None:  # noqa: ANN001
    store = MemoryStore()
    store.load_dataset(random_world(11))
    g = nx.Graph()
    for u, v, rel in store.graph.edges(data="rel"):
        if rel in AFFILIATION_RELS:
            g.add_edge(u, v)
    for start in [n for n in store.graph.nodes if n[0] in (P, F)][:15]:
        found = store.associates(start[0], start[1], depth=3, limit=10_000)
        expected = (
            {n: d for n, d in nx.single_source_shortest_path_length(g, start, cutoff=3).items() if n != start}
            if start in g
            else {}
        )
        assert {(a.label, a.key): a.depth for a in found} == expected
        for a in found:  # each path really walks from start to the associate
            here = start[1]
            for step in a.path:
                assert here in (step.src, step.dst)
                here = step.dst if here == step.src else step.src
            assert here == a.key and len(a.path) == a.depth
