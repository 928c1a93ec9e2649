"""Risk answers: the stored score, its own/related split, and its reasons made checkable.

`top_reasons` is stored as one string (the contract's CSV column). The risk stage may write it as
JSON (a list of reason objects) or as `;`-separated prose; both are read here, and each reason is
marked grounded (rests on a document_no) or a soft signal, with the path to a related party.
"""

from __future__ import annotations

import json
import re
from typing import Any

from api.schemas.common import Step
from api.schemas.risk import Reason, RiskBatchOut, RiskOut
from api.services.entities import find_entity, props_of
from api.services.ids import candidate_labels, clean_id, type_of
from graph.model import NodeLabel, RelType
from ingest.errors import NotFoundError

_ID_RE = re.compile(
    r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{17}[0-9X])(?![0-9A-Z])"
)
_DOC_RE = re.compile(r"[（(]?\d{4}[)）][^\s,;，；]*?号|[^\s,;，；:：]{1,12}〔\d{4}〕\d+号")
_REC_RE = re.compile(r"\b(?:record|记录)[\s:=#]*([A-Za-z0-9_\-]+)|\b(C\d+|CR[\w\-]+)\b")
_CONTRIB_RE = re.compile(r"([+-]?\d+\.\d+)\s*\)?\s*$")
_ROLE_WORDS = {r.value.lower(): r.value.lower() for r in RelType}
_PATH_STEP_RE = re.compile(r"([^\s;]+)\s*-\[:?([A-Z_]+)(?:\s+([\d.]+)%)?\]->\s*([^\s;]+)")


def _parse_steps(raw: Any) -> list[Step]:
    """Steps from a list of step objects or from text like `A -[SHAREHOLDER 30%]-> B ; B -[LEGAL_REP]-> C`."""
    steps: list[Step] = []
    if isinstance(raw, list):
        for s in raw:
            if isinstance(s, dict) and {"src", "rel", "dst"} <= s.keys():
                steps.append(
                    Step(
                        src=str(s["src"]), rel=str(s["rel"]), dst=str(s["dst"]), share_pct=s.get("share_pct")
                    )
                )
    elif isinstance(raw, str):
        for m in _PATH_STEP_RE.finditer(raw):
            steps.append(
                Step(
                    src=m.group(1),
                    rel=m.group(2),
                    dst=m.group(4),
                    share_pct=float(m.group(3)) if m.group(3) else None,
                )
            )
    return steps


def _party(raw: Any) -> str | None:
    """`Person:330821...` -> the key; parties are written with their label."""
    return str(raw).split(":", 1)[-1] if raw else None


def _describe(d: dict[str, Any], kind: str, party: str | None) -> str:
    if kind == "record":
        doc = d.get("document_no") or "no document number"
        when = f", decided {d['decided_on']}" if d.get("decided_on") else ""
        return f"own {d.get('kind') or 'credit'} record {d.get('record_id')} ({doc}{when})"
    if kind == "history":
        return (
            f"expired {d.get('kind') or 'credit'} record {d.get('record_id')} "
            f"(expired {d.get('expired_on') or 'before the as-of date'}): history, not grounds"
        )
    if kind == "event":
        when = f" on {d['occurred_at']}" if d.get("occurred_at") else ""
        what = f"{d.get('source') or ''} event {d.get('event_id')} {d.get('category') or ''}"
        return f"resolved {what}{when}".strip()
    if kind == "related":
        hops = d.get("hops")
        recs = ", ".join(
            f"{r.get('kind')} {r.get('document_no') or r.get('record_id')}"
            for r in d.get("party_records") or []
        )
        what = f"punished: {recs}" if recs else "no active punitive record; risk found by the graph model"
        return f"related party {party}, {hops} hop{'s' if hops != 1 else ''} away ({what})"
    if kind == "shared_contact":
        n = d.get("subjects")
        return f"shares the {d.get('via')} {d.get('key')}" + (f" with {n - 1} other subjects" if n else "")
    if kind == "roles":
        return f"{d.get('role')} tie to {d.get('n')}: {', '.join(d.get('parties') or [])}"
    if kind == "registry":
        cap = d.get("registered_capital_wan")
        return f"registration: founded {d.get('founded_on')}, {d.get('firm_kind')}" + (
            f", capital {cap} 万元" if cap is not None else ""
        )
    if kind.startswith("shared_"):
        return f"punished party {party} shares the {kind[7:]} {d.get('via')}"
    if kind == "feature":
        return f"feature {d.get('name')} = {d.get('value')}"
    return kind.replace("_", " ")


