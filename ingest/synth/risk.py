"""Latent risk and its propagation over time: who gets punished, when, and closures.

Model (documented in docs/synth.md): every firm has a hidden hazard (industry x kind x the latent
risk of its legal rep and shareholders x structure membership). Time runs in quarters from two
years before `start` (warm-up, not written) to `end`. A firm's punishment probability in a quarter
is 1 - exp(-base * hazard * (1 + kappa * excitation)), where excitation is the decayed count of
recent punishments of firms that share a person (any role) or a shareholding with it. That makes
'a firm whose legal rep's other firms were punished is more likely to be punished next' true by
construction, both through the shared hidden hazard and through explicit contagion.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .world import World

QUARTER = 91
_FIRM_KINDS = ("admin_penalty", "abnormal_operation", "dishonest_debtor", "serious_dishonesty")
_KIND_P = {"": (0.58, 0.31, 0.08, 0.03), "shell": (0.15, 0.62, 0.13, 0.10), "debtor": (0.35, 0.30, 0.30,
    0.05),
           "phoenix_old": (0.6, 0.2, 0.15, 0.05), "phoenix_new": (0.5, 0.3, 0.15, 0.05)}


def firm_adjacency(w: World) -> sp.csr_matrix:
    """Firm-firm links through a shared person (any role) or a direct shareholding."""
    nf, npers = len(w.f_uscc), len(w.p_id)
    ht = np.array(w.a_holder_type)
    holder = np.array(w.a_holder, dtype=np.int64)
    firm = np.array(w.a_firm, dtype=np.int64)
    is_p = ht == "person"
    inc = sp.csr_matrix((np.ones(is_p.sum()), (firm[is_p], holder[is_p])), shape=(nf, npers))
    inc.data[:] = 1.0
    deg = np.asarray(inc.sum(axis=0)).ravel()
    damp = sp.diags(1.0 / np.sqrt(np.maximum(deg, 1.0)))  # a person on 40 boards links weakly
    adj = (inc @ damp @ inc.T).tocsr()
    own = sp.csr_matrix((np.ones((~is_p).sum()), (firm[~is_p], holder[~is_p])), shape=(nf, nf))
    adj = adj + own + own.T
    adj.setdiag(0)
    adj.eliminate_zeros()
    adj.data = np.minimum(adj.data, 1.0)
    return adj


def people_risk(w: World) -> np.ndarray:
    """Per-firm multiplier from the hidden risk of its legal rep and of its other people."""
    nf = len(w.f_uscc)
    theta = np.array(w.p_theta)
    lr = theta[np.array(w.f_legal)]
    ht = np.array(w.a_holder_type)
    is_p = ht == "person"
    firm = np.array(w.a_firm)[is_p]
    th = theta[np.array(w.a_holder)[is_p]]
    tot = np.bincount(firm, weights=np.log(th), minlength=nf)
    cnt = np.bincount(firm, minlength=nf)
    others = np.exp(tot / np.maximum(cnt, 1))
    return np.power(lr, 1.2) * np.power(others, 0.8)


def simulate(w: World, rng: np.random.Generator, base: float = 0.0065, kappa: float = 2.0) -> None:
    """Append punishments (subject_type, index, kind, day) and close firms; records before `start`
    are only a warm-up for the excitation and are not kept."""
    nf = len(w.f_uscc)
    adj = firm_adjacency(w)
    hazard = np.array(w.f_hazard)
    hazard = np.power(hazard * people_risk(w), 0.75)  # compressed: few firms collect many records
    founded = np.array(w.f_founded)
    closed = np.array(w.f_closed)
    tags = np.array(w.f_tag)
    excite = np.zeros(nf)
    firm_hits = np.zeros(nf)
    abnormal_since = np.full(nf, -1)
    escalated = np.zeros(nf, dtype=bool)
    kinds = np.array(_FIRM_KINDS)
    probs = {t: np.cumsum(p) for t, p in _KIND_P.items()}
    # forced punishments planted by structures feed the excitation too
    forced_days: dict[int, list[int]] = {}
    for st, who, _kind, when in w.punishments:
        if st == "firm":
            forced_days.setdefault((when - (w.start - 730)) // QUARTER, []).append(who)
    t0 = w.start - 730
    kept: list[tuple[str, int, str, int]] = []
    for qi, q in enumerate(range(t0, w.end + 1, QUARTER)):
        q_end = min(q + QUARTER - 1, w.end)
        active = (founded <= q_end) & ((closed < 0) | (closed > q))
        span = (q_end - q + 1) / QUARTER  # the last quarter may be cut short by `end`
        rate = span * base * hazard * (1.0 + kappa * excite)
        hit = active & (rng.random(nf) < -np.expm1(-rate))
        idx = np.flatnonzero(hit)
        days = rng.integers(np.minimum(np.maximum(q, founded[idx] + 20), q_end),
                            q_end + 1) if idx.size else idx
        u = np.asarray(rng.random(idx.size))
        for j, f, day in zip(range(idx.size), idx.tolist(), np.asarray(days).tolist(), strict=True):
            if day > w.end:
                continue
            cum = probs.get(tags[f], probs[""])
            kind = str(kinds[int(np.searchsorted(cum, u[j] * cum[-1]))])
            if kind == "abnormal_operation":
                if abnormal_since[f] >= 0:
                    if day - abnormal_since[f] < 3 * 365 or escalated[f]:
                        continue  # already on the list: no second listing
                    kind = "serious_dishonesty"  # three years on the abnormal list escalates
                    escalated[f] = True
                else:
                    abnormal_since[f] = day
            if day >= w.start:
                kept.append(("firm", f, kind, int(day)))
        pulse = hit.astype(float)
        for f in forced_days.get(qi, []):
            pulse[f] = 1.0
        firm_hits += pulse
        excite = np.minimum(0.88 * excite + adj @ pulse, 4.0)  # capped: no runaway cascades
        # long-abnormal firms get their licence revoked; some firms simply close
        long_abn = active & (abnormal_since >= 0) & (q - abnormal_since > 2 * 365) & (closed < 0)
        revoke = long_abn & (rng.random(nf) < 0.06)
        close = active & (closed < 0) & (rng.random(nf) < 0.004)
        for f in np.flatnonzero(revoke | close).tolist():
            if q_end < w.end:
                closed[f] = q_end
                w.f_status[f] = "revoked" if revoke[f] else "cancelled"
    w.f_closed[:] = closed.tolist()
    _people(w, rng, firm_hits, kept)
    w.punishments.extend(p for p in kept)
    w.punishments.sort(key=lambda x: (x[3], x[0], x[1]))


def _people(w: World, rng: np.random.Generator, firm_hits: np.ndarray, kept: list) -> None:
    """Personal dishonest-debtor listings: latent personal risk plus the punishments of own firms."""
    npers = len(w.p_id)
    theta = np.array(w.p_theta)
    exposure = np.zeros(npers)
    np.add.at(exposure, np.array(w.f_legal), firm_hits)
    rate = 0.0007 * np.power(theta, 1.5) * (1.0 + 0.8 * exposure)
    years = (w.end - w.start) / 365.0
    hit = rng.random(npers) < -np.expm1(-rate * years)
    for p in np.flatnonzero(hit).tolist():
        kept.append(("person", p, "dishonest_debtor", int(rng.integers(w.start, w.end + 1))))
