"""Disputed links: an investigator who sees a credit record on the wrong subject says so.

The brief's main gap is that punitive records attached to the wrong person could be neither seen
nor corrected by the people who read them. The subject page shows how every record got there
(published with this subject's code, or linked by resolution with its score and evidence); a
resolved link can be disputed from there. A dispute is not a verdict: it puts the pair in front of
the data stewards (first in their queue) with who doubted it and why, and only a steward's
`no_match` unlinks it, as for any other verdict. A record published with the subject's own code
is not a matcher's decision and cannot be disputed here: its code is the publishing authority's.
"""

from __future__ import annotations

from typing import Any

from api.schemas.disputes import DisputeOut
from api.services.entities import find_entity, props_of
from graph.model import NodeLabel
from ingest.errors import ConflictError, NotFoundError

RESOLVED = ("auto_link", "review")


def dispute_record_link(
    store: Any, queue: Any, raw_id: str, record_id: str, who: str, comment: str
) -> DisputeOut:
    """Queue the (record, subject) link for the stewards, ahead of everything, with the doubt."""
    label, key, row = find_entity(store, raw_id)
    found = None
    for item in row.get("credit_records") or []:
        rec, link = dict(item.get("record") or {}), dict(item.get("link") or {})
        if str(rec.get("record_id") or rec.get("key")) == record_id and link.get("decision") != "rejected":
            found = rec, link
            break
    if found is None:
        raise NotFoundError(f"credit record {record_id} is not shown on {key}")
    rec, link = found
    if link.get("decision") not in RESOLVED:
        raise ConflictError(
            f"credit record {record_id} was published with {key}'s own code, not linked by the "
            "matcher: a wrong code is for the publishing authority to correct"
        )
    summary = " ".join(str(rec.get(k) or "") for k in ("kind", "document_no", "authority", "summary")).strip()
    item, dispute = queue.dispute(
        {
            "source": "credit_records",
            "record_id": record_id,
            "entity_type": "person" if label == NodeLabel.PERSON else "firm",
            "entity_id": key,
            "score": float(link.get("score") or 0.5),
            "evidence": str(link.get("evidence") or ""),
            "model_version": str(link.get("model_version") or ""),
            "candidate_name": str(props_of(row).get("name") or ""),
            "record_text": summary,
        },
        who,
        comment,
    )
    return DisputeOut(
        dispute_id=dispute.dispute_id,
        item_id=item.item_id,
        record_id=record_id,
        entity_id=key,
        link_decision=str(link.get("decision")),
        link_score=float(link.get("score") or 0.0),
        status=dispute.status,
        queued_first=True,
    )
