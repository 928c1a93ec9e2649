"""The tie a reason's path names, when two subjects hold several roles toward each other, follows a
fixed rule (legal rep, then the heavier role, then the name), never the set's hash order: two runs
over the same data must write the same reason texts (a killed run's rerun was compared byte for byte
with a clean run and differed here)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from gnn.explain_items import Ties
from graph.features_graph import SubjectGraph
from graph.model import AFFILIATION_RELS, RelType


def _graph(roles_of_person: dict[RelType, float]) -> SubjectGraph:
    """One firm (index 0) and one person (index 1) holding the given roles (value: share %)."""
    n = 2

    def m(v: float | None) -> sp.csr_matrix:
        return sp.csr_matrix(([v], ([1], [0])), shape=(n, n)) if v is not None else sp.csr_matrix((n, n))

    roles = {r: m(1.0 if r in roles_of_person else None) for r in AFFILIATION_RELS}
    shares = {r: m(roles_of_person[r] if r in roles_of_person else None) for r in AFFILIATION_RELS}
    empty = sp.csr_matrix((n, 0))
    return SubjectGraph(
        keys=np.array(["F1", "P1"], dtype=object), labels=np.array(["Firm", "Person"], dtype=object),
        index={("Firm", "F1"): 0, ("Person", "P1"): 1}, n_firms=1, roles=roles, shares=shares,
        W=sp.csr_matrix((n, n)), U=sp.csr_matrix((n, n)), addr=empty, phone=empty,
        addr_keys=np.array([], dtype=object), phone_keys=np.array([], dtype=object),
    )


def test_the_heavier_role_names_the_tie() -> None:
    g = _graph({RelType.SUPERVISOR: 100.0, RelType.SHAREHOLDER: 16.0})
    assert Ties(g).text(0, 1) == "P1 -[SHAREHOLDER 16%]-> F1"


def test_legal_rep_comes_first_and_equal_weights_go_by_name() -> None:
    rep = Ties(_graph({RelType.SHAREHOLDER: 60.0, RelType.LEGAL_REP: 100.0}))
    assert rep.text(1, 0) == "P1 -[LEGAL_REP]-> F1"
    same_weight = Ties(_graph({RelType.OPERATOR: 100.0, RelType.SHAREHOLDER: 30.0}))
    assert same_weight.text(0, 1) == "P1 -[OPERATOR]-> F1"
