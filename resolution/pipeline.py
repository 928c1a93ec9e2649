"""`resolve_dataset`: the resolution stage of `credgraph run`, from a Dataset to Link rows.

Fits the Fellegi–Sunter models by EM on the dataset's own candidate pairs (a sample of records)
unless a saved matcher is given, honours steward decisions from the queue, scores every event
and every credit record published with a masked or missing code, and enqueues the review band.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ingest.records import Dataset
from resolution.decisions import StewardDecisions
from resolution.features import RecordContext, build_pairs
from resolution.links import Decision, Link
from resolution.mentions import extract
from resolution.resolver import Candidate, Resolver, ResolverConfig
from resolution.scoring import fit

if TYPE_CHECKING:
    from resolution.review_queue import ReviewQueue


def candidate_gammas(resolver: Resolver, contexts: Sequence[RecordContext]) -> dict[str, np.ndarray]:
    """Level matrices of all candidate pairs of these records, per entity type (for EM)."""
    rows: dict[str, list[list[int]]] = {"firm": [], "person": []}
    for ctx in contexts:
        pr = build_pairs(ctx, extract(ctx.text, resolver.gz, ctx.location), resolver.gz)
        rows["firm"].extend(pr.firm_rows)
        rows["person"].extend(pr.person_rows)
    return {k: np.asarray(v, dtype=np.int8).reshape(len(v), -1) for k, v in rows.items()}


def fit_resolver(resolver: Resolver, contexts: Sequence[RecordContext]) -> Resolver:
    """EM on a sample of records' candidate pairs (both entity types)."""
    cfg = resolver.config
    sample = list(contexts)
    if len(sample) > cfg.fit_sample:
        sample = random.Random(cfg.seed).sample(sample, cfg.fit_sample)
    gammas = candidate_gammas(resolver, sample)
    for etype, gamma in gammas.items():
        if len(gamma):
            fit(resolver.models[etype], gamma)
    resolver._explained.clear()  # the waterfalls of the declared model are stale now
    return resolver


NEAR_MISS_FLOOR = 0.05  # rejected candidates above this are near-misses worth a steward's look
UNSURE_AUTO = 0.95  # auto links below this are still uncertain enough to ask about


def record_contexts(resolver: Resolver, ds: Dataset) -> list[RecordContext]:
    """Every record that resolution scores: events and credit records needing a subject."""
    return [resolver.event_context(e) for e in ds.events] + [
        resolver.credit_context(r) for r in ds.credit_records if r.needs_resolution
    ]


def _run_with(resolver: Resolver, config: ResolverConfig) -> Resolver:
    """A saved matcher keeps its model and thresholds; how many processes score is this run's."""
    resolver.config = replace(resolver.config, workers=config.workers)
    return resolver


def active_resolver(
    ds: Dataset,
    config: ResolverConfig | None = None,
    decisions: StewardDecisions | None = None,
    matcher_dir: str | Path | None = None,
    model_dir: str | Path | None = None,
) -> tuple[Resolver, str]:
    """The matcher a run uses and where it came from: the registry's promoted version (or a saved
    resolver in `model_dir`), else the unsupervised fit on this dataset."""
    config = config or ResolverConfig()
    if matcher_dir is not None:
        from resolution.registry import MatcherRegistry

        found, origin = MatcherRegistry(matcher_dir).active(ds, decisions)
        if found is not None:
            return _run_with(found, config), origin
    if model_dir is not None and (Path(model_dir) / "resolver.json").exists():
        return _run_with(Resolver.load(model_dir, ds, decisions), config), f"saved resolver in {model_dir}"
    resolver = Resolver.from_dataset(ds, config, decisions)
    if config.fit_em:
        fit_resolver(resolver, record_contexts(resolver, ds))
        return resolver, "unsupervised fit on this data"
    return resolver, "declared start model"


