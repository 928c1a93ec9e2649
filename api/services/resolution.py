"""Adapters from the resolver's and the review queue's objects to response models.

The resolution package owns the objects; these functions read them by attribute name, so a field
renamed there shows up as a missing value here rather than an error in a steward's face.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from api.schemas.resolve import CandidateOut, Contribution, ResolveOut
from api.schemas.review import CompetitorOut, CompetitorsOut, DecisionOut, ReviewItemOut, UndoOut, Verdict
from api.services.entities import profile
from ingest.errors import NotFoundError
from ingest.normalize import normalize_text


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def contributions(raw: Any) -> list[Contribution]:
    out = []
    for c in raw or []:
        out.append(
            Contribution(
                name=str(_get(c, "name", default="?")),
                level=_get(c, "level_label", "label", "level"),
                value=_get(c, "bayes_factor", "value"),
                weight=_get(c, "log2_weight", "weight", "contribution"),
                note=_get(c, "note") or None,
            )
        )
    return out


def _entity(obj: Any) -> tuple[str, str, str | None]:
    ent = _get(obj, "entity", default=obj)
    etype = _get(ent, "entity_type", "type", "label", default="")
    eid = _get(ent, "entity_id", "id", "key", default="")
    name = _get(ent, "name", "entity_name", "candidate_name")
    return str(getattr(etype, "value", etype)).lower(), str(eid), name


def candidate_out(c: Any) -> CandidateOut:
    etype, eid, name = _entity(c)
    decision = _get(c, "decision", default="")
    return CandidateOut(
        entity_type=etype,
        entity_id=eid,
        name=name,
        score=float(_get(c, "score", default=0.0)),
        decision=str(getattr(decision, "value", decision)),
        evidence=str(_get(c, "evidence", default="")),
        contributions=contributions(_get(c, "contributions", "features", "waterfall")),
    )


def resolve(resolver: Any, text: str, region_code: str | None, occurred_at: datetime | None) -> ResolveOut:
    cands = resolver.resolve_text(text, region_code=region_code, occurred_at=occurred_at)
    return ResolveOut(candidates=[candidate_out(c) for c in cands])


def _span(text: str, mention: str | None, start: Any, end: Any) -> tuple[int | None, int | None]:
    """Where the mention sits in the text as typed. Mentions are found in normalised text
    (half-width, simplified); normalising maps character for character, so when the lengths agree
    the offsets found there hold in the raw text too."""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return start, end
    if not mention:
        return None, None
    mention = clean_mention(mention)
    for candidate in (text, normalize_text(text)):
        if candidate and mention in candidate and len(candidate) == len(text):
            i = candidate.index(mention)
            return i, i + len(mention)
    return None, None


def clean_mention(mention: str) -> str:
    """The text span of a mention as the resolver writes it: '"杜泽老街"', 'via 张伟', 'phone 138…'."""
    m = mention.strip()
    if " " in m and m.split(" ", 1)[0] in ("via", "phone", "masked", "code", "name"):
        m = m.split(" ", 1)[1]
    return m.strip('"“”')


_EVIDENCE_PART = re.compile(r"^(?P<name>[A-Za-z_][\w]*):?\s+(?P<level>.*?)\s*(?P<w>[+-]\d+(?:\.\d+)?)$")


def evidence_contributions(evidence: str) -> list[Contribution]:
    """The waterfall bars written into an evidence string (`name: level +1.2; prior -3.0 → 0.61`)."""
    out = []
    for part in evidence.split(";")[1:]:
        part = part.split("→")[0].strip()
        m = _EVIDENCE_PART.match(part)
        if m:
            out.append(
                Contribution(name=m.group("name"), level=m.group("level") or None, weight=float(m.group("w")))
            )
    return out


def item_out(item: Any, store: Any | None = None, max_results: int = 100) -> ReviewItemOut:
    """A queue item with the candidate's profile from the graph, when the store knows it."""
    etype, eid, _ = _entity(item)
    text = str(_get(item, "text", "record_text", default=""))
    mention = _get(item, "mention", "mention_text") or None
    start, end = _span(text, mention, _get(item, "mention_start", "start"), _get(item, "mention_end", "end"))
    candidate = None
    if store is not None and eid:
        try:
            candidate = profile(store, eid, max_results)
        except NotFoundError:
            candidate = None
    source = _get(item, "source")
    return ReviewItemOut(
        item_id=str(_get(item, "item_id", "id")),
        source=str(getattr(source, "value", source)) if source else None,
        record_id=_get(item, "record_id"),
        text=text,
        mention=mention,
        mention_start=start,
        mention_end=end,
        entity_type=etype,
        entity_id=eid,
        candidate=candidate,
        score=_get(item, "score"),
        evidence=_get(item, "evidence"),
        contributions=contributions(_get(item, "contributions", "features", "waterfall"))
        or evidence_contributions(str(_get(item, "evidence", default=""))),
    )


