"""Reasons a person can check: which records and which related parties drove a subject's score.

Attribution of the boosted part is TreeSHAP (LightGBM `pred_contrib`) of the final model, in logit
units. Each feature's contribution is split over the concrete items behind it (gnn.explain_items)
in proportion to how much each item adds to that feature: own punitive records, resolved events,
punished parties reached through people and firms or a shared address / phone, and, for profile
features, the registry facts behind them (roles held, shared contacts, the registration). The GNN's
share is attributed by exact occlusion to the neighbours it came through (gnn.explain_gnn), never
reported as one lump. A bare feature value is never a reason: features with no item behind them
(is_person, PageRank, component sizes) are left out.

Order of a subject's list: (1) its own active punitive records resting on a document number, always
first (the strongest three; further ones compete by contribution with (2)); (2) other signals
(records without a number, events, related parties) by contribution; (3) profile facts; (4) expired
or repaired records, flagged as history (never grounds). Every reason carries `dimension`
(gnn.dimensions), `grounded` (an active record with a document number, or a party that has one) and
`signal` (grounded / soft / model / profile / history).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from gnn.explain_items import (
    Item,
    ItemIndex,
    Ties,
    item_index,
    party_items,
    party_reason,
    path_text,
    profile_items,
)
from gnn.snapshots import Snapshot
from graph.features_cut import PUNITIVE
from graph.model import AFFILIATION_RELS, NodeLabel

MIN_CONTRIBUTION = 0.01  # logit units; smaller pieces are noise, not reasons
GROUNDED_FIRST = 3  # own active grounded records always at the head of the list (the strongest first)
RELATED_PREFIXES = ("pun_", "ppr_punished")
PROFILE_COLS = ("addr_cluster", "phone_cluster", "deg_", "firm_age_days", "firm_kind_", "firm_capital_log")
CHANNELS = ("records", "events", "related", "profile")
_TIER = {"record": 1, "event": 1, "related": 1, "shared_contact": 2, "roles": 2, "registry": 2, "history": 3}


def channel_of(col: str) -> str:
    """records | events | related | profile | none: which items a feature column is split over."""
    if col.startswith(("own_punitive", "own_fine", "own_days", "own_any")) or col[4:] in PUNITIVE:
        return "records"
    if col.startswith("ev_"):
        return "events"
    if col.startswith(RELATED_PREFIXES):
        return "related"
    if col.startswith(PROFILE_COLS):
        return "profile"
    return "none"


def _weight_key(col: str) -> str:
    if col.startswith("ev_cat_"):
        return "ev_cat"
    return "firm_kind" if col.startswith("firm_kind_") else col


def _split(items: list[Item], c: np.ndarray, keys: list[str]) -> None:
    """Set each item's `contribution`: every feature's contribution c[f] shared by the items' weights."""
    nz = np.flatnonzero(c)
    w = np.array([[it.weights.get(keys[f], 0.0) for f in nz] for it in items], dtype=float).reshape(
        len(items), -1
    )
    total = w.sum(axis=0)
    share = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    for it, v in zip(items, share @ c[nz], strict=True):
        it.reason["contribution"] = it.reason.get("contribution", 0.0) + float(v)


