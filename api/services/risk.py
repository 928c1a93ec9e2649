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
from api.services.entities import find_entity, to_step
from api.services.ids import type_of
from graph.model import NodeLabel, RelType
from graph.model import Step as StoreStep
from ingest.errors import NotFoundError

_ID_RE = re.compile(
    r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{17}[0-9X])(?![0-9A-Z])"
)
_DOC_RE = re.compile(r"[（(]?\d{4}[)）][^\s,;，；]*?号|[^\s,;，；:：]{1,12}〔\d{4}〕\d+号")
_REC_RE = re.compile(r"\b(?:record|记录)[\s:=#]*([A-Za-z0-9_\-]+)|\b(C\d+|CR[\w\-]+)\b")
_CONTRIB_RE = re.compile(r"([+-]?\d+\.\d+)\s*\)?\s*$")
_ROLE_WORDS = {r.value.lower(): r.value.lower() for r in RelType}
_PATH_STEP_RE = re.compile(r"([0-9A-Z]{18})\s*-\[?:?([A-Z_]+)(?:\s*([\d.]+)%)?\]?->\s*([0-9A-Z]{18})")


def _parse_steps(raw: Any) -> list[Step]:
    steps: list[Step] = []
    if isinstance(raw, list):
        for s in raw:
            if isinstance(s, dict) and {"src", "rel", "dst"} <= s.keys():
                steps.append(Step(src=str(s["src"]), rel=str(s["rel"]), dst=str(s["dst"]),
                                  share_pct=s.get("share_pct")))
    elif isinstance(raw, str):
        for m in _PATH_STEP_RE.finditer(raw):
            steps.append(Step(src=m.group(1), rel=m.group(2), dst=m.group(4),
                              share_pct=float(m.group(3)) if m.group(3) else None))
    return steps


def _from_dict(d: dict[str, Any]) -> Reason:
    doc = d.get("document_no") or None
    kind = str(d.get("kind") or d.get("type") or ("record" if d.get("record_id") else "related"))
    grounded = d.get("grounded")
    if grounded is None and kind in ("record", "own", "credit_record"):
        grounded = bool(doc)
    text = str(d.get("text") or d.get("reason") or d.get("description") or json.dumps(d, ensure_ascii=False))
    return Reason(
        text=text, kind=kind, record_id=d.get("record_id"), document_no=doc, grounded=grounded,
        entity_id=d.get("entity_id") or d.get("related_id") or d.get("via"), role=d.get("role"),
        contribution=d.get("contribution") if d.get("contribution") is not None else d.get("weight"),
        path=_parse_steps(d.get("path") or []),
    )


def _from_text(chunk: str, subject_id: str) -> Reason:
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
        text=chunk, kind=kind, record_id=(rec_m.group(1) or rec_m.group(2)) if rec_m else None,
        document_no=doc_m.group(0) if doc_m else None, grounded=grounded,
        entity_id=ids[-1] if ids else None, role=role,
        contribution=float(contrib_m.group(1)) if contrib_m else None, path=_parse_steps(chunk),
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
            return [_from_dict(d) if isinstance(d, dict) else _from_text(str(d), subject_id) for d in items]
        except (ValueError, AttributeError):
            pass
    return [_from_text(c.strip(), subject_id) for c in re.split(r"\s*[;；\n]\s*", text) if c.strip()]


def _fill_paths(store: Any, label: NodeLabel, key: str, reasons: list[Reason], max_depth: int) -> None:
    """Give a related reason without a path the shortest affiliation path to its party."""
    for r in reasons:
        if r.path or not r.entity_id or r.entity_id == key:
            continue
        for other in (NodeLabel.PERSON, NodeLabel.FIRM):
            if store.entity(other, r.entity_id) is None:
                continue
            found: list[tuple[StoreStep, ...]] = store.shortest_paths(label, key, other, r.entity_id,
                                                                     max_depth=max_depth, limit=1)
            if found:
                r.path = [to_step(s) for s in found[0]]
            break


def risk_of(store: Any, raw_id: str, with_paths: bool = True, max_depth: int = 3) -> RiskOut:
    """The subject's stored risk with parsed reasons; NotFoundError when unknown or unscored."""
    label, key, row = find_entity(store, raw_id)
    score = store.risk(label, key)
    if score is None:
        raise NotFoundError("no risk score for that subject (not scored yet)")
    reasons = parse_reasons(score.top_reasons, key)
    if with_paths:
        _fill_paths(store, label, key, reasons, max_depth)
    return RiskOut(
        subject_type=type_of(label), subject_id=key, name=row.get("name"), score=float(score.score),
        own_score=float(score.own_score), related_score=float(score.related_score),
        model_version=str(score.model_version), reasons=reasons,
    )


def risk_batch(store: Any, ids: list[str]) -> RiskBatchOut:
    """Many lookups at once; unknown or unscored ids are listed, not errors."""
    results, missing = [], []
    for raw in dict.fromkeys(ids):
        try:
            results.append(risk_of(store, raw, with_paths=False))
        except NotFoundError:
            missing.append(raw)
    return RiskBatchOut(results=results, missing=missing)
