"""The networkx store's search index answers exactly as a visit of every subject does, and follows
every write that changes what a subject can be found by (a write that only removes text leaves the
index a superset, which the rank read off the node already makes exact; one that adds text must
drop it)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from graph.memory_store import MemoryStore
from graph.model import NodeLabel
from graph.search_index import FIELD_SEP, SearchIndex
from tests.graph.conftest import random_dataset


def queries(store: MemoryStore, seed: int) -> list[str]:
    """Substrings of every kind of searchable text (names, other names, keys), and some misses."""
    rng = random.Random(seed)
    texts = []
    for (label, key), p in store.graph.nodes(data=True):
        if label in (NodeLabel.FIRM, NodeLabel.PERSON):
            texts += [key, p.get("name") or "", *(p.get("other_names") or [])]
    out = ["有限公司", "衢州", "F0", "P01", "不存在的名字", "字号"]
    for t in rng.sample(texts, 40):
        i = rng.randrange(len(t))
        out.append(t[i : i + rng.randint(1, 4)])
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_answers_as_a_scan(seed: int) -> None:
    store = MemoryStore()
    store.load_dataset(random_dataset(seed))
    for q in queries(store, seed):
        for limit in (3, 20):
            assert store.search(q, limit) == store.scan_search(q, limit), q


def test_index_follows_renames_resets_and_clears() -> None:
    ds = random_dataset(4)
    store = MemoryStore()
    store.load_dataset(ds)
    first = ds.firms[0]
    assert [h["key"] for h in store.search(first.other_names[0], 50)].count(first.uscc) == 1  # index built

    moved = replace(first, name="衢州新名字有限公司", other_names=("新字号",))
    renamed = replace(ds, firms=[moved, *ds.firms[1:]])
    store.load_dataset(renamed)
    assert [h["key"] for h in store.search("新字号")] == [first.uscc]
    assert [h["key"] for h in store.search("新名字")] == [first.uscc]

    store.reset_subjects(NodeLabel.FIRM, [first.uscc])  # an increment clears a changed subject first
    assert store.search("新字号") == [] and store.search("新名字") == []

    store.clear()
    assert store.search("衢州") == []


def test_a_query_holding_a_separator_is_scanned_not_matched_across_fields() -> None:
    store = MemoryStore()
    store.load_dataset(random_dataset(5))
    f = next(p for (label, _), p in store.graph.nodes(data=True) if label == NodeLabel.FIRM)
    across = f["uscc"][-2:] + FIELD_SEP + f["name"][:2]  # the end of a key and the start of its name
    assert not SearchIndex.usable(across)
    assert store.search(across) == store.scan_search(across) == []
