"""Scoring a batch of records: the hot loop of resolution.

Mentions and level rows are built per record (dict lookups), then every pair of the batch is
scored in one numpy call per entity type. Decisions follow: thresholds, then competition (two
people of one name both looking right is a review, not two links), then steward verdicts, which
always win. Evidence text is only built for pairs that are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ingest.records import SubjectType
from resolution.caps import apply_caps
from resolution.decisions import DecisionRecord, Verdict
from resolution.features import RecordContext, build_pairs
from resolution.links import Decision, Link, LinkSource
from resolution.mentions import extract
from resolution.thresholds import decide, decide_many

if TYPE_CHECKING:
    from resolution.gazetteer import Gazetteer
    from resolution.resolver import Candidate, Resolver


def _weight_size(c: dict[str, object]) -> float:
    w = c["log2_weight"]
    return -abs(w) if isinstance(w, int | float) else 0.0


@dataclass(slots=True)
class ScoredPair:
    source: str
    record_id: str
    entity_type: str
    entity_idx: int
    entity_id: str
    score: float
    decision: Decision
    row: list[int]
    mention: str
    resolver: Resolver
    steward: DecisionRecord | None = None
    competitor: str | None = None
    cap: str | None = None  # why resolution.caps held or rejected the pair
    explained: str | None = None  # evidence written by a model of its own (credit records)

    def contributions(self) -> list[dict[str, object]]:
        """The waterfall as data; level patterns repeat, so each is explained once per resolver."""
        key = (self.entity_type, tuple(self.row))
        cache = self.resolver._explained
        if key not in cache:
            model = self.resolver.models[self.entity_type]
            cache[key] = [
                {
                    "name": c.name,
                    "level": c.level_label,
                    "log2_weight": round(c.log2_weight, 3),
                    "bayes_factor": round(c.bayes_factor, 4),
                }
                for c in model.explain(np.asarray(self.row, dtype=np.int8))
            ]
        return [dict(c) for c in cache[key]]

    def entity_name(self) -> str:
        gz = self.resolver.gz
        if self.entity_type == "firm":
            return gz.firms[self.entity_idx].name if self.entity_idx >= 0 else self.entity_id
        return gz.persons[self.entity_idx].name if self.entity_idx >= 0 else self.entity_id

    def evidence(self) -> str:
        """mention ~ candidate; the largest contributions; total → probability; overrides."""
        head = f"mention {self.mention} ~ {self.entity_name()}"
        if self.explained is not None:
            parts = [self.explained]
        elif self.entity_idx < 0 or not self.row:
            parts = []
        else:
            contrib = [c for c in self.contributions() if c["log2_weight"] != 0.0]
            prior = next((c for c in contrib if c["name"] == "prior"), None)
            rest = sorted((c for c in contrib if c["name"] != "prior"), key=_weight_size)
            parts = [f"{c['name']}: {c['level']} {c['log2_weight']:+.1f}" for c in rest[:6]]
            if prior is not None:
                parts.append(f"prior {prior['log2_weight']:+.1f}")
        text = "; ".join([head, *parts]) + f" → {self.score:.3f}"
        if self.competitor:
            text += (
                f"; {self.competitor}"
                if self.competitor.startswith("explained")
                else f"; competes with {self.competitor}"
            )
        if self.cap:
            text += f"; {self.cap}"
        if self.steward is not None:
            verb = "confirmed" if self.steward.verdict is Verdict.MATCH else "rejected"
            text += f"; {verb} by steward {self.steward.who} on {self.steward.decided_at.date().isoformat()}"
        return text

    def to_link(self, version: str) -> Link:
        return Link(
            LinkSource(self.source),
            self.record_id,
            SubjectType(self.entity_type),
            self.entity_id,
            float(round(self.score, 6)),
            self.decision,
            self.evidence(),
            version,
        )

    def to_candidate(self, gz: Gazetteer) -> Candidate:
        from resolution.resolver import Candidate

        return Candidate(
            self.entity_type,
            self.entity_id,
            self.entity_name(),
            float(self.score),
            self.decision,
            self.evidence(),
            self.contributions() if self.row else [],
            self.mention,
        )


def score_batch(
    resolver: Resolver, contexts: Sequence[RecordContext], steward: bool = True
) -> list[ScoredPair]:
    gz, cfg = resolver.gz, resolver.config
    rows: dict[str, list[list[int]]] = {"firm": [], "person": []}
    meta: dict[str, list[tuple[int, int, str]]] = {"firm": [], "person": []}
    for ci, ctx in enumerate(contexts):
        pr = build_pairs(ctx, extract(ctx.text, gz, ctx.location), gz)
        rows["firm"].extend(pr.firm_rows)
        meta["firm"].extend((ci, fi, note) for fi, note in zip(pr.firm_idx, pr.firm_notes, strict=True))
        rows["person"].extend(pr.person_rows)
        meta["person"].extend((ci, pi, note) for pi, note in zip(pr.person_idx, pr.person_notes, strict=True))
    out: list[ScoredPair] = []
    for etype in ("firm", "person"):
        if not rows[etype]:
            continue
        gamma = np.asarray(rows[etype], dtype=np.int8)
        probs = resolver.probabilities(etype, gamma)
        decisions = decide_many(probs, cfg.auto_threshold, cfg.review_threshold)
        for k, (ci, idx, note) in enumerate(meta[etype]):
            ctx = contexts[ci]
            eid = gz.firms[idx].uscc if etype == "firm" else gz.persons[idx].person_id
            out.append(
                ScoredPair(
                    ctx.source,
                    ctx.record_id,
                    etype,
                    idx,
                    eid,
                    float(probs[k]),
                    Decision(decisions[k]),
                    rows[etype][k],
                    note,
                    resolver,
                )
            )
    _explain_away(out, cfg.review_threshold, cfg.auto_threshold)
    _compete(out, cfg.auto_threshold, cfg.review_threshold)
    apply_caps(out, cfg.review_threshold)
    if steward and len(resolver.decisions):
        out = apply_steward(resolver, contexts, out)
    return out


MAX_REVIEW_PER_MENTION = 3


def _explain_away(pairs: list[ScoredPair], review_threshold: float, auto: float) -> None:
    """A firm reached only through an address or phone it shares with a firm the record names
    is explained by that firm: rejected, with the reason in its evidence. An address the named
    firm is not registered at explains it too when the text names that firm beside the address
    (name level 0: "another firm is named"): the address says where the named firm was found."""
    named: dict[str, ScoredPair] = {}
    for p in pairs:
        if p.entity_type == "firm" and p.row and p.row[0] >= 5 and p.score >= review_threshold:
            best = named.get(p.record_id)
            if best is None or p.score > best.score:
                named[p.record_id] = p
    for p in pairs:
        by = named.get(p.record_id)
        if by is None or p is by or p.entity_type != "firm" or not p.row:
            continue
        shares = (
            (p.mention.startswith("address") and (by.row[5] >= 2 or (p.row[0] == 0 and by.score >= auto)))
            or (p.mention.startswith("phone") and by.row[3] >= 1)
            or p.mention.startswith("via")
        )
        if shares and p.row[0] <= 1 and p.row[2] != 2 and p.decision is not Decision.REJECTED:
            p.decision = Decision.REJECTED
            p.competitor = f"explained by {by.entity_id} (named)"


def _compete(pairs: list[ScoredPair], auto: float, review: float) -> None:
    """Candidates proposed by the same mention of one record exclude each other: a mention names
    at most one entity, so each one's probability becomes odds_i / (1 + sum of the group's odds).
    Two homonyms that both look right end near 0.5 (review); a candidate with one more agreeing
    field (a phone) keeps most of its probability. Only a few candidates per mention stay in review."""
    groups: dict[tuple[str, str, str], list[ScoredPair]] = {}
    for p in pairs:
        if p.score >= 0.05 and p.decision is not Decision.REJECTED or p.score >= review:
            groups.setdefault((p.record_id, p.entity_type, p.mention), []).append(p)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda p: -p.score)
        odds = [min(p.score, 1 - 1e-9) / max(1 - p.score, 1e-9) for p in group]
        total = 1.0 + sum(odds)
        top = group[0]
        for p, o in zip(group, odds, strict=True):
            if p.decision is Decision.REJECTED and p.competitor:
                continue  # explained away
            before = p.score
            p.score = o / total
            p.decision = decide(p.score, auto, review)
            if p is top:
                other = group[1]
                p.competitor = (
                    f"{other.entity_id} ({odds[1] / total:.2f}); {before:.3f} before sharing the mention"
                )
            else:
                p.competitor = (
                    f"{top.entity_id} ({odds[0] / total:.2f}); {before:.3f} before sharing the mention"
                )
        for p in group[MAX_REVIEW_PER_MENTION:]:  # a steward reads a few candidates, not a list
            if p.decision is Decision.REVIEW:
                p.decision = Decision.REJECTED


def apply_steward(
    resolver: Resolver, contexts: Sequence[RecordContext], pairs: list[ScoredPair]
) -> list[ScoredPair]:
    seen = set()
    for p in pairs:
        key = (p.source, p.record_id, p.entity_type, p.entity_id)
        seen.add(key)
        verdict = resolver.decisions.verdict(key)
        if verdict is None:
            continue
        p.steward = verdict
        p.decision = Decision.AUTO_LINK if verdict.verdict is Verdict.MATCH else Decision.REJECTED
    for ctx in contexts:  # a confirmed pair links even when no candidate proposes it any more
        for r in resolver.decisions.confirmed_for(ctx.source, ctx.record_id):
            if r.key in seen:
                continue
            idx = (resolver.gz.firm_index if r.entity_type == "firm" else resolver.gz.person_index).get(
                r.entity_id, -1
            )
            pairs.append(
                ScoredPair(
                    ctx.source,
                    ctx.record_id,
                    r.entity_type,
                    idx,
                    r.entity_id,
                    1.0,
                    Decision.AUTO_LINK,
                    [],
                    "(steward)",
                    resolver,
                    steward=r,
                )
            )
    return pairs