def get_item(queue: Any, item_id: str) -> Any:
    try:
        item = queue.get(int(item_id) if item_id.isdigit() else item_id)
    except (KeyError, LookupError) as exc:
        raise NotFoundError("no review item with that id") from exc
    if item is None:
        raise NotFoundError("no review item with that id")
    return item


def decide(
    queue: Any, item_id: str, verdict: Verdict, who: str, comment: str | None, origin: str = "api"
) -> tuple[DecisionOut, ReviewItemOut]:
    """Record a steward's verdict; returns the answer and the decided item (for the audit line)."""
    item = get_item(queue, item_id)
    decided = item_out(item)
    key = int(item_id) if item_id.isdigit() else item_id
    queue.decide(key, verdict.value, who=who, comment=comment or "", origin=origin)
    out = DecisionOut(item_id=decided.item_id, verdict=verdict, who=who, pending=int(queue.count_pending()))
    return out, decided


# ---------------------------------------------------------------------------- the matcher
def load_matcher(settings: Any, store: Any, run_matcher: Any = None) -> Any:
    """The resolver the API answers with, over the registry in the graph and with the stewards'
    verdicts: the matcher a run saved beside its outputs (OUT/matcher, when `serve --data` names
    it), else the registry's promoted matcher, else the unsupervised fit on the graph's events."""
    from api.pipeline import matcher_dir
    from api.services.registry import registry_from_tables
    from resolution.pipeline import active_resolver
    from resolution.registry import MatcherRegistry
    from resolution.resolver import Resolver
    from resolution.review_queue import ReviewQueue

    ds = registry_from_tables(store.export_tables(), with_events=True)
    decisions = ReviewQueue(settings.review_db_url).steward_decisions()
    if run_matcher is not None and (Path(run_matcher) / "resolver.json").exists():
        return Resolver.load(run_matcher, ds, decisions)
    resolver, _ = MatcherRegistry(matcher_dir(settings)).active(ds, decisions)
    if resolver is None:
        resolver, _ = active_resolver(ds, None, decisions)
    return resolver


def resolve_text(
    resolver: Any, text: str, region_code: str | None, location: str | None = None
) -> ResolveOut:
    """POST /resolve: the candidates a run would write for an event with this text and place."""
    from resolution.pipeline import resolve_text as score_text

    cands = score_text(resolver, text, region_code, location)
    return ResolveOut(candidates=[candidate_out(c) for c in cands])


STEWARD_VERSION = "steward"


