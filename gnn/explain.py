"""Reasons a person can check: which records and which related parties drove a subject's score.

Attribution is TreeSHAP (LightGBM `pred_contrib`) of the final model, in logit units. Each
feature's contribution is split over the concrete items behind it (gnn.explain_items) in proportion
to how much each item adds to that feature: own punitive records (grounded when they carry a
document_no), resolved events (always soft signals), punished parties reached through people and
firms (role, share, the person in between) or a shared address / phone. What cannot be traced to an
item (age, degrees, cluster sizes) stays a named feature. tests/gnn checks by perturbation that
removing the top reason lowers the score more than removing a random one.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from gnn.explain_items import Item, ItemIndex, Ties, item_index, party_items, path_text
from gnn.snapshots import Snapshot
from graph.features_cut import PUNITIVE

MIN_CONTRIBUTION = 0.01  # logit units; smaller pieces are noise, not reasons
RELATED_PREFIXES = ("pun_", "ppr_punished")


def channel_of(col: str) -> str:
    """records | events | related | feature: which kind of item a feature column is split over."""
    if col.startswith(("own_punitive", "own_fine", "own_days", "own_any")) or col[4:] in PUNITIVE:
        return "records"
    if col.startswith("ev_"):
        return "events"
    if col.startswith(RELATED_PREFIXES):
        return "related"
    return "feature"


def _weight_key(col: str) -> str:
    return "ev_cat" if col.startswith("ev_cat_") else col


def _split(items: list[Item], c: np.ndarray, keys: list[str]) -> None:
    """Set each item's `contribution`: every feature's contribution c[f] shared by the items' weights."""
    nz = np.flatnonzero(c)
    w = np.array([[it.weights.get(keys[f], 0.0) for f in nz] for it in items], dtype=float).reshape(
        len(items), -1
    )
    total = w.sum(axis=0)
    share = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    for it, v in zip(items, share @ c[nz], strict=True):
        it.reason["contribution"] = float(v)


def explain_subjects(
    snap: Snapshot,
    contrib: np.ndarray,
    cols: list[str],
    extra: dict[str, np.ndarray],
    max_reasons: int,
    rows: np.ndarray | None = None,
    index: ItemIndex | None = None,
) -> list[list[dict[str, Any]]]:
    """Reasons per subject (rows of snap.features.frame), largest contribution first.

    `contrib` is (n, len(cols)) in logit units of the final score; `extra` adds named terms that are
    not features (e.g. the GNN's neighbourhood term), reported as they are.
    """
    g, seeds = snap.features.graph, snap.features.seeds
    index = index or item_index(snap)
    ties = Ties(g)
    transposed = {"addr": g.addr.T.tocsr(), "phone": g.phone.T.tocsr()}
    channels = np.array([channel_of(c) for c in cols])
    ch_idx = {c: np.flatnonzero(channels == c) for c in ("records", "events", "related", "feature")}
    ch_sum = {c: np.abs(contrib[:, ix]).sum(axis=1) for c, ix in ch_idx.items()}
    ch_keys = {c: [_weight_key(cols[k]) for k in ix] for c, ix in ch_idx.items()}
    fvals = snap.features.frame.reindex(columns=[cols[k] for k in ch_idx["feature"]]).to_numpy(dtype=float)
    out: list[list[dict[str, Any]]] = []
    for i in range(g.n) if rows is None else (int(r) for r in rows):
        reasons: list[dict[str, Any]] = []
        for ch in ("records", "events", "related"):
            if ch_sum[ch][i] < MIN_CONTRIBUTION:
                continue
            if ch == "records":
                items = index.records.get(i, [])
            elif ch == "events":
                items = index.events.get(i, [])
            else:
                items = party_items(g, seeds, index.recent_party, i, transposed)
            if not items:
                continue
            items = [Item(dict(it.reason), it.weights) for it in items]
            _split(items, contrib[i, ch_idx[ch]], ch_keys[ch])
            reasons.extend(it.reason for it in items)
        feat = ch_idx["feature"]
        for pos in np.argsort(-contrib[i, feat])[:2]:
            k = feat[pos]
            reasons.append(
                {
                    "type": "feature",
                    "name": cols[k],
                    "value": round(float(fvals[i, pos]), 3),
                    "contribution": float(contrib[i, k]),
                }
            )
        for name, term in extra.items():
            reasons.append({"type": name, "contribution": float(term[i])})
        reasons = [r for r in reasons if r["contribution"] >= MIN_CONTRIBUTION]
        reasons.sort(key=lambda r: -r["contribution"])
        reasons = reasons[:max_reasons]
        for r in reasons:
            r["contribution"] = round(r["contribution"], 3)
            if "_path" in r:
                r["path"] = path_text(ties, r.pop("_path"))
        out.append(reasons)
    return out


def plain_reasons(
    snap: Snapshot, max_reasons: int, index: ItemIndex | None = None
) -> list[list[dict[str, Any]]]:
    """Reasons without attribution: each subject's own active punitive records, then its events."""
    index = index or item_index(snap)
    out: list[list[dict[str, Any]]] = [[] for _ in range(snap.features.graph.n)]
    for source in (index.records, index.events):
        for i, items in source.items():
            room = max_reasons - len(out[i])
            out[i].extend(dict(it.reason) for it in items[:room])
    return out


def own_part(contrib: np.ndarray, cols: list[str]) -> np.ndarray:
    """Contribution of the subject's own records, events and attributes (everything not relational)."""
    relational = ("pun_", "ppr", "pagerank", "deg_", "addr_", "phone_", "component", "aff_component")
    own = np.array([not c.startswith(relational) for c in cols])
    return contrib[:, own].sum(axis=1)


def dumps(reasons: list[dict[str, Any]]) -> str:
    """top_reasons as it goes into risk_scores.csv: a compact JSON list (parse with `loads`)."""
    return json.dumps(reasons, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> list[dict[str, Any]]:
    return json.loads(text) if text else []
