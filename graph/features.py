"""Per-subject risk features of a cut graph (firms and persons), computed with scipy.sparse.

Two groups: OWN (the subject's own active records, resolved events, age, kind) — what an own-records
model may see — and RELATED (degrees, punished neighbours at 1 and 2 hops weighted by role and share, counted
by relation type, as a share of all ties, and by how fresh their latest record is; shared address/phone
clusters, PageRank and personalised PageRank from punished seeds, component
sizes). Call `build_features(cut_tables(tables, T), T)`: the features then use nothing after T.
Firm status is a column but not in either model group: in a historical cut it is unknown (see
features_cut), so no model learns from a status that was only known later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph.features_cut import PUNITIVE, subject_records
from graph.features_graph import SubjectGraph, build_subject_graph, component_sizes, pagerank
from graph.model import AFFILIATION_RELS, NodeLabel, RelType
from graph.tables import GraphTables

CREDIT_KINDS = (*PUNITIVE, "red_list", "commendation")
EVENT_SOURCES = ("grid_patrol", "complaint", "hotline_12345", "inspection")
FIRM_KINDS = ("enterprise", "individual_business", "cooperative", "social_org")
RECENT_DAYS = 365
EVENT_LOOKBACK_DAYS = 3 * 365  # event counts cover the last three years before T


@dataclass
class FeatureSet:
    """Feature frame (one row per subject, aligned with graph.keys) plus the graph it came from."""

    frame: pd.DataFrame
    graph: SubjectGraph
    seeds: np.ndarray  # active punitive records per subject at T
    own_cols: list[str] = field(default_factory=list)
    related_cols: list[str] = field(default_factory=list)

    @property
    def model_cols(self) -> list[str]:
        return self.own_cols + self.related_cols


def _per_subject(g: SubjectGraph, labels: pd.Series, keys: pd.Series) -> np.ndarray:
    return g.positions(labels, keys.astype(str))


def _count(idx: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    ok = idx >= 0
    w = None if weights is None else weights[ok]
    return np.bincount(idx[ok], weights=w, minlength=n).astype(float)


def _own_records(cut: GraphTables, g: SubjectGraph, t: pd.Timestamp, f: dict[str, np.ndarray]) -> np.ndarray:
    recs = subject_records(cut)
    n = g.n
    idx = _per_subject(g, recs["subject_label"], recs["subject"])
    active = recs["active"].fillna(True).astype(bool).to_numpy()
    kinds = recs["kind"].astype(str).to_numpy()
    pun = np.isin(kinds, PUNITIVE)
    grounded = recs["document_no"].fillna("").astype(str).str.strip().ne("").to_numpy()
    for k in CREDIT_KINDS:
        f[f"own_{k}"] = _count(idx[active & (kinds == k)], n)
    f["own_punitive_grounded"] = _count(idx[active & pun & grounded], n)
    f["own_punitive_soft"] = _count(idx[active & pun & ~grounded], n)
    age = (t - pd.to_datetime(recs["decided_on"], errors="coerce")).dt.days.to_numpy(dtype=float)
    recent = active & pun & (age <= RECENT_DAYS)
    f["own_punitive_recent"] = _count(idx[recent], n)
    amount = np.log1p(
        pd.to_numeric(recs.get("amount_yuan"), errors="coerce").fillna(0).clip(lower=0).to_numpy()
    )
    f["own_fine_log"] = _count(idx[active & pun], n, amount[active & pun])
    last = np.full(n, 9999.0)
    sel = (idx >= 0) & active & pun
    np.minimum.at(last, idx[sel], age[sel])
    f["own_days_since_punitive"] = last
    f["own_any_punitive_ever"] = (_count(idx[pun], n) > 0).astype(float)  # expired ones included
    return f["own_punitive_grounded"] + f["own_punitive_soft"]


def _events(
    cut: GraphTables, g: SubjectGraph, t: pd.Timestamp, f: dict[str, np.ndarray], categories: list[str]
) -> None:
    men = cut.edges.get(RelType.MENTIONS)
    evs = cut.nodes.get(NodeLabel.EVENT)
    n = g.n
    if men is None or evs is None or men.empty or evs.empty:
        for c in [
            "ev_total",
            "ev_recent",
            *[f"ev_src_{s}" for s in EVENT_SOURCES],
            *[f"ev_cat_{i}" for i in range(len(categories))],
        ]:
            f[c] = np.zeros(n)
        return
    m = men[["src", "dst_label", "dst"]].merge(evs.rename(columns={"key": "src"}), on="src", how="inner")
    age = (t - pd.to_datetime(m["occurred_at"], errors="coerce")).dt.days.to_numpy(dtype=float)
    # a fixed look-back keeps counts comparable between yearly snapshots (history grows with the date)
    m, age = m[age <= EVENT_LOOKBACK_DAYS], age[age <= EVENT_LOOKBACK_DAYS]
    idx = _per_subject(g, m["dst_label"], m["dst"])
    f["ev_total"] = _count(idx, n)
    f["ev_recent"] = _count(idx[age <= RECENT_DAYS], n)
    src = m["source"].astype(str).to_numpy()
    for s in EVENT_SOURCES:
        f[f"ev_src_{s}"] = _count(idx[src == s], n)
    cat = m["category"].fillna("").astype(str).to_numpy()
    for i, c in enumerate(categories):
        f[f"ev_cat_{i}"] = _count(idx[cat == c], n)


def top_categories(tables: GraphTables, k: int = 8) -> list[str]:
    """Most frequent event categories: category features are data-driven, stored with the model."""
    evs = tables.nodes.get(NodeLabel.EVENT)
    if evs is None or evs.empty:
        return []
    vc = evs["category"].dropna().astype(str).value_counts()
    return [c for c in vc.index[:k] if c]


def _node_attrs(cut: GraphTables, g: SubjectGraph, t: pd.Timestamp, f: dict[str, np.ndarray]) -> None:
    n, nf = g.n, g.n_firms
    firms = cut.nodes.get(NodeLabel.FIRM, pd.DataFrame(columns=["key"])).set_index("key")
    fk = g.keys[:nf]
    f["is_person"] = np.r_[np.zeros(nf), np.ones(n - nf)]
    founded = pd.to_datetime(firms["founded_on"], errors="coerce").reindex(fk)
    age = np.full(n, np.nan)
    age[:nf] = (t - founded).dt.days.to_numpy(dtype=float)
    f["firm_age_days"] = age
    kind = firms["kind"].reindex(fk).astype(str).to_numpy() if nf else np.array([])
    for k in FIRM_KINDS:
        f[f"firm_kind_{k}"] = np.r_[(kind == k).astype(float), np.zeros(n - nf)]
    cap = np.full(n, np.nan)
    if nf:
        cap[:nf] = np.log1p(
            pd.to_numeric(firms["registered_capital_wan"], errors="coerce")
            .reindex(fk)
            .clip(lower=0)
            .to_numpy(dtype=float)
        )
    f["firm_capital_log"] = cap
    status = firms["status"].reindex(fk) if nf else pd.Series([], dtype=object)
    active = np.where(status.isna(), np.nan, status.astype(str).eq("active").astype(float))
    f["firm_status_active"] = np.r_[active, np.full(n - nf, np.nan)]


def _row_max(m: sp.csr_matrix, v: np.ndarray) -> np.ndarray:
    """Per row, the largest v[j] over the row's non-zero columns j (0 for an empty row)."""
    if m.nnz == 0:
        return np.zeros(m.shape[0])
    return np.asarray(m.multiply(v[None, :]).tocsr().max(axis=1).todense()).ravel()


