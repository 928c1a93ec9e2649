"""Sparse graph features agree with networkx on small random graphs."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from graph.features import build_features
from graph.features_cut import cut_tables
from graph.features_graph import component_sizes, pagerank
from graph.features_tables import TablesBuilder


def _random_graph(seed: int, n: int = 30, p: float = 0.08) -> nx.Graph:
    return nx.gnp_random_graph(n, p, seed=seed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pagerank_matches_networkx(seed):
    g = _random_graph(seed)
    for u, v in g.edges:
        g[u][v]["weight"] = 1.0 + (u * v) % 3
    adj = nx.to_scipy_sparse_array(g, nodelist=range(g.number_of_nodes()), weight="weight")
    ours = pagerank(adj, tol=1e-10, max_iter=500)
    ref = nx.pagerank(g, weight="weight", tol=1e-10, max_iter=500)
    assert np.allclose(ours, [ref[i] for i in range(len(ours))], atol=1e-6)


@pytest.mark.parametrize("seed", [3, 4])
def test_personalised_pagerank_matches_networkx(seed):
    g = _random_graph(seed, n=25, p=0.1)
    seeds = {0: 1.0, 5: 1.0, 7: 2.0}
    vec = np.zeros(25)
    for k, v in seeds.items():
        vec[k] = v
    adj = nx.to_scipy_sparse_array(g, nodelist=range(25))
    ours = pagerank(adj, personalization=vec, tol=1e-10, max_iter=500)
    ref = nx.pagerank(g, personalization=seeds, tol=1e-10, max_iter=500)
    assert np.allclose(ours, [ref[i] for i in range(25)], atol=1e-6)


@pytest.mark.parametrize("seed", [5, 6])
def test_component_sizes_match_networkx(seed):
    g = _random_graph(seed, n=40, p=0.04)
    sizes = component_sizes(sp.csr_matrix(nx.to_scipy_sparse_array(g, nodelist=range(40))))
    for comp in nx.connected_components(g):
        for node in comp:
            assert sizes[node] == len(comp)


@pytest.mark.parametrize("seed", [7, 8])
def test_degrees_and_punished_neighbours_match_networkx(seed):
    rng = np.random.default_rng(seed)
    b = TablesBuilder()
    firms = [f"F{i}" for i in range(15)]
    persons = [f"P{i}" for i in range(10)]
    for f in firms:
        b.firm(f)
    for p in persons:
        b.person(p)
    g = nx.MultiGraph()
    g.add_nodes_from(firms + persons)
    roles = ["legal_rep", "shareholder", "executive"]
    for _ in range(25):
        p, f, r = persons[rng.integers(10)], firms[rng.integers(15)], roles[rng.integers(3)]
        b.role("Person", p, f, r, share_pct=50.0 if r == "shareholder" else None)
        g.add_edge(p, f, role=r)
    punished = {firms[i] for i in rng.choice(15, 4, replace=False)}
    for i, f in enumerate(sorted(punished)):
        b.record(f"R{i}", "Firm", f, "admin_penalty", "2020-01-01")
    fs = build_features(cut_tables(b.build(), "2021-01-01"), "2021-01-01")
    frame = fs.frame.set_index("subject")
    simple = nx.Graph(g)
    for node in g.nodes:
        for r in roles:
            deg = sum(1 for _, _, d in g.edges(node, data=True) if d["role"] == r)
            assert frame.loc[node, f"deg_{r}"] == deg
        n1 = sum(1 for nb in simple.neighbors(node) if nb in punished)
        assert frame.loc[node, "pun_1hop_n"] == n1
        two = {nb2 for nb in simple.neighbors(node) for nb2 in simple.neighbors(nb)} - {node}
        assert frame.loc[node, "pun_2hop_distinct"] == len(two & punished)
        for r in roles:
            by_rel = {v for _, v, d in g.edges(node, data=True) if d["role"] == r}
            assert frame.loc[node, f"pun_1hop_{r}"] == len(by_rel & punished)
        assert np.isclose(frame.loc[node, "pun_1hop_share"], n1 / max(simple.degree(node), 1))
        assert np.isclose(frame.loc[node, "pun_2hop_share"], len(two & punished) / max(len(two), 1))
        fresh = 1.0 / (1.0 + 366 / 365.0)  # every record here was decided 366 days before the cutoff
        assert np.isclose(frame.loc[node, "pun_1hop_freshest"], fresh if n1 else 0.0)
        comp = nx.node_connected_component(simple, node)
        assert frame.loc[node, "aff_component_size"] == len(comp)


def test_shared_address_cluster_and_phone():
    b = TablesBuilder()
    b.firm("F1", address="衢州市 廿里镇 1号", phone="0570-3888666").firm("F2", address="衢州市廿里镇1号")
    b.firm("F3", address="衢州市廿里镇1号", phone="05703888666").firm("F4", address="别处")
    b.record("R1", "Firm", "F3", "admin_penalty", "2020-01-01")
    frame = build_features(cut_tables(b.build(), "2021-01-01"), "2021-01-01").frame.set_index("subject")
    assert frame.loc["F1", "addr_cluster"] == 3 and frame.loc["F4", "addr_cluster"] == 1
    assert frame.loc["F1", "phone_cluster"] == 2 and frame.loc["F2", "phone_cluster"] == 0
    assert frame.loc["F1", "pun_shared_addr"] == 1 and frame.loc["F3", "pun_shared_addr"] == 0
    assert frame.loc["F1", "pun_shared_phone"] == 1
