"""Credit records about people published with a masked or missing resident ID: their own model.

An event's text may name nobody; a credit record always publishes its subject's name, so a
registered person with another name is evidence *against* the link, not the absence of evidence.
Each record is compared with its candidates on three comparisons (`CREDIT_PERSON_LEVELS`):

- name: the published name against the registered one (exact; a masked 王*国 agreeing with every
  visible character; a homophone or one-character slip; different);
- code: the visible digits of the masked ID (consistent; conflicting);
- region: the issuing authority's district against the person's regions (ID prefix, address,
  firms). When the mask shows the ID prefix and the candidate fits it, the prefix already carries
  the place, so region is left out (neutral) instead of counted twice.

Coincidence scales with the registry: u of an exact name is the share of registered people with
that name, u of a consistent code the share of people who fit the visible digits (at least
the registry's smoothed share of the visible prefix times that of the visible suffix), u of a
fitting masked name
the share who fit its visible characters (term-frequency u, Splink's tf adjustment); the other
levels' u come from random (record, person) pairs. A record has one subject: its candidates
compete with each other and with "no candidate is the subject" (the subject is not registered, or
registered but agreeing on nothing). With N registered people and P(subject registered) = 1 - π,

    P(candidate i) = (1-π)/N · LR_i / (π + (1-π)/N · Σ_j LR_j + (1-π) · LR_rest),

where LR = Π m/u over the comparisons and LR_rest is the Bayes factor of a person agreeing on
nothing (all the registered people that are not candidates). m and π are estimated by EM over this
one-subject mixture on the records themselves; the declared m are only a weak Dirichlet prior
(`PRIOR_PAIRS` pseudo-pairs).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import ModelError
from ingest.normalize import MaskedId
from resolution.features import RecordContext, region_level
from resolution.gazetteer import Gazetteer

FORMAT = "credgraph.credit_person_model"
NULL = -1
CREDIT_PERSON_LEVELS: dict[str, tuple[str, ...]] = {
    "name": ("different name", "homophone or one-character slip", "exact name"),
    "masked_name": ("visible characters differ", "visible characters agree"),
    "code": ("visible digits conflict", "visible digits consistent"),
    "region": ("other province", "other city in the province", "other district in the city", "same district"),
}
NAMES = tuple(CREDIT_PERSON_LEVELS)
# weak priors for m (what a true subject's published record looks like) and the share of
# subjects not registered; EM moves them with the data
DECLARED_M = {
    "name": [0.02, 0.03, 0.95],
    "masked_name": [0.02, 0.98],
    "code": [0.03, 0.97],
    "region": [0.05, 0.10, 0.25, 0.60],
}
DECLARED_UNREGISTERED = 0.2
PRIOR_PAIRS = 20.0
MASK_CHARS = "*×●某＊"
MAX_NAME_CANDIDATES = 300
_FLOOR = 1e-9


@dataclass(slots=True)
class CreditPairs:
    """Candidate pairs of a batch of records: record index, person index, levels, tf u per pair."""

    record: np.ndarray  # int, index into the contexts
    person: np.ndarray
    gamma: np.ndarray  # (n, 4) int8
    tf_u: np.ndarray  # (n, 4) float, NaN where the level's u applies
    has_code: np.ndarray  # per record: a mask with enough visible digits was published
    fit_count: np.ndarray  # per pair: registered people fitting the visible digits (0 = no mask)


def masked_name_fits(masked: str, name: str) -> bool:
    """王*国 / 王某国 / 王×国 as published: same length, every visible character agrees."""
    if len(masked) != len(name) or not any(c in MASK_CHARS for c in masked):
        return False
    return all(c in MASK_CHARS or c == n for c, n in zip(masked, name, strict=True))


def _slip(a: str, b: str) -> bool:
    """One character differs in a name of three or more characters (王建国 ~ 王健国)."""
    return len(a) == len(b) >= 3 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


class CreditPersonScorer:
    """Candidates, levels, EM fit and one-subject posteriors for masked person credit records."""

    def __init__(
        self,
        gz: Gazetteer,
        m: Sequence[Sequence[float]] | None = None,
        unregistered: float | None = None,
        level_u: Sequence[Sequence[float]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.gz = gz
        self.n = max(len(gz.persons), 1)
        self.m = [np.asarray(m[k] if m else DECLARED_M[c], dtype=np.float64) for k, c in enumerate(NAMES)]
        self.unregistered = float(DECLARED_UNREGISTERED if unregistered is None else unregistered)
        self.level_u = [np.asarray(x, dtype=np.float64) for x in level_u] if level_u else None
        self.metadata: dict[str, Any] = dict(metadata or {"fitted": "declared"})
        self._py: dict[str, tuple[int, ...]] | None = None
        shape: Counter[tuple[int, str, str]] = Counter()
        for p in gz.persons:
            if p.name:
                shape[(len(p.name), p.name[0], "")] += 1
                shape[(len(p.name), p.name[0], p.name[-1])] += 1
        self._shape = shape
        self._ends: dict[tuple[str, int], Counter[str]] = {}

    def _share(self, side: str, part: str) -> float:
        """Smoothed share of registered IDs that start (end) with `part`: (count + 1) / (N + D),
        D = distinct starts (for ends: 10^len, the sequence digits' possible values)."""
        key = (side, len(part))
        if key not in self._ends:
            ids = (p.person_id.upper() for p in self.gz.persons)
            self._ends[key] = Counter(i[: len(part)] if side == "start" else i[-len(part) :] for i in ids)
        counts = self._ends[key]
        room = len(counts) if side == "start" else 10 ** len(part)
        return (counts.get(part, 0) + 1) / (self.n + room)

    def code_u(self, mk: MaskedId, fitting: int) -> float:
        """Frequency of these visible digits among people (term-frequency u): the registry's share
        of people who fit them, or the smoothed share of the prefix times that of the suffix (the
        place part and the sequence part of an ID vary independently), whichever is larger, so a
        small registry does not take a value seen once for one in N."""
        pre, suf = mk.prefix, mk.suffix
        structural = (self._share("start", pre) if pre else 1.0) * self._share("end", suf)
        return max(fitting / self.n, structural)

    # ------------------------------------------------------------------ candidates and levels
    def _homophones(self, name: str) -> tuple[int, ...]:
        if self._py is None:
            self._py = dict(zip(self.gz.person_py_list, self.gz.person_py_hits, strict=True))
        return self._py.get(self.gz.coder.encode(name), ()) if len(name) >= 3 else ()

    def _mask_fits(self, mk: MaskedId | None) -> list[int]:
        if mk is None or mk.kind == "uscc" or len(mk.suffix) < 4:
            return []
        persons = self.gz.persons
        return [
            pi for pi in self.gz.person_by_last4.get(mk.suffix[-4:], ()) if mk.matches(persons[pi].person_id)
        ]

    def name_level(self, published: str, registered: str) -> tuple[int, int]:
        """(name level, masked_name level): a masked 王*国 is compared only by its visible characters."""
        if not published:
            return NULL, NULL
        if any(c in MASK_CHARS for c in published):
            return NULL, int(masked_name_fits(published, registered))
        if published == registered:
            return 2, NULL
        if _slip(published, registered) or (
            len(published) >= 2
            and len(published) == len(registered)
            and self.gz.coder.encode(published) == self.gz.coder.encode(registered)
        ):
            return 1, NULL
        return 0, NULL

    def name_tf(self, published: str, level: int, masked: int) -> float:
        """Share of registered people whose name agrees with the published one at this level."""
        if level == 2:
            return len(self.gz.person_names.get(published, ())) / self.n
        if masked == 1:
            vis = [i for i, c in enumerate(published) if c not in MASK_CHARS]
            if vis == [0]:
                return self._shape[(len(published), published[0], "")] / self.n
            if vis == [0, len(published) - 1]:
                return self._shape[(len(published), published[0], published[-1])] / self.n
        return float("nan")

    def pairs(self, contexts: Sequence[RecordContext]) -> CreditPairs:
        rec, per, rows, tfs, fits = [], [], [], [], []
        has_code = np.zeros(len(contexts), dtype=bool)
        persons = self.gz.persons
        for ri, ctx in enumerate(contexts):
            name = (ctx.text or "").strip()
            fitting = self._mask_fits(ctx.masked)
            k = len(fitting)
            has_code[ri] = (
                ctx.masked is not None and len(ctx.masked.suffix) >= 4 and ctx.masked.kind != "uscc"
            )
            cands = dict.fromkeys(fitting)
            if name and not any(c in MASK_CHARS for c in name):
                for pi in self.gz.person_names.get(name, ())[:MAX_NAME_CANDIDATES]:
                    cands.setdefault(pi)
                for pi in self._homophones(name)[:MAX_NAME_CANDIDATES]:
                    cands.setdefault(pi)
            prefix_shown = ctx.masked is not None and len(ctx.masked.prefix) >= 4
            for pi in cands:
                p = persons[pi]
                nl, ml = self.name_level(name, p.name)
                code = NULL if not has_code[ri] else (1 if pi in fitting else 0)
                region = (
                    NULL
                    if (code == 1 and prefix_shown)
                    else region_level(ctx.region_code, self.gz.person_regions[pi])
                )
                rec.append(ri)
                per.append(pi)
                rows.append((nl, ml, code, region))
                cu = self.code_u(ctx.masked, k) if code == 1 and ctx.masked is not None else np.nan
                tf_name = self.name_tf(name, nl, ml)
                tfs.append((np.nan, tf_name, cu, np.nan) if ml == 1 else (tf_name, np.nan, cu, np.nan))
                fits.append(k)
        return CreditPairs(
            np.asarray(rec, dtype=np.int64),
            np.asarray(per, dtype=np.int64),
            np.asarray(rows, dtype=np.int8).reshape(-1, len(NAMES)),
            np.asarray(tfs, dtype=np.float64).reshape(-1, len(NAMES)),
            has_code,
            np.asarray(fits, dtype=np.int64),
        )

    # ------------------------------------------------------------------ u from the registry
    def estimate_level_u(
        self, contexts: Sequence[RecordContext], n_pairs: int = 20_000, seed: int = 0
    ) -> None:
        """u per level from random (record, registered person) pairs: how often each level occurs
        when the person is not the subject (tf u replaces it where a value's frequency is known)."""
        rng = random.Random(seed)
        counts = [np.full(len(CREDIT_PERSON_LEVELS[c]), 0.5) for c in NAMES]
        if contexts and self.gz.persons:
            for _ in range(n_pairs):
                ctx = contexts[rng.randrange(len(contexts))]
                pi = rng.randrange(len(self.gz.persons))
                p = self.gz.persons[pi]
                nl, ml = self.name_level((ctx.text or "").strip(), p.name)
                if nl >= 0:
                    counts[0][nl] += 1
                if ml >= 0:
                    counts[1][ml] += 1
                if ctx.masked is not None and len(ctx.masked.suffix) >= 4 and ctx.masked.kind != "uscc":
                    counts[2][1 if ctx.masked.matches(p.person_id) else 0] += 1
                rl = region_level(ctx.region_code, self.gz.person_regions[pi])
                if rl >= 0:
                    counts[3][rl] += 1
        # a level no random pair reached (no one registered in another province) gets the declared
        # m as its u: neutral unless the records themselves say otherwise, never a +11 by accident
        self.level_u = [
            np.where(c > 0.5, c / c.sum(), np.asarray(DECLARED_M[name]))
            for c, name in zip(counts, NAMES, strict=True)
        ]

    # ------------------------------------------------------------------ scoring
    def _u(self, cp: CreditPairs) -> np.ndarray:
        assert self.level_u is not None
        u = np.ones(cp.gamma.shape, dtype=np.float64)
        for k in range(len(NAMES)):
            g = cp.gamma[:, k]
            table = np.append(self.level_u[k], 1.0)
            u[:, k] = table[g]
            tf = cp.tf_u[:, k]
            use = ~np.isnan(tf) & (g >= 0)
            u[use, k] = np.maximum(tf[use], _FLOOR)
        return u

    def log2_factors(self, cp: CreditPairs) -> np.ndarray:
        """log2 Bayes factor per pair and comparison (null level: 0)."""
        u = self._u(cp)
        out = np.zeros(cp.gamma.shape, dtype=np.float64)
        for k in range(len(NAMES)):
            g = cp.gamma[:, k]
            m = np.append(self.m[k], 1.0)[g]
            out[:, k] = np.where(g >= 0, np.log2(np.maximum(m, _FLOOR) / np.maximum(u[:, k], _FLOOR)), 0.0)
        return out

    def _rest_factor(self, has_code: np.ndarray) -> np.ndarray:
        """Bayes factor of a registered person agreeing on nothing (different name, conflicting code)."""
        assert self.level_u is not None
        name0 = max(self.m[k][0] / max(self.level_u[k][0], _FLOOR) for k in (0, 1))
        code0 = self.m[2][0] / max(self.level_u[2][0], _FLOOR)
        return name0 * np.where(has_code, code0, 1.0)

    def posteriors(self, cp: CreditPairs, n_records: int) -> tuple[np.ndarray, np.ndarray]:
        """P(candidate is the subject) per pair and P(no candidate is) per record."""
        lr = np.exp2(np.clip(self.log2_factors(cp).sum(axis=1), -1000, 1000))
        pi0 = self.unregistered
        w = (1 - pi0) / self.n * lr
        z = (
            pi0
            + (1 - pi0) * self._rest_factor(cp.has_code)
            + np.bincount(cp.record, weights=w, minlength=n_records)
        )
        return w / z[cp.record], (pi0 + (1 - pi0) * self._rest_factor(cp.has_code)) / z

    def fit(self, contexts: Sequence[RecordContext], max_iter: int = 100, tol: float = 1e-6) -> None:
        """u from the registry, then m and P(subject not registered) by EM over the one-subject
        mixture; the declared m weigh `PRIOR_PAIRS` pseudo-pairs."""
        if self.level_u is None:
            self.estimate_level_u(contexts)
        cp = self.pairs(contexts)
        n_rec = len(contexts)
        if n_rec < 20 or len(cp.gamma) == 0:
            self.metadata = {"fitted": "declared", "records": n_rec}
            return
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007 - reported
            post, none = self.posteriors(cp, n_rec)
            old = [x.copy() for x in self.m] + [np.array([self.unregistered])]
            for k, c in enumerate(NAMES):
                g = cp.gamma[:, k]
                seen = g >= 0
                counts = np.bincount(g[seen], weights=post[seen], minlength=len(self.m[k]))
                prior = PRIOR_PAIRS * np.asarray(DECLARED_M[c])
                self.m[k] = (counts + prior) / (counts + prior).sum()
            # P(no candidate is the subject), with the registered-but-agreeing-on-nothing share
            # of that mass taken back out
            rest = (1 - self.unregistered) * self._rest_factor(cp.has_code)
            share = self.unregistered / (self.unregistered + rest)
            self.unregistered = float(np.clip((none * share).mean(), 1e-4, 0.99))
            new = [*self.m, np.array([self.unregistered])]
            if max(float(np.max(np.abs(a - b))) for a, b in zip(old, new, strict=True)) < tol:
                break
        self.metadata = {
            "fitted": "em",
            "em_iterations": it,
            "records": n_rec,
            "candidate_pairs": len(cp.gamma),
            "registered_persons": self.n,
        }

    # ------------------------------------------------------------------ tables and files
    def weights_table(self) -> list[dict[str, Any]]:
        """Per comparison and level: m, u (level u; tf levels say so) and log2 Bayes factor."""
        return weights_rows(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "m": [x.tolist() for x in self.m],
            "unregistered": self.unregistered,
            "level_u": [x.tolist() for x in self.level_u] if self.level_u is not None else None,
            "levels": CREDIT_PERSON_LEVELS,
            "metadata": self.metadata,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, gz: Gazetteer) -> CreditPersonScorer:
        try:
            d = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read {path}: {exc}") from exc
        if d.get("format") != FORMAT:
            raise ModelError(f"{path} is not a {FORMAT} file")
        return cls(gz, d["m"], d["unregistered"], d.get("level_u"), d.get("metadata"))


def weights_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a saved credit model (`to_dict`): model, comparison, level, m, u, log2_bf, tf."""
    tf_levels = {("name", 2), ("masked_name", 1), ("code", 1)}
    out: list[dict[str, Any]] = []
    level_u = d.get("level_u") or [[float("nan")] * len(v) for v in CREDIT_PERSON_LEVELS.values()]
    for k, (c, labels) in enumerate(d.get("levels", CREDIT_PERSON_LEVELS).items()):
        for lv, label in enumerate(labels):
            m, u = float(d["m"][k][lv]), float(level_u[k][lv])
            bf = float(np.log2(max(m, _FLOOR) / max(u, _FLOOR))) if u == u else float("nan")
            out.append(
                {
                    "model": "credit_person",
                    "comparison": c,
                    "level": label,
                    "m": m,
                    "u": u,
                    "log2_bf": bf,
                    "tf": (c, lv) in tf_levels,
                }
            )
    return out