def pool_links(links: Sequence[Link], config: ResolverConfig) -> list[Link]:
    """Links a steward may be asked about: the review band, the near-misses just below it and
    the auto links that are not yet sure (active learning picks among them)."""
    return [
        lk
        for lk in links
        if lk.decision is Decision.REVIEW
        or (lk.decision is Decision.REJECTED and lk.score >= NEAR_MISS_FLOOR)
        or (lk.decision is Decision.AUTO_LINK and lk.score < UNSURE_AUTO)
    ]


def record_texts(ds: Dataset) -> dict[str, str]:
    texts = {e.event_id: e.raw_text for e in ds.events}
    texts.update({r.record_id: r.subject_name for r in ds.credit_records})
    return texts


def resolve_with(resolver: Resolver, ds: Dataset, queue: ReviewQueue | None = None) -> list[Link]:
    """Links of every record of `ds` with this resolver; the question pool goes to `queue`."""
    links = resolver.resolve_events(ds.events) + resolver.resolve_credit_records(ds.credit_records)
    if queue is not None:
        queue.refresh_links(pool_links(links, resolver.config), record_texts(ds))
    return links


def resolve_dataset(
    ds: Dataset,
    config: ResolverConfig | None = None,
    queue: ReviewQueue | None = None,
    model_dir: str | Path | None = None,
    matcher_dir: str | Path | None = None,
) -> list[Link]:
    """Links for every event and every masked credit record of `ds`; review items go to `queue`.

    The matcher is the promoted one of the registry at `matcher_dir` when there is one, else a
    resolver saved in `model_dir`, else the unsupervised fit on `ds`."""
    decisions = StewardDecisions.from_records(queue.decisions()) if queue is not None else None
    resolver, _ = active_resolver(ds, config, decisions, matcher_dir, model_dir)
    return resolve_with(resolver, ds, queue)


def resolve_text(
    resolver: Resolver, text: str, region_code: str | None = None, location: str | None = None
) -> list[Candidate]:
    """Candidates for one free text, best first, scored exactly as a run scores an event with
    this text, region and location (POST /resolve; steward verdicts name records, not texts)."""
    from ingest.normalize import join_cjk, normalize_text
    from resolution.batch import score_batch

    loc = normalize_text(location) if location else None
    region = region_code or (resolver.gz.region_of_text(loc) if loc else None)
    ctx = RecordContext("text", "-", join_cjk(normalize_text(text)), text, region, loc)
    pairs = sorted(score_batch(resolver, [ctx], steward=False), key=lambda p: -p.score)
    return [p.to_candidate(resolver.gz) for p in pairs if p.score >= resolver.config.keep_floor]


def blocking_report(
    resolver: Resolver, contexts: Sequence[RecordContext], truth: set[tuple[str, str, str, str]]
) -> dict[str, float]:
    """Pair completeness (share of true pairs among candidates, before any threshold) and
    reduction ratio (1 - candidate pairs / all record-entity pairs) of candidate generation."""
    gz = resolver.gz
    ids = {r.record_id for r in contexts}
    wanted = {t for t in truth if t[1] in ids}
    found = 0
    n_cand = 0
    for ctx in contexts:
        pr = build_pairs(ctx, extract(ctx.text, gz, ctx.location), gz)
        n_cand += len(pr.firm_idx) + len(pr.person_idx)
        keys = {(ctx.source, ctx.record_id, "firm", gz.firms[i].uscc) for i in pr.firm_idx}
        keys |= {(ctx.source, ctx.record_id, "person", gz.persons[i].person_id) for i in pr.person_idx}
        found += len(keys & wanted)
    space = len(contexts) * (len(gz.firms) + len(gz.persons))
    return {
        "records": len(contexts),
        "candidate_pairs": n_cand,
        "candidates_per_record": n_cand / max(len(contexts), 1),
        "true_pairs": len(wanted),
        "pair_completeness": found / len(wanted) if wanted else 1.0,
        "reduction_ratio": 1.0 - n_cand / space if space else 1.0,
    }