def _related(g: SubjectGraph, seeds: np.ndarray, recent: np.ndarray, f: dict[str, np.ndarray]) -> None:
    n = g.n
    last_days = f["own_days_since_punitive"]
    s = (seeds > 0).astype(float)
    for rel in sorted(AFFILIATION_RELS):
        B = g.roles[rel]
        f[f"deg_{rel.lower()}"] = np.asarray(B.sum(axis=1)).ravel() + np.asarray(B.sum(axis=0)).ravel()
    f["deg_registered_at"] = np.asarray(g.addr.sum(axis=1)).ravel()
    f["deg_has_phone"] = np.asarray(g.phone.sum(axis=1)).ravel()
    for name, M in (("addr", g.addr), ("phone", g.phone)):
        size = np.asarray(M.sum(axis=0)).ravel()
        f[f"{name}_cluster"] = (
            M.multiply(size[None, :]).max(axis=1).toarray().ravel() if M.shape[1] else np.zeros(n)
        )
        via = M @ (M.T @ s) - np.asarray(M.sum(axis=1)).ravel() * s
        f[f"pun_shared_{name}"] = via
    W, U = g.W, g.U
    w2diag = np.asarray(W.multiply(W).sum(axis=1)).ravel()
    u2diag = np.asarray(U.sum(axis=1)).ravel()
    for tag, vec in (("", s), ("_recent", (recent > 0).astype(float))):
        f[f"pun_1hop_w{tag}"] = W @ vec
        f[f"pun_1hop_n{tag}"] = U @ vec
        f[f"pun_2hop_w{tag}"] = W @ (W @ vec) - w2diag * vec
        f[f"pun_2hop_n{tag}"] = U @ (U @ vec) - u2diag * vec
    # punished parties by the relation that ties them (either direction), and as a share of all ties
    for rel in sorted(AFFILIATION_RELS):
        B = g.roles[rel]
        tie = (B + B.T).tocsr()
        tie.data[:] = 1.0
        f[f"pun_1hop_{rel.lower()}"] = tie @ s
    f["pun_1hop_share"] = f["pun_1hop_n"] / np.maximum(u2diag, 1.0)
    # distinct punished subjects two ties away (firm -> person -> other firm and the like), and their share
    reach = (U @ U).tocsr()
    reach.setdiag(0)
    reach.eliminate_zeros()
    reach.data[:] = 1.0
    f["reach_2hop"] = np.asarray(reach.sum(axis=1)).ravel()
    f["pun_2hop_distinct"] = reach @ s
    f["pun_2hop_share"] = f["pun_2hop_distinct"] / np.maximum(f["reach_2hop"], 1.0)
    # recency: how fresh the latest active punitive record of the closest punished party is (1 = today)
    fresh = np.where(s > 0, 1.0 / (1.0 + np.maximum(last_days, 0.0) / 365.0), 0.0)
    f["pun_1hop_freshest"] = _row_max(U, fresh)
    f["pun_2hop_freshest"] = _row_max(reach, fresh)
    # intensity: how many active punitive records the related parties carry (capped)
    cnt = np.minimum(seeds, 5.0)
    f["pun_1hop_cnt"] = W @ cnt
    f["pun_2hop_cnt"] = W @ (W @ cnt) - w2diag * cnt
    # soft signals around the subject: recent resolved events of directly related parties
    f["rel_events_1hop"] = U @ f["ev_recent"]
    full = g.full_adjacency()
    pr = pagerank(full)
    pers = np.r_[s, np.zeros(full.shape[0] - n)]
    ppr = pagerank(full, personalization=pers) if s.sum() > 0 else np.zeros(full.shape[0])
    f["pagerank"] = pr[:n] * n
    f["ppr_punished"] = ppr[:n] * n
    f["component_size"] = component_sizes(full)[:n].astype(float)
    f["aff_component_size"] = component_sizes(U).astype(float)


