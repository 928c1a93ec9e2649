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

from gnn.dimensions import RELATED, event_dimension, record_dimension
from gnn.snapshots import Snapshot
from graph.features import EVENT_LOOKBACK_DAYS, RECENT_DAYS
from graph.features_cut import PUNITIVE, subject_records
from graph.features_graph import ROLE_WEIGHTS, SubjectGraph
from graph.model import AFFILIATION_RELS, NodeLabel, RelType

MAX_FANOUT = 50  # neighbours of an intermediate node looked at for 2-hop paths


@dataclass
class Item:
    reason: dict[str, Any]
    weights: dict[str, float] = field(default_factory=dict)


@dataclass
class ItemIndex:
    records: dict[int, list[Item]]  # active punitive records, grounded first
    events: dict[int, list[Item]]
    history: dict[int, list[Item]]  # expired (or repaired) punitive records: never grounds
    recent_party: np.ndarray  # subject has an active punitive record in the last year
    grounded_party: np.ndarray  # subject has an active punitive record with a document number


def _doc(doc: Any) -> str:
    return (
        "" if doc is None or (isinstance(doc, float) and np.isnan(doc)) or pd.isna(doc) else str(doc).strip()
    )


def _day(v: Any) -> str | None:
    return None if v is None or pd.isna(v) else str(pd.Timestamp(v).date())


def _of(frame: pd.DataFrame, label_col: str, key_col: str, keys: set[tuple[str, str]] | None) -> pd.DataFrame:
    """The rows of `frame` about these subjects (all rows when None)."""
    if keys is None:
        return frame
    near = frame[frame[key_col].isin({k for _, k in keys})]
    exact = [(str(lab), str(k)) in keys for lab, k in zip(near[label_col], near[key_col], strict=True)]
    return near[np.asarray(exact, dtype=bool)] if len(near) else near


def item_index(snap: Snapshot, own: np.ndarray | None = None) -> ItemIndex:
    """Records (active, and expired as history) and events per subject index, with their feature weights.

    Active punitive records come grounded first (document number present), newest first.
    With `own` (subject rows), events and history are indexed for those subjects only: an
    increment explains a few thousand subjects of a city, and a subject's reasons read its own
    events and history but the active records of any punished party (all kept).
    """
    g = snap.features.graph
    keys = None if own is None else {(str(g.labels[i]), str(g.keys[i])) for i in own.tolist()}
    allrecs = subject_records(snap.cut)
    allrecs = allrecs[allrecs["kind"].isin(PUNITIVE)]
    active_mask = allrecs["active"].fillna(True).astype(bool)
    authority = (
        allrecs["authority"] if "authority" in allrecs.columns else pd.Series(None, index=allrecs.index)
    )
    allrecs = allrecs.assign(_auth=authority, _grounded=allrecs["document_no"].map(_doc).ne(""))
    recs = allrecs[active_mask].sort_values(
        ["_grounded", "decided_on", "key"], ascending=[False, False, True]
    )
    age = (snap.as_of - pd.to_datetime(recs["decided_on"])).dt.days.to_numpy()
    amount = np.log1p(pd.to_numeric(recs["amount_yuan"], errors="coerce").fillna(0).clip(lower=0).to_numpy())
    latest = recs.groupby(["subject_label", "subject"])["decided_on"].transform("max").to_numpy()
    by_rec: dict[int, list[Item]] = defaultdict(list)
    rows = zip(
        recs["subject_label"],
        recs["subject"],
        recs["key"],
        recs["kind"],
        recs["document_no"],
        recs["decided_on"],
        recs["expires_on"],
        recs["_auth"],
        age,
        amount,
        latest,
        strict=True,
    )
    for lab, key, rid, kind, doc, decided, expires, auth, a, amt, last in rows:
        i = g.index.get((str(lab), str(key)))
        if i is None:
            continue
        doc_s = _doc(doc)
        w = {
            f"own_{kind}": 1.0,
            "own_punitive_grounded" if doc_s else "own_punitive_soft": 1.0,
            "own_fine_log": float(amt),
            "own_any_punitive_ever": 1.0,
        }
        if a <= RECENT_DAYS:
            w["own_punitive_recent"] = 1.0
        if decided == last:
            w["own_days_since_punitive"] = 1.0  # the latest record sets this feature
        by_rec[i].append(
            Item(
                {
                    "type": "record",
                    "record_id": str(rid),
                    "kind": str(kind),
                    "document_no": doc_s or None,
                    "decided_on": _day(decided),
                    "expires_on": _day(expires),
                    "grounded": bool(doc_s),
                    "signal": "grounded" if doc_s else "soft",
                    "dimension": record_dimension(str(kind), None if pd.isna(auth) else str(auth)),
                },
                w,
            )
        )
    by_hist: dict[int, list[Item]] = defaultdict(list)
    old = _of(allrecs[~active_mask], "subject_label", "subject", keys)
    old = old.sort_values(["decided_on", "key"], ascending=[False, True])
    for lab, key, rid, kind, doc, decided, expires, auth in zip(
        old["subject_label"],
        old["subject"],
        old["key"],
        old["kind"],
        old["document_no"],
        old["decided_on"],
        old["expires_on"],
        old["_auth"],
        strict=True,
    ):
        i = g.index.get((str(lab), str(key)))
        if i is None:
            continue
        # past its publicity period or repaired: history, never grounds for punishment
        by_hist[i].append(
            Item(
                {
                    "type": "history",
                    "record_id": str(rid),
                    "kind": str(kind),
                    "document_no": _doc(doc) or None,
                    "decided_on": _day(decided),
                    "expired_on": _day(expires),
                    "active": False,
                    "grounded": False,
                    "signal": "history",
                    "dimension": record_dimension(str(kind), None if pd.isna(auth) else str(auth)),
                },
                {"own_any_punitive_ever": 1.0},
            )
        )
    by_ev: dict[int, list[Item]] = defaultdict(list)
    men, evs = snap.cut.edges.get(RelType.MENTIONS), snap.cut.nodes.get(NodeLabel.EVENT)
    if men is not None and evs is not None and len(men) and len(evs):
        men = _of(men[["src", "dst_label", "dst"]], "dst_label", "dst", keys)
        m = men.merge(evs.rename(columns={"key": "src"}), on="src")
        m = m.sort_values(["occurred_at", "src"], ascending=[False, True])
        ev_age = (snap.as_of - pd.to_datetime(m["occurred_at"])).dt.days.to_numpy()
        m, ev_age = m[ev_age <= EVENT_LOOKBACK_DAYS], ev_age[ev_age <= EVENT_LOOKBACK_DAYS]
        for lab, key, eid, src, cat, when, a in zip(
            m["dst_label"],
            m["dst"],
            m["src"],
            m["source"],
            m["category"],
            m["occurred_at"],
            ev_age,
            strict=True,
        ):
            i = g.index.get((str(lab), str(key)))
            if i is None:
                continue
            w = {"ev_total": 1.0, f"ev_src_{src}": 1.0, "ev_cat": 1.0}
            if a <= RECENT_DAYS:
                w["ev_recent"] = 1.0
            category = None if pd.isna(cat) else str(cat)
            by_ev[i].append(
                Item(
                    {
                        "type": "event",
                        "event_id": str(eid),
                        "source": str(src),
                        "category": category,
                        "occurred_at": _day(when),
                        "grounded": False,
                        "signal": "soft",
                        "dimension": event_dimension(category),
                    },
                    w,
                )
            )
    frame = snap.features.frame
    recent = frame["own_punitive_recent"].to_numpy() > 0
    grounded = frame["own_punitive_grounded"].to_numpy() > 0
    return ItemIndex(
        records=by_rec, events=by_ev, history=by_hist, recent_party=recent, grounded_party=grounded
    )