def _from_dict(d: dict[str, Any], subject_id: str) -> Reason:
    doc = d.get("document_no") or None
    kind = str(d.get("type") or d.get("kind") or ("record" if d.get("record_id") else "other"))
    grounded = d.get("grounded")
    if grounded is None and kind == "record":
        grounded = bool(doc)
    party = _party(d.get("party") or d.get("entity_id"))
    path = _parse_steps(d.get("path") or [])
    if not path and kind.startswith("shared_") and party and d.get("via"):
        rel = "REGISTERED_AT" if kind == "shared_address" else "HAS_PHONE"
        via = str(d["via"])
        path = [Step(src=subject_id, rel=rel, dst=via), Step(src=party, rel=rel, dst=via)]
    role = d.get("role") or (path[0].rel.lower() if path and kind == "related" else None)
    return Reason(
        text=str(d.get("text") or _describe(d, kind, party)),
        kind=kind,
        record_id=d.get("record_id") or d.get("event_id"),
        document_no=doc,
        grounded=grounded,
        entity_id=party,
        role=role,
        contribution=d.get("contribution"),
        path=path,
        dimension=d.get("dimension"),
        signal=d.get("signal"),
    )


def _from_text(chunk: str, subject_id: str) -> Reason:
    """Prose reasons (older or foreign risk stages): the same fields, found by pattern."""
    lower = chunk.lower()
    doc_m = _DOC_RE.search(chunk)
    rec_m = _REC_RE.search(chunk)
    ids = [i for i in _ID_RE.findall(chunk) if i != subject_id]
    contrib_m = _CONTRIB_RE.search(chunk)
    role = next((w for w in _ROLE_WORDS if w in lower), None)
    if "soft" in lower or "event" in lower or "事件" in chunk:
        kind, grounded = ("event" if "event" in lower or "事件" in chunk else "record"), False
    elif doc_m or rec_m:
        kind = "record"
        grounded = bool(doc_m) and "ungrounded" not in lower and "not grounded" not in lower
    elif ids:
        kind, grounded = "related", None
    else:
        kind, grounded = "other", None
    return Reason(
        text=chunk,
        kind=kind,
        record_id=(rec_m.group(1) or rec_m.group(2)) if rec_m else None,
        document_no=doc_m.group(0) if doc_m else None,
        grounded=grounded,
        entity_id=ids[-1] if ids else None,
        role=role,
        contribution=float(contrib_m.group(1)) if contrib_m else None,
        path=_parse_steps(chunk),
    )


def parse_reasons(top_reasons: str | None, subject_id: str) -> list[Reason]:
    """Reasons from the stored string, JSON or `;`-separated prose; never raises."""
    if not top_reasons:
        return []
    text = top_reasons.strip()
    if text[:1] in "[{":
        try:
            data = json.loads(text)
            items = data if isinstance(data, list) else data.get("reasons", [data])
            return [
                _from_dict(d, subject_id) if isinstance(d, dict) else _from_text(str(d), subject_id)
                for d in items
            ]
        except (ValueError, AttributeError):
            pass
    return [_from_text(c.strip(), subject_id) for c in re.split(r"\s*[;；\n]\s*", text) if c.strip()]


def _name_parties(store: Any, reasons: list[Reason]) -> None:
    """Add the related party's registered name to its reason (one lookup per party, pages only)."""
    for r in reasons:
        if r.entity_id and r.kind != "record":
            for label in (NodeLabel.PERSON, NodeLabel.FIRM):
                row = store.entity(label, r.entity_id)
                if row is not None:
                    r.text = f"{r.text} ({props_of(row).get('name')})"
                    break


def _stored_score(store: Any, raw_id: str) -> tuple[NodeLabel, str, Any]:
    """(label, key, RiskScore): one store read on the hot path; the entity lookup that tells
    "unknown" from "not scored" happens only when there is no score."""
    key = clean_id(raw_id)
    labels = candidate_labels(key)
    for label in labels:
        score = store.risk(label, key)
        if score is not None:
            return label, key, score
    find_entity(store, key)  # raises NotFoundError for an unknown id
    raise NotFoundError("no risk score for that subject (not scored yet)")


def risk_of(store: Any, raw_id: str, with_names: bool = False) -> RiskOut:
    """The subject's stored risk with parsed reasons; NotFoundError when unknown or unscored.
    `with_names` adds the subject's and related parties' names (extra reads; the pages use it)."""
    label, key, score = _stored_score(store, raw_id)
    reasons = parse_reasons(score.top_reasons, key)
    name = None
    if with_names:
        _name_parties(store, reasons)
        name = props_of(find_entity(store, key)[2]).get("name")
    return RiskOut(
        subject_type=type_of(label),
        subject_id=key,
        name=name,
        score=float(score.score),
        own_score=float(score.own_score),
        related_score=float(score.related_score),
        model_version=str(score.model_version),
        reasons=reasons,
    )


def risk_batch(store: Any, ids: list[str]) -> RiskBatchOut:
    """Many lookups at once; unknown or unscored ids are listed, not errors."""
    results, missing = [], []
    for raw in dict.fromkeys(ids):
        try:
            results.append(risk_of(store, raw))
        except NotFoundError:
            missing.append(raw)
    return RiskBatchOut(results=results, missing=missing)