def build_features(
    cut: GraphTables, as_of: date | pd.Timestamp, categories: list[str] | None = None
) -> FeatureSet:
    """Features for every firm and person of `cut` (already cut at `as_of` by `cut_tables`)."""
    t = pd.Timestamp(as_of).normalize()
    g = build_subject_graph(cut)
    cats = top_categories(cut) if categories is None else categories
    f: dict[str, np.ndarray] = {}
    _node_attrs(cut, g, t, f)
    seeds = _own_records(cut, g, t, f)
    recent = f["own_punitive_recent"]
    _events(cut, g, t, f, cats)
    own_cols = list(f)
    own_cols.remove("firm_status_active")
    _related(g, seeds, recent, f)
    related_cols = [c for c in f if c not in own_cols and c != "firm_status_active"]
    frame = pd.DataFrame(f)
    frame.insert(0, "subject", g.keys)
    frame.insert(0, "subject_label", g.labels)
    return FeatureSet(frame=frame, graph=g, seeds=seeds, own_cols=own_cols, related_cols=related_cols)


def sparse_row_top(m: sp.csr_matrix, i: int, k: int) -> list[tuple[int, float]]:
    """Top-k (column, value) of one CSR row: used to name the neighbours behind a feature."""
    lo, hi = m.indptr[i], m.indptr[i + 1]
    cols, vals = m.indices[lo:hi], m.data[lo:hi]
    order = np.argsort(-vals)[:k]
    return [(int(cols[j]), float(vals[j])) for j in order]
