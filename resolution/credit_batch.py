"""Scoring masked person credit records with their own model (`credit_model`): pairs, one-subject
posteriors, thresholds, evidence, steward verdicts; the rows look like every other link's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from resolution.batch import ScoredPair, apply_steward
from resolution.credit_model import CREDIT_PERSON_LEVELS, NAMES, CreditPersonScorer
from resolution.features import RecordContext
from resolution.links import Decision
from resolution.thresholds import decide_many

if TYPE_CHECKING:
    from resolution.resolver import Resolver


def is_credit_person(ctx: RecordContext) -> bool:
    """A credit record about a person that needs resolution: scored by the credit model."""
    return ctx.source == "credit_records" and ctx.subject_type == "person"


def _evidence(
    scorer: CreditPersonScorer,
    row: np.ndarray,
    factors: np.ndarray,
    fit_count: int,
    name_count: int,
    none: float,
    n_others: int,
) -> str:
    parts = []
    for k, c in enumerate(NAMES):
        lv = int(row[k])
        if lv < 0:
            continue
        label = CREDIT_PERSON_LEVELS[c][lv]
        if c == "code" and lv == 1:
            label += f" (fit {fit_count} of {scorer.n:,} registered)"
        if c == "name" and lv == 2:
            label += f" (shared by {name_count} registered)"
        parts.append(f"{c}: {label} {factors[k]:+.1f}")
    parts.append(f"P(subject not registered) prior {scorer.unregistered:.3f}")
    parts.append(f"one subject: none of the candidates {none:.3f}, {n_others} other candidate(s)")
    return "; ".join(parts)


def score_credit_persons(
    resolver: Resolver, contexts: Sequence[RecordContext], steward: bool = True
) -> list[ScoredPair]:
    """Scored pairs of these credit records (all `is_credit_person`), steward verdicts applied."""
    scorer = resolver.credit_scorer(contexts)
    cfg = resolver.config
    cp = scorer.pairs(contexts)
    out: list[ScoredPair] = []
    if len(cp.gamma):
        post, none = scorer.posteriors(cp, len(contexts))
        factors = scorer.log2_factors(cp)
        decisions = decide_many(post, cfg.auto_threshold, cfg.review_threshold)
        per_record = np.bincount(cp.record, minlength=len(contexts))
        gz = resolver.gz
        for i in range(len(cp.gamma)):
            ctx = contexts[int(cp.record[i])]
            pi = int(cp.person[i])
            p = gz.persons[pi]
            sp = ScoredPair(
                ctx.source,
                ctx.record_id,
                "person",
                pi,
                p.person_id,
                float(post[i]),
                Decision(decisions[i]),
                [],
                ctx.text,
                resolver,
            )
            if sp.decision is not Decision.REJECTED or sp.score >= cfg.keep_floor:
                sp.explained = _evidence(
                    scorer,
                    cp.gamma[i],
                    factors[i],
                    int(cp.fit_count[i]),
                    len(gz.person_names.get(ctx.text, ())),
                    float(none[int(cp.record[i])]),
                    int(per_record[int(cp.record[i])]) - 1,
                )
            out.append(sp)
    if steward and len(resolver.decisions):
        out = apply_steward(resolver, contexts, out)
    return out