def _grounded_up_front(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sorted reasons with at most GROUNDED_FIRST grounded records ahead of everything else: the
    others compete by contribution, so a party that drove the score is not pushed off the list."""
    ahead = [r for r in reasons if _tier(r) == 0][:GROUNDED_FIRST]
    rest = [r for r in reasons if not any(r is a for a in ahead)]
    rest.sort(key=lambda r: (max(_tier(r), 1), -r.get("contribution", 0.0)))
    return ahead + rest


def _signal(r: dict[str, Any]) -> bool:
    return _tier(r) == 0 or (_tier(r) == 1 and r.get("contribution", 0.0) >= MIN_CONTRIBUTION)


def _tier(r: dict[str, Any]) -> int:
    if r["type"] == "record" and r.get("grounded"):
        return 0
    return _TIER.get(r["type"], 2)


class Explainer:
    """Builds every subject's reasons from one snapshot (shared lookups built once)."""

    def __init__(self, snap: Snapshot, index: ItemIndex | None = None) -> None:
        self.snap = snap
        self.g = g = snap.features.graph
        self.seeds = snap.features.seeds
        self.index = index or item_index(snap)
        self.ties = Ties(g)
        self.transposed = {"addr": g.addr.T.tocsr(), "phone": g.phone.T.tocsr()}
        for rel in sorted(AFFILIATION_RELS):
            self.transposed[f"role_{rel}"] = g.roles[rel].T.tocsr()
        frame = snap.features.frame
        days = frame["own_days_since_punitive"].to_numpy(dtype=float)
        self.fresh = np.where(self.seeds > 0, 1.0 / (1.0 + np.maximum(days, 0.0) / 365.0), 0.0)
        self.profile_cols = [c for c in frame.columns if channel_of(str(c)) == "profile"]
        self.profile_vals = frame[self.profile_cols].to_numpy(dtype=float)
        self.any_seeds = bool(self.seeds.sum() > 0)
        related = [
            c for c in ("pun_1hop_n", "pun_2hop_n", "pun_shared_addr", "pun_shared_phone") if c in frame
        ]
        self.has_related = frame[related].to_numpy(dtype=float).sum(axis=1) > 0
        self.capital = np.full(g.n, np.nan)
        firms = snap.cut.nodes.get(NodeLabel.FIRM)
        if firms is not None and len(firms) and "registered_capital_wan" in firms.columns:
            cap = pd.to_numeric(firms.set_index("key")["registered_capital_wan"], errors="coerce")
            self.capital[: g.n_firms] = np.log1p(cap.reindex(g.keys[: g.n_firms]).to_numpy(dtype=float))

    # ---- items per channel -------------------------------------------------------------------------
    def _items(self, ch: str, i: int) -> list[Item]:
        if ch == "records":
            src = self.index.records.get(i, []) + self.index.history.get(i, [])
        elif ch == "events":
            src = self.index.events.get(i, [])
        elif ch == "related":
            return party_items(self.g, self.seeds, self.index, i, self.transposed, self.fresh)
        else:
            row = dict(zip(self.profile_cols, self.profile_vals[i].tolist(), strict=True))
            return profile_items(self.g, i, row, self.snap.as_of, self.transposed, self.capital)
        return [Item(dict(it.reason), it.weights) for it in src]

    def _path_spec(self, i: int, j: int) -> tuple[tuple, int]:
        """The shortest stored path from subject i to subject j (1 or 2 ties, or a shared contact)."""
        g = self.g
        if (min(i, j), max(i, j)) in self.ties.best:
            return ("hop1", i, j), 1
        ri = set(g.W.indices[g.W.indptr[i] : g.W.indptr[i + 1]].tolist())
        for m in g.W.indices[g.W.indptr[j] : g.W.indptr[j + 1]].tolist():
            if m in ri:
                return ("hop2", i, m, j), 2
        for name, inc, keys in (("address", g.addr, g.addr_keys), ("phone", g.phone, g.phone_keys)):
            shared = set(inc[i].indices.tolist()) & set(inc[j].indices.tolist())
            if shared:
                return ("via", name, str(keys[min(shared)])), 1
        return ("none",), 2

    def _merge_gnn(self, i: int, reasons: list[dict[str, Any]], parts: list[tuple[str, str, float]]) -> None:
        """Add the GNN's occlusion effects to the party or contact they name (new reasons where none)."""
        by_party = {r["party"]: r for r in reasons if r["type"] == "related"}
        by_key = {(r["via"], r["key"]): r for r in reasons if r["type"] == "shared_contact"}
        for node_type, key, delta in parts:
            if node_type in ("firm", "person"):
                label = str(NodeLabel.FIRM) if node_type == "firm" else str(NodeLabel.PERSON)
                party = f"{label}:{key}"
                r = by_party.get(party)
                if r is None:
                    j = self.g.index.get((label, key))
                    if j is None:
                        continue
                    spec, hops = self._path_spec(i, j)
                    r = party_reason(self.g, self.index, j, hops, spec)
                    r["contribution"] = 0.0
                    reasons.append(r)
                    by_party[party] = r
            else:
                via = "address" if node_type == "address" else "phone"
                r = by_key.get((via, key))
                if r is None:
                    r = {
                        "type": "shared_contact",
                        "via": via,
                        "key": key,
                        "grounded": False,
                        "signal": "model",
                        "dimension": "related_parties",
                        "contribution": 0.0,
                    }
                    reasons.append(r)
                    by_key[(via, key)] = r
            r["contribution"] = r.get("contribution", 0.0) + delta
            r["gnn_contribution"] = round(r.get("gnn_contribution", 0.0) + delta, 3)

    # ---- one subject -------------------------------------------------------------------------------
    def attributed(
        self,
        i: int,
        contrib: np.ndarray,
        ch_idx: dict[str, np.ndarray],
        ch_keys: dict[str, list[str]],
        max_reasons: int,
        gnn_parts: list[tuple[str, str, float]] | None = None,
    ) -> list[dict[str, Any]]:
        reasons: list[dict[str, Any]] = []
        for ch in CHANNELS:
            c = contrib[ch_idx[ch]]
            if ch != "records" and np.abs(c).sum() < MIN_CONTRIBUTION:
                continue
            if ch == "profile" and any(_signal(r) for r in reasons):
                continue  # registry facts explain a score only where no record, event or party does
            items = self._items(ch, i)
            if not items:
                continue
            _split(items, c, ch_keys[ch])
            reasons.extend(it.reason for it in items)
        if gnn_parts:
            self._merge_gnn(i, reasons, gnn_parts)
        keep = [r for r in reasons if _tier(r) == 0 or r.get("contribution", 0.0) >= MIN_CONTRIBUTION]
        if any("gnn_contribution" in r for r in keep):
            # a party the GNN's occlusion names explains the score: registry facts step back. Only
            # then: whether occlusion reached this subject depends on a wall-clock budget, and a
            # subject whose occlusion named nobody keeps the reasons it would have had without it
            keep = [r for r in keep if r.get("signal") != "profile"]
        if not any(_tier(r) < 2 for r in keep):  # no signal passed: the subject's plain signals, if any
            plain = self.plain(i, max_reasons)
            if plain:
                return plain
            keep = sorted((r for r in reasons if _tier(r) == 2), key=lambda r: -r.get("contribution", 0.0))[
                :1
            ]
        keep.sort(key=lambda r: (_tier(r), -r.get("contribution", 0.0)))
        return self._finish(_grounded_up_front(keep)[:max_reasons])

    def has_signal(self) -> np.ndarray:
        """Subjects with anything to show: own records (active or history), events, punished parties."""
        out = self.has_related.copy()
        for src in (self.index.records, self.index.events, self.index.history):
            out[list(src)] = True
        return out

    def plain(self, i: int, max_reasons: int, profile: bool = False) -> list[dict[str, Any]]:
        """Reasons without attribution: own active records (grounded first), punished parties, events,
        then expired records as history; with `profile`, registry facts for a subject with none of
        those (a subject scored above the base rate); else [] for a subject with no signal at all."""
        records = [dict(it.reason) for it in self.index.records.get(i, [])]
        out = records[:GROUNDED_FIRST]
        if self.any_seeds and self.has_related[i]:
            parties = party_items(self.g, self.seeds, self.index, i, self.transposed, self.fresh)
            parties.sort(key=lambda it: (it.reason["hops"], -sum(it.weights.values())))
            out += [it.reason for it in parties[: max(1, (max_reasons - len(out)) // 2)]]
        out += records[GROUNDED_FIRST:]
        for src in (self.index.events, self.index.history):
            room = max_reasons - len(out)
            if room > 0:
                out += [dict(it.reason) for it in src.get(i, [])[:room]]
        if not out and profile:
            out = [dict(it.reason) for it in self._items("profile", i)[:max_reasons]]
        return self._finish(out[:max_reasons])

    def _finish(self, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in reasons:
            if "contribution" in r:
                r["contribution"] = round(float(r["contribution"]), 3)
            if "_path" in r:
                spec = r.pop("_path")
                if spec[0] != "none":
                    r["path"] = path_text(self.ties, spec)
        return reasons


def explain_subjects(
    snap: Snapshot,
    contrib: np.ndarray,
    cols: list[str],
    max_reasons: int,
    rows: np.ndarray,
    gnn_parts: dict[int, list[tuple[str, str, float]]] | None = None,
    explainer: Explainer | None = None,
) -> list[list[dict[str, Any]]]:
    """Attributed reasons for `rows` of snap.features.frame; `contrib` is (len(rows), len(cols)) in
    final-logit units; `gnn_parts` maps a row to the GNN's occlusion effects (node type, key, logit)."""
    ex = explainer or Explainer(snap)
    channels = np.array([channel_of(c) for c in cols])
    ch_idx = {c: np.flatnonzero(channels == c) for c in CHANNELS}
    ch_keys = {c: [_weight_key(cols[k]) for k in ix] for c, ix in ch_idx.items()}
    gnn_parts = gnn_parts or {}
    return [
        ex.attributed(int(i), contrib[k], ch_idx, ch_keys, max_reasons, gnn_parts.get(int(i)))
        for k, i in enumerate(rows)
    ]


def plain_reasons(
    snap: Snapshot,
    max_reasons: int,
    rows: np.ndarray,
    explainer: Explainer | None = None,
    profile: np.ndarray | None = None,
) -> list[list[dict[str, Any]]]:
    """Unattributed reasons for `rows` (see Explainer.plain); `profile[k]` asks for registry facts
    when row k has no signal."""
    ex = explainer or Explainer(snap)
    flags = np.zeros(len(rows), dtype=bool) if profile is None else profile
    return [ex.plain(int(i), max_reasons, bool(p)) for i, p in zip(rows, flags, strict=True)]


def dumps(reasons: list[dict[str, Any]]) -> str:
    """top_reasons as it goes into risk_scores.csv: a compact JSON list (parse with `loads`)."""
    return json.dumps(reasons, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> list[dict[str, Any]]:
    return json.loads(text) if text else []
