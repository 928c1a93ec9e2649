"""The concrete things behind a subject's features, and how much each adds to each feature.

For subject i: its active punitive records, its resolved events, and every punished party reached
through affiliations (1 and 2 hops) or a shared address / phone. Each item carries `weights`:
feature name -> how much this item adds to that feature (the same arithmetic graph.features used),
so a feature's SHAP contribution can be split over the items exactly in proportion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from gnn.snapshots import Snapshot
from graph.features import EVENT_LOOKBACK_DAYS, RECENT_DAYS
from graph.features_cut import PUNITIVE, subject_records
from graph.features_graph import SubjectGraph
from graph.model import AFFILIATION_RELS, NodeLabel, RelType

MAX_FANOUT = 50  # neighbours of an intermediate node looked at for 2-hop paths


@dataclass
class Item:
    reason: dict[str, Any]
    weights: dict[str, float] = field(default_factory=dict)


@dataclass
class ItemIndex:
    records: dict[int, list[Item]]
    events: dict[int, list[Item]]
    recent_party: np.ndarray  # subject has an active punitive record in the last year


def item_index(snap: Snapshot) -> ItemIndex:
    """Records and events per subject index, with their feature weights."""
    g = snap.features.graph
    recs = subject_records(snap.cut)
    recs = recs[recs["kind"].isin(PUNITIVE) & recs["active"].fillna(True).astype(bool)]
    recs = recs.sort_values(["decided_on", "key"], ascending=[False, True])
    age = (snap.as_of - pd.to_datetime(recs["decided_on"])).dt.days.to_numpy()
    amount = np.log1p(pd.to_numeric(recs["amount_yuan"], errors="coerce").fillna(0).clip(lower=0).to_numpy())
    by_rec: dict[int, list[Item]] = defaultdict(list)
    rows = zip(
        recs["subject_label"],
        recs["subject"],
        recs["key"],
        recs["kind"],
        recs["document_no"],
        age,
        amount,
        strict=True,
    )
    for lab, key, rid, kind, doc, a, amt in rows:
        i = g.index.get((str(lab), str(key)))
        if i is None:
            continue
        doc_s = "" if pd.isna(doc) else str(doc).strip()
        w = {
            f"own_{kind}": 1.0,
            "own_punitive_grounded" if doc_s else "own_punitive_soft": 1.0,
            "own_fine_log": float(amt),
            "own_any_punitive_ever": 1.0,
        }
        if a <= RECENT_DAYS:
            w["own_punitive_recent"] = 1.0
        if not by_rec[i]:
            w["own_days_since_punitive"] = 1.0  # the latest record sets this feature
        by_rec[i].append(
            Item(
                {
                    "type": "record",
                    "record_id": str(rid),
                    "kind": str(kind),
                    "document_no": doc_s or None,
                    "grounded": bool(doc_s),
                },
                w,
            )
        )
    by_ev: dict[int, list[Item]] = defaultdict(list)
    men, evs = snap.cut.edges.get(RelType.MENTIONS), snap.cut.nodes.get(NodeLabel.EVENT)
    if men is not None and evs is not None and len(men) and len(evs):
        m = men[["src", "dst_label", "dst"]].merge(evs.rename(columns={"key": "src"}), on="src")
        m = m.sort_values(["occurred_at", "src"], ascending=[False, True])
        ev_age = (snap.as_of - pd.to_datetime(m["occurred_at"])).dt.days.to_numpy()
        m, ev_age = m[ev_age <= EVENT_LOOKBACK_DAYS], ev_age[ev_age <= EVENT_LOOKBACK_DAYS]
        for lab, key, eid, src, cat, a in zip(
            m["dst_label"], m["dst"], m["src"], m["source"], m["category"], ev_age, strict=True
        ):
            i = g.index.get((str(lab), str(key)))
            if i is None:
                continue
            w = {"ev_total": 1.0, f"ev_src_{src}": 1.0, "ev_cat": 1.0}
            if a <= RECENT_DAYS:
                w["ev_recent"] = 1.0
            by_ev[i].append(
                Item(
                    {
                        "type": "event",
                        "event_id": str(eid),
                        "source": str(src),
                        "category": None if pd.isna(cat) else str(cat),
                        "grounded": False,
                    },
                    w,
                )
            )
    recent = snap.features.frame["own_punitive_recent"].to_numpy() > 0
    return ItemIndex(records=by_rec, events=by_ev, recent_party=recent)


def _row(m, i: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = m.indptr[i], m.indptr[i + 1]
    return m.indices[lo:hi], m.data[lo:hi]


class Ties:
    """The strongest stored tie between two subjects (legal rep first), looked up in O(1)."""

    def __init__(self, g: SubjectGraph) -> None:
        self.g = g
        self.best: dict[tuple[int, int], tuple[int, str, int, int, float]] = {}
        order = sorted(AFFILIATION_RELS, key=lambda r: 0 if r == RelType.LEGAL_REP else 1)
        for rank, rel in enumerate(order):
            coo = g.shares[rel].tocoo() if rel == RelType.SHAREHOLDER else g.roles[rel].tocoo()
            for h, f, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
                key = (min(h, f), max(h, f))
                if key not in self.best or self.best[key][0] > rank:
                    self.best[key] = (rank, str(rel), h, f, v if rel == RelType.SHAREHOLDER else 0.0)

    def text(self, a: int, b: int) -> str:
        """e.g. `330821196911200177 -[SHAREHOLDER 60%]-> 91330803MA2D00037J` (stored direction)."""
        keys = self.g.keys
        hit = self.best.get((min(a, b), max(a, b)))
        if hit is None:
            return f"{keys[a]} -- {keys[b]}"
        _, rel, h, f, share = hit
        return f"{keys[h]} -[{rel}{f' {share:g}%' if share else ''}]-> {keys[f]}"


def path_text(ties: Ties, spec: tuple) -> str:
    """Render a path spec kept by party_items: ("hop1", i, j), ("hop2", i, m, j) or ("via", kind, key)."""
    if spec[0] == "hop1":
        return ties.text(spec[1], spec[2])
    if spec[0] == "hop2":
        return f"{ties.text(spec[1], spec[2])} ; {ties.text(spec[2], spec[3])}"
    return f"shared {spec[1]} {spec[2]}"


def party_items(
    g: SubjectGraph, seeds: np.ndarray, recent: np.ndarray, i: int, transposed: dict[str, sp.csr_matrix]
) -> list[Item]:
    """Punished parties around subject i, each with its feature weights and a path spec (`_path`)."""
    acc: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    path: dict[int, tuple[float, tuple, int]] = {}

    def note(j: int, strength: float, spec: tuple, hops: int) -> None:
        if j not in path or strength > path[j][0]:
            path[j] = (strength, spec, hops)

    def add(j: int, feats: dict[str, float]) -> None:
        for f, v in feats.items():
            acc[j][f] += v
            if recent[j]:
                acc[j][f"{f}_recent"] += v

    cnt = np.minimum(seeds, 5.0)
    cols, vals = _row(g.W, i)
    for j, w in zip(cols.tolist(), vals.tolist(), strict=True):
        if seeds[j] > 0:
            add(j, {"pun_1hop_w": w, "pun_1hop_n": 1.0})
            acc[j]["pun_1hop_cnt"] += w * cnt[j]
            acc[j]["ppr_punished"] += w
            note(j, 10.0 + w, ("hop1", i, j), 1)
    for m, w1 in zip(cols.tolist(), vals.tolist(), strict=True):
        c2, v2 = _row(g.W, m)
        inv = 1.0 / np.sqrt(max(len(c2), 1))
        for j, w2 in zip(c2[:MAX_FANOUT].tolist(), v2[:MAX_FANOUT].tolist(), strict=True):
            if j != i and seeds[j] > 0:
                add(j, {"pun_2hop_w": w1 * w2, "pun_2hop_n": 1.0})
                acc[j]["pun_2hop_distinct"] = 1.0
                acc[j]["pun_2hop_norm"] += w1 * w2 * inv
                acc[j]["pun_2hop_cnt"] += w1 * w2 * cnt[j]
                acc[j]["ppr_punished"] += 0.5 * w1 * w2
                note(j, w1 * w2, ("hop2", i, m, j), 2)
    for name, inc, keys in (("addr", g.addr, g.addr_keys), ("phone", g.phone, g.phone_keys)):
        for a in _row(inc, i)[0].tolist():
            for j in _row(transposed[name], a)[0][:MAX_FANOUT].tolist():
                if j != i and seeds[j] > 0:
                    acc[j][f"pun_shared_{name}"] += 1.0
                    note(j, 0.1, ("via", "address" if name == "addr" else "phone", str(keys[a])), 1)
    out = []
    for j, feats in acc.items():
        _, spec, hops = path[j]
        out.append(
            Item(
                {"type": "related", "party": f"{g.labels[j]}:{g.keys[j]}", "hops": hops, "_path": spec},
                dict(feats),
            )
        )
    return out