def steward_links(queue: Any, source: str, record_id: str, auto_threshold: float) -> list[Any]:
    """One record's verdicts as links of the 'steward' link set: a match links at once (until the
    next run or retrain folds it into the matcher's own links); other verdicts, and verdicts
    withdrawn, write a rejected link, so a match that was undone disappears. A match on a pair the
    matcher had already auto-linked is written as rejected here (the graph would count it twice)."""
    from ingest.records import SubjectType
    from resolution.decisions import Verdict as V
    from resolution.links import Decision, Link, LinkSource

    scores = {
        (it.entity_type, it.entity_id): it.score
        for it in queue.items_for(source, record_id)
    }
    latest = queue.steward_decisions().latest
    keys = {r.key for r in queue.decisions() if r.source == source and r.record_id == record_id}
    out = []
    for key in sorted(keys):
        rec = latest.get(key)
        match = (
            rec is not None and rec.verdict is V.MATCH and scores.get((key[2], key[3]), 0.0) < auto_threshold
        )
        if rec is None:
            note = "steward: verdict withdrawn"
        else:
            note = f"steward: {rec.verdict.value} by {rec.who}" + (f" ({rec.comment})" if rec.comment else "")
        out.append(
            Link(
                LinkSource(source),
                record_id,
                SubjectType(key[2]),
                key[3],
                1.0 if match else 0.0,
                Decision.AUTO_LINK if match else Decision.REJECTED,
                note,
                STEWARD_VERSION,
            )
        )
    return out


def apply_verdict(queue: Any, store: Any, resolver: Any, source: str, record_id: str) -> int:
    """After a verdict is committed: the graph and the served resolver follow it at once."""
    if resolver is not None:
        resolver.decisions = queue.steward_decisions()
    if store is None:
        return 0
    auto = resolver.config.auto_threshold if resolver is not None else 0.8
    links = steward_links(queue, source, record_id, auto) + overruled_links(queue, store, source, record_id)
    return int(store.write_links(links)) if links else 0


def overruled_links(queue: Any, store: Any, source: str, record_id: str) -> list[Any]:
    """The matcher's own links of a record that a steward has said no to, rewritten as rejected
    in their model version (with the other links of that version as they were), so a wrong link
    leaves the graph, the subject's records and its risk reasons at once, not at the next run.
    (A no-match withdrawn later comes back with the next run or retrain, which resolve again.)"""
    from dataclasses import replace

    from resolution.decisions import Verdict as V
    from resolution.links import Decision, LinkSource

    latest = queue.steward_decisions().latest
    refused = {
        (key[2], key[3]): rec
        for key, rec in latest.items()
        if key[0] == source and key[1] == record_id and rec.verdict is V.NO_MATCH
    }
    if not refused or not hasattr(store, "record_links"):
        return []
    by_version: dict[str, list[Any]] = {}
    for link in store.record_links(LinkSource(source), record_id):
        if link.model_version != STEWARD_VERSION:
            by_version.setdefault(link.model_version, []).append(link)
    out: list[Any] = []
    for version_links in by_version.values():
        changed = False
        rewritten = []
        for link in version_links:
            rec = refused.get((link.entity_type.value, link.entity_id))
            if rec is not None and link.decision is not Decision.REJECTED:
                was = f"was {link.decision.value} {link.score:.2f}"
                note = f"steward: no_match by {rec.who} ({was}); {link.evidence}"
                link = replace(link, decision=Decision.REJECTED, evidence=note)
                changed = True
            rewritten.append(link)
        if changed:
            out += rewritten
    return out


def undo(queue: Any, item_id: str, who: str) -> tuple[UndoOut, Any]:
    """Withdraw the latest verdict on an item's pair; returns the answer and the item."""
    item = get_item(queue, item_id)
    before = queue.steward_decisions().latest.get(
        (item.source, item.record_id, item.entity_type, item.entity_id)
    )
    rec = queue.undo(int(item.item_id), who)
    out = UndoOut(
        item_id=str(item.item_id),
        undone=before.verdict.value if before is not None else None,
        who=rec.who,
        pending=int(queue.count_pending()),
    )
    return out, item


