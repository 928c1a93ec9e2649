"""Reasons a person can check: which records and which related parties drove a subject's score.

Attribution is TreeSHAP (LightGBM `pred_contrib`) of the final model in logit units, grouped into
channels; a channel's contribution is then split over the concrete things behind its features,
in proportion to how much each adds to the feature: own punitive records (grounded when they carry a
document_no), resolved events (always soft signals), punished parties one hop away (role, share),
two hops away (the person or firm in between), and subjects sharing an address or phone. What cannot
be traced to a party (age, degrees, cluster sizes) stays a named feature. The perturbation test in
tests/gnn checks that removing the top reason lowers the score more than removing a random one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gnn.snapshots import Snapshot
from graph.features_cut import PUNITIVE, subject_records
from graph.features_graph import SubjectGraph
from graph.model import AFFILIATION_RELS, NodeLabel, RelType

MIN_CONTRIBUTION = 0.01  # logit units; smaller pieces are noise, not reasons


def channel_of(col: str) -> str:
    """Which kind of reason a feature column feeds."""
    if col.startswith(("own_punitive", "own_fine", "own_days", "own_any")) or col[4:] in PUNITIVE:
        return "records"
    if col.startswith("ev_"):
        return "events"
    if col.startswith("pun_1hop"):
        return "hop1"
    if col.startswith("pun_2hop") or col == "ppr_punished":
        return "hop2"
    if col == "pun_shared_addr":
        return "address"
    if col == "pun_shared_phone":
        return "phone"
    return "feature"


OWN_CHANNELS = {"records", "events"}


@dataclass
class _Lookups:
    records: dict[int, list[dict[str, Any]]]
    events: dict[int, list[dict[str, Any]]]


def _lookups(snap: Snapshot) -> _Lookups:
    g = snap.features.graph
    recs = subject_records(snap.cut)
    recs = recs[recs["kind"].isin(PUNITIVE) & recs["active"].fillna(True).astype(bool)]
    recs = recs.sort_values("decided_on", ascending=False)
    by_rec: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for lab, key, rid, kind, doc in zip(
        recs["subject_label"], recs["subject"], recs["key"], recs["kind"], recs["document_no"], strict=True
    ):
        i = g.index.get((str(lab), str(key)))
        if i is not None:
            doc_s = "" if pd.isna(doc) else str(doc).strip()
            by_rec[i].append(
                {
                    "type": "record",
                    "record_id": str(rid),
                    "kind": str(kind),
                    "document_no": doc_s or None,
                    "grounded": bool(doc_s),
                }
            )
    by_ev: dict[int, list[dict[str, Any]]] = defaultdict(list)
    men, evs = snap.cut.edges.get(RelType.MENTIONS), snap.cut.nodes.get(NodeLabel.EVENT)
    if men is not None and evs is not None and len(men) and len(evs):
        m = men[["src", "dst_label", "dst"]].merge(evs.rename(columns={"key": "src"}), on="src")
        m = m.sort_values("occurred_at", ascending=False)
        for lab, key, eid, src, cat in zip(
            m["dst_label"], m["dst"], m["src"], m["source"], m["category"], strict=True
        ):
            i = g.index.get((str(lab), str(key)))
            if i is not None:
                by_ev[i].append(
                    {
                        "type": "event",
                        "event_id": str(eid),
                        "source": str(src),
                        "category": None if pd.isna(cat) else str(cat),
                        "grounded": False,
                    }
                )
    return _Lookups(records=by_rec, events=by_ev)


def _row(m, i: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = m.indptr[i], m.indptr[i + 1]
    return m.indices[lo:hi], m.data[lo:hi]


def tie(g: SubjectGraph, a: int, b: int) -> str:
    """The stored direction and role of the strongest tie between subjects a and b, as text."""
    for rel in sorted(AFFILIATION_RELS, key=lambda r: -1 if r == RelType.LEGAL_REP else 0):
        for h, f in ((a, b), (b, a)):
            if g.roles[rel][h, f]:
                share = g.shares[rel][h, f] if rel == RelType.SHAREHOLDER else None
                tag = f"{rel}" + (f" {share:g}%" if share else "")
                return f"{g.keys[h]} -[{tag}]-> {g.keys[f]}"
    return f"{g.keys[a]} -- {g.keys[b]}"


def _party(g: SubjectGraph, j: int) -> str:
    return f"{g.labels[j]}:{g.keys[j]}"


def _paths(
    g: SubjectGraph, seeds: np.ndarray, i: int, channel: str, limit: int = 3
) -> list[tuple[float, dict]]:
    """(weight, reason) candidates of one related channel for subject i; weights sum to the feature."""
    out: list[tuple[float, dict]] = []
    if channel == "hop1":
        cols, vals = _row(g.W, i)
        for j, w in zip(cols, vals, strict=True):
            if seeds[j] > 0:
                out.append((w, {"type": "related", "hops": 1, "party": _party(g, j), "path": tie(g, i, j)}))
    elif channel == "hop2":
        cols, vals = _row(g.W, i)
        for m, w1 in zip(cols, vals, strict=True):
            c2, v2 = _row(g.W, m)
            for j, w2 in zip(c2, v2, strict=True):
                if j != i and seeds[j] > 0:
                    out.append(
                        (
                            w1 * w2,
                            {
                                "type": "related",
                                "hops": 2,
                                "party": _party(g, j),
                                "path": f"{tie(g, i, m)} ; {tie(g, m, j)}",
                            },
                        )
                    )
    else:
        inc, keys = (g.addr, g.addr_keys) if channel == "address" else (g.phone, g.phone_keys)
        inc_t = inc.T.tocsr()
        for a in _row(inc, i)[0]:
            for j in _row(inc_t, a)[0]:
                if j != i and seeds[j] > 0:
                    out.append(
                        (1.0, {"type": f"shared_{channel}", "party": _party(g, j), "via": str(keys[a])})
                    )
    out.sort(key=lambda p: -p[0])
    total = sum(w for w, _ in out)
    return [(w / total, r) for w, r in out[:limit]] if total > 0 else []


def explain_subjects(
    snap: Snapshot,
    contrib: np.ndarray,
    cols: list[str],
    extra: dict[str, np.ndarray],
    max_reasons: int,
    rows: np.ndarray | None = None,
) -> list[list[dict[str, Any]]]:
    """Reasons per subject (rows of snap.features.frame), largest contribution first.

    `contrib` is (n, len(cols)) in logit units of the final score; `extra` adds named terms that
    are not features (e.g. the GNN's neighbourhood term), reported as they are.
    """
    g, seeds = snap.features.graph, snap.features.seeds
    look = _lookups(snap)
    channels = np.array([channel_of(c) for c in cols])
    names = ["records", "events", "hop1", "hop2", "address", "phone"]
    by_channel = {c: contrib[:, channels == c].sum(axis=1) for c in names}
    feat_idx = np.flatnonzero(channels == "feature")
    rows = np.arange(g.n) if rows is None else rows
    fvals = snap.features.frame.reindex(columns=[cols[k] for k in feat_idx]).to_numpy(dtype=float)
    out: list[list[dict[str, Any]]] = []
    for i in rows:
        reasons: list[dict[str, Any]] = []
        for ch in names:
            c = by_channel[ch][i]
            if c < MIN_CONTRIBUTION:
                continue
            if ch in OWN_CHANNELS:
                items = (look.records if ch == "records" else look.events).get(i, [])[:3]
                pieces = [(1.0 / len(items), r) for r in items] if items else []
            else:
                pieces = _paths(g, seeds, i, ch)
            reasons.extend({**r, "contribution": round(float(c * share), 3)} for share, r in pieces)
        for pos in np.argsort(-contrib[i, feat_idx])[:2]:
            k = feat_idx[pos]
            if contrib[i, k] >= MIN_CONTRIBUTION:
                reasons.append(
                    {
                        "type": "feature",
                        "name": cols[k],
                        "value": round(float(fvals[i, pos]), 3),
                        "contribution": round(float(contrib[i, k]), 3),
                    }
                )
        for name, term in extra.items():
            if term[i] >= MIN_CONTRIBUTION:
                reasons.append({"type": name, "contribution": round(float(term[i]), 3)})
        reasons = [r for r in reasons if r["contribution"] >= MIN_CONTRIBUTION]
        reasons.sort(key=lambda r: -r["contribution"])
        out.append(reasons[:max_reasons])
    return out


def own_part(contrib: np.ndarray, cols: list[str]) -> np.ndarray:
    """Sum of the contributions of the subject's own channels (records, events, own attributes)."""
    own = np.array(
        [
            channel_of(c) in OWN_CHANNELS
            or not c.startswith(
                ("pun_", "ppr", "pagerank", "deg_", "addr_", "phone_", "component", "aff_component")
            )
            for c in cols
        ]
    )
    return contrib[:, own].sum(axis=1)


def dumps(reasons: list[dict[str, Any]]) -> str:
    """top_reasons as it goes into risk_scores.csv: a compact JSON list (parse with `loads`)."""
    return json.dumps(reasons, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> list[dict[str, Any]]:
    return json.loads(text) if text else []
