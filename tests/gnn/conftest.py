"""A tiny random world with one hidden risk mechanism: some people are dishonest, and the firms they
hold get punished year after year (so a firm's risk is visible through its people before it is hit)."""

import numpy as np
import pytest

from graph.features_tables import TablesBuilder


def make_world(n_firms: int = 300, seed: int = 0):
    rng = np.random.default_rng(seed)
    b = TablesBuilder()
    n_persons = n_firms // 2
    bad = rng.random(n_persons) < 0.15
    for p in range(n_persons):
        b.person(f"P{p}", phone=f"139{p:08d}" if rng.random() < 0.5 else None)
    holders: dict[int, list[int]] = {}
    rec = 0
    for f in range(n_firms):
        year = 2012 + int(rng.integers(0, 10))
        b.firm(
            f"F{f}",
            founded_on=f"{year}-0{1 + int(rng.integers(0, 9))}-01",
            address=f"addr{int(rng.integers(0, n_firms // 3))}",
        )
        people = list(rng.choice(n_persons, size=int(rng.integers(1, 3)), replace=False))
        holders[f] = people
        b.role("Person", f"P{people[0]}", f"F{f}", "legal_rep")
        for p in people[1:]:
            b.role("Person", f"P{p}", f"F{f}", "shareholder", share_pct=float(rng.integers(10, 60)))
    for f, people in holders.items():
        risk = 0.03 + 0.35 * any(bad[p] for p in people)
        for year in range(2019, 2025):
            if rng.random() < risk:
                kind = ["admin_penalty", "abnormal_operation", "dishonest_debtor"][int(rng.integers(0, 3))]
                b.record(
                    f"R{rec}",
                    "Firm",
                    f"F{f}",
                    kind,
                    f"{year}-{1 + int(rng.integers(0, 12)):02d}-15",
                    document_no=f"doc{rec}" if rng.random() < 0.8 else None,
                )
                rec += 1
            if rng.random() < risk / 2:
                b.event(f"E{rec}", f"{year}-06-01", [("Firm", f"F{f}")], source="complaint")
                rec += 1
    return b.build()


@pytest.fixture(scope="session")
def world():
    return make_world()