# ---------------------------------------------------------------------------- relinking
def _old_links(tables: Any, records: set[tuple[str, str]]) -> list[Any]:
    """The resolution links stored for these records (every model version), as Link rows."""
    from graph.model import NodeLabel, RelType
    from ingest.records import SubjectType
    from resolution.links import Decision, Link, LinkSource

    out = []
    for rel, source in ((RelType.MENTIONS, "events"), (RelType.SUBJECT_OF, "credit_records")):
        df = tables.edges.get(rel)
        if df is None or df.empty or "model_version" not in df.columns:
            continue
        for r in df[df["model_version"].notna()].to_dict("records"):
            if rel is RelType.MENTIONS:
                record, entity, label = str(r["src"]), str(r["dst"]), str(r["dst_label"])
            else:
                record, entity, label = str(r["dst"]), str(r["src"]), str(r["src_label"])
            if (source, record) not in records:
                continue
            etype = SubjectType.FIRM if label == str(NodeLabel.FIRM) else SubjectType.PERSON
            out.append(
                Link(LinkSource(source), record, etype, entity, float(r.get("score") or 0.0),
                     Decision(str(r["decision"])), "", str(r["model_version"]))
            )
    return out


def relink_graph(
    store: Any,
    links: list[Any],
    records: set[tuple[str, str]],
    settings: Any | None = None,
) -> dict[str, Any]:
    """Update the graph in place after a new matcher: its links are written, links of earlier
    versions (and the steward overlay) for the same records are rewritten as rejected with
    'superseded by ...' (readers count auto links only), and, when a risk model exists, the
    subjects whose links changed are rescored. Returns counts of links added, changed, removed."""
    from resolution.links import Decision, Link

    version = links[0].model_version if links else ""
    old = _old_links(store.export_tables(), records)
    key = lambda lk: (lk.source.value, lk.record_id, lk.entity_type.value, lk.entity_id)  # noqa: E731
    old_auto = {key(lk) for lk in old if lk.decision is Decision.AUTO_LINK}
    new_auto = {key(lk) for lk in links if lk.decision is Decision.AUTO_LINK}
    old_dec = {key(lk): lk.decision for lk in old if lk.model_version != version}
    store.write_links(links)
    superseded = [
        Link(lk.source, lk.record_id, lk.entity_type, lk.entity_id, lk.score, Decision.REJECTED,
             f"superseded by {version}", lk.model_version)
        for lk in old
        if lk.model_version != version
    ]
    if superseded:
        store.write_links(superseded)
    new_dec = {key(lk): lk.decision for lk in links}
    changed = sum(1 for k, d in new_dec.items() if k in old_dec and old_dec[k] is not d)
    out: dict[str, Any] = {
        "model_version": version,
        "auto_links_added": len(new_auto - old_auto),
        "auto_links_removed": len(old_auto - new_auto),
        "links_changed": changed,
        "links_written": len(links),
        "rescored": 0,
    }
    affected = {k[3] for k in new_auto ^ old_auto}
    if settings is not None and affected:
        out["rescored"] = rescore(store, affected, settings)
    return out


def rescore(store: Any, subjects: set[str], settings: Any) -> int:
    """Rescore these subjects' risk with the current risk model (none trained: nothing to do)."""
    from gnn.config import RiskConfig
    from gnn.pipeline import score_risk
    from gnn.registry import ModelRegistry
    from graph.features_cut import default_as_of

    if ModelRegistry(settings.model_dir).latest() is None:
        return 0
    tables = store.export_tables()
    scores = score_risk(tables, default_as_of(tables), RiskConfig(seed=settings.seed), settings.model_dir)
    return int(store.write_risk_scores([s for s in scores if s.subject_id in subjects]))


def retrain_matcher_job(settings: Any, state: Any) -> dict[str, Any]:
    """POST /jobs/retrain?kind=matcher: retrain on every verdict from the graph the app serves;
    after a promotion relink its events in place and answer /resolve with the new matcher."""
    from api.pipeline import matcher_dir
    from api.services.registry import registry_from_tables
    from resolution.pipeline import pool_links, record_texts
    from resolution.registry import MatcherRegistry
    from resolution.training import retrain_to_registry

    registry = MatcherRegistry(matcher_dir(settings))
    ds = registry_from_tables(state.store.export_tables(), with_events=True)
    res = retrain_to_registry(ds, state.queue.steward_decisions(), registry)
    reports = registry.root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / f"{res.candidate or 'refused'}.md").write_text(res.report(), encoding="utf-8")
    out: dict[str, Any] = {
        "promoted": res.promoted,
        "candidate": res.candidate,
        "incumbent": res.incumbent,
        "reason": res.reason,
        "labels": res.n_labels,
        "metrics": res.metrics,
    }
    if res.promoted and res.resolver is not None:
        links = res.resolver.resolve_events(ds.events)
        state.queue.refresh_links(pool_links(links, res.resolver.config), record_texts(ds))
        records = {("events", e.event_id) for e in ds.events}
        out["graph"] = relink_graph(state.store, links, records, settings)
        state.resolver = res.resolver
    return out