def _row(m, i: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = m.indptr[i], m.indptr[i + 1]
    return m.indices[lo:hi], m.data[lo:hi]


class Ties:
    """The strongest stored tie between two subjects (legal rep first), looked up in O(1)."""

    def __init__(self, g: SubjectGraph) -> None:
        self.g = g
        self.best: dict[tuple[int, int], tuple[int, str, int, int, float]] = {}
        # legal rep first, then by the weight a tie carries, then by name: a fixed order (the set's own
        # order follows string hashing, which differs per process, and so did the reason texts)
        order = sorted(AFFILIATION_RELS, key=lambda r: (r != RelType.LEGAL_REP, -ROLE_WEIGHTS[r], str(r)))
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


def _has_tie(g: SubjectGraph, rel: RelType, a: int, b: int) -> bool:
    m = g.roles[rel]
    return bool((_row(m, a)[0] == b).any() or (_row(m, b)[0] == a).any())


def party_items(
    g: SubjectGraph,
    seeds: np.ndarray,
    index: ItemIndex,
    i: int,
    transposed: dict[str, sp.csr_matrix],
    fresh: np.ndarray,
) -> list[Item]:
    """Punished parties around subject i, each with its feature weights and a path spec (`_path`).

    `fresh` is the per-subject freshness of the latest active punitive record (graph.features).
    """
    acc: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    path: dict[int, tuple[float, tuple, int]] = {}
    recent = index.recent_party

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
    deg = max(len(cols), 1)
    best1 = max((fresh[j] for j in cols.tolist() if seeds[j] > 0), default=0.0)
    for j, w in zip(cols.tolist(), vals.tolist(), strict=True):
        if seeds[j] > 0:
            add(j, {"pun_1hop_w": w, "pun_1hop_n": 1.0})
            acc[j]["pun_1hop_cnt"] += w * cnt[j]
            acc[j]["pun_1hop_share"] += 1.0 / deg
            acc[j]["ppr_punished"] += w
            if fresh[j] >= best1:
                acc[j]["pun_1hop_freshest"] = 1.0
            for rel in sorted(AFFILIATION_RELS):
                if _has_tie(g, rel, i, j):
                    acc[j][f"pun_1hop_{str(rel).lower()}"] = 1.0
            note(j, 10.0 + w, ("hop1", i, j), 1)
    two: dict[int, tuple[int, float]] = {}
    for m, w1 in zip(cols.tolist(), vals.tolist(), strict=True):
        c2, v2 = _row(g.W, m)
        for j, w2 in zip(c2[:MAX_FANOUT].tolist(), v2[:MAX_FANOUT].tolist(), strict=True):
            if j != i and seeds[j] > 0:
                add(j, {"pun_2hop_w": w1 * w2, "pun_2hop_n": 1.0})
                acc[j]["pun_2hop_distinct"] = 1.0
                acc[j]["pun_2hop_cnt"] += w1 * w2 * cnt[j]
                acc[j]["ppr_punished"] += 0.5 * w1 * w2
                two[j] = (m, w1 * w2)
                note(j, w1 * w2, ("hop2", i, m, j), 2)
    if two:
        best2 = max(fresh[j] for j in two)
        for j in two:
            acc[j]["pun_2hop_share"] = 1.0
            if fresh[j] >= best2:
                acc[j]["pun_2hop_freshest"] = 1.0
    for name, inc, keys in (("addr", g.addr, g.addr_keys), ("phone", g.phone, g.phone_keys)):
        for a in _row(inc, i)[0].tolist():
            for j in _row(transposed[name], a)[0][:MAX_FANOUT].tolist():
                if j != i and seeds[j] > 0:
                    acc[j][f"pun_shared_{name}"] += 1.0
                    note(j, 0.1, ("via", "address" if name == "addr" else "phone", str(keys[a])), 1)
    out = []
    for j, feats in acc.items():
        _, spec, hops = path[j]
        out.append(Item(party_reason(g, index, j, hops, spec), dict(feats)))
    return out


def party_reason(g: SubjectGraph, index: ItemIndex, j: int, hops: int, spec: tuple) -> dict[str, Any]:
    """A related party as a reason: who, how far, by which path, and the records it is punished on."""
    recs = [
        {
            "record_id": it.reason["record_id"],
            "kind": it.reason["kind"],
            "document_no": it.reason["document_no"],
        }
        for it in index.records.get(j, [])[:2]
    ]
    grounded = bool(index.grounded_party[j])
    return {
        "type": "related",
        "party": f"{g.labels[j]}:{g.keys[j]}",
        "hops": hops,
        "party_records": recs,
        "grounded": grounded,
        "signal": "grounded" if grounded else ("soft" if recs else "model"),
        "dimension": RELATED,
        "_path": spec,
    }


def profile_items(
    g: SubjectGraph,
    i: int,
    frame_row: dict[str, float],
    as_of: pd.Timestamp,
    transposed: dict[str, sp.csr_matrix],
    capital: np.ndarray,
) -> list[Item]:
    """The registry facts behind profile features, as checkable items (never a bare feature value).

    Roles held (deg_*: the firms or holders by name), shared contacts (addr/phone cluster features: the
    address or phone and how many subjects share it) and, for firms, the registration (age, kind,
    capital: firms.csv's founded_on, kind, registered_capital_wan).
    """
    out: list[Item] = []
    for rel in sorted(AFFILIATION_RELS):
        m = g.roles[rel]
        parties = np.r_[_row(m, i)[0], _row(transposed[f"role_{rel}"], i)[0]]
        if len(parties):
            names = [f"{g.labels[j]}:{g.keys[j]}" for j in parties[:5].tolist()]
            out.append(
                Item(
                    {
                        "type": "roles",
                        "role": str(rel).lower(),
                        "n": int(len(parties)),
                        "parties": names,
                        "grounded": False,
                        "signal": "profile",
                        "dimension": RELATED,
                    },
                    {f"deg_{str(rel).lower()}": float(len(parties))},
                )
            )
    for name, inc, keys in (("addr", g.addr, g.addr_keys), ("phone", g.phone, g.phone_keys)):
        for a in _row(inc, i)[0].tolist():
            members = _row(transposed[name], a)[0]
            if len(members) <= 1:
                continue
            out.append(
                Item(
                    {
                        "type": "shared_contact",
                        "via": "address" if name == "addr" else "phone",
                        "key": str(keys[a]),
                        "subjects": int(len(members)),
                        "grounded": False,
                        "signal": "profile",
                        "dimension": RELATED,
                    },
                    {f"{name}_cluster": 1.0, "deg_registered_at" if name == "addr" else "deg_has_phone": 1.0},
                )
            )
    if i < g.n_firms:
        age = frame_row.get("firm_age_days")
        founded = None if age is None or np.isnan(age) else str((as_of - pd.Timedelta(days=age)).date())
        kind = next((k[10:] for k, v in frame_row.items() if k.startswith("firm_kind_") and v > 0), None)
        cap = capital[i]
        w = {"firm_age_days": 1.0, "firm_capital_log": 1.0, "firm_kind": 1.0}
        out.append(
            Item(
                {
                    "type": "registry",
                    "founded_on": founded,
                    "firm_kind": kind,
                    "registered_capital_wan": None if np.isnan(cap) else round(float(np.expm1(cap)), 2),
                    "grounded": False,
                    "signal": "profile",
                    "dimension": "business",
                },
                w,
            )
        )
    return out