# ---------------------------------------------------------------------------- the steward page
def _short(item: Any) -> dict[str, Any]:
    return {
        "item_id": str(item.item_id),
        "entity_type": item.entity_type,
        "entity_id": item.entity_id,
        "candidate_name": item.candidate_name,
        "mention": item.mention,
        "score": item.score,
        "status": item.status,
        "evidence": item.evidence,
        "contributions": [c.model_dump() for c in evidence_contributions(item.evidence)],
    }


def _done(
    caller: Any, queue: Any, done: tuple[DecisionOut, ReviewItemOut] | None
) -> dict[str, Any] | None:
    """The confirmation of the decision just made (masked like the rest of the page)."""
    if done is None:
        return None
    out, item = done
    name = getattr(get_item(queue, out.item_id), "candidate_name", "") or item.entity_id
    return {**out.model_dump(mode="json"), "item": caller.view(item), "candidate_name": name}


def active_config(settings: Any) -> Any:
    """The active choice's settings: uncertainty at the cut the promoted matcher decides with."""
    from api.pipeline import matcher_dir
    from resolution.active import ActiveConfig
    from resolution.registry import MatcherRegistry

    auto = MatcherRegistry(matcher_dir(settings)).auto_threshold()
    return ActiveConfig(auto_threshold=auto) if auto is not None else ActiveConfig()


def next_item(queue: Any, skip: set[str], cfg: Any = None) -> Any | None:
    """The pending item a steward sees next: the active choice (resolution.active), skipping the
    items this steward passed over with 'next'."""
    for it in active_order(queue, len(skip) + 1, cfg):
        if str(it.item_id) not in skip:
            return it
    return None


def review_context(
    caller: Any,
    queue: Any,
    store: Any,
    settings: Any,
    skip: set[str],
    done: tuple[DecisionOut, ReviewItemOut] | None = None,
) -> dict[str, Any]:
    """What the steward page shows: the next item with the whole record and every competing
    candidate of its record side by side (same mention first), progress today, and the
    confirmation of the decision just made."""
    item = None
    competitors: list[dict[str, Any]] = []
    nxt = next_item(queue, skip, active_config(settings))
    if nxt is not None:
        out = item_out(nxt, store, settings.max_results)
        item = caller.view(out, out.entity_id)
        others = [o for o in queue.items_for(nxt.source, nxt.record_id) if o.item_id != nxt.item_id]
        others.sort(key=lambda o: (o.mention != nxt.mention, -o.score))
        view = caller.view(CompetitorsOut(items=[CompetitorOut(**_short(o)) for o in others]))
        competitors = view["items"]
    today = int(queue.decided_today())
    pending = int(queue.count_pending())
    return {
        "item": item,
        "competitors": competitors,
        "pending": pending,
        "today": today,
        "total_today": today + pending,
        "skip": ",".join(sorted(skip)),
        "done": _done(caller, queue, done),
        "principal": caller.principal,
    }


def active_order(queue: Any, n: int, cfg: Any = None) -> list[Any]:
    """The first n pending items in the order the steward page and `review next` use: links an
    investigator disputed first (oldest dispute first), then the active choice (resolution.active,
    uncertainty measured at `cfg`'s cut)."""
    from resolution.active import choose

    disputed = list(queue.disputed_pending())[:n]
    seen = {it.item_id for it in disputed}
    rest = [it for it in queue.pool() if it.item_id not in seen]
    return disputed + choose(rest, n - len(disputed), cfg)
