"""The plain rows of the joint-punishment reads, shaped and ordered alike by both stores.

A listing row (`GraphStore.listed_records`): record_id, kind, document_no, authority, decided_on,
expires_on (datetime.date or None), subject_label, subject_key, subject_name, region_code, rid,
decision, model_version (None for a record published with a code).
A role-tie row (`GraphStore.role_ties`, `GraphStore.role_holders`): holder_label, holder_key,
holder_name, rel, rid, firm_key, firm_name, firm_region_code, share_pct, start_date, end_date.
A firm-region row (`GraphStore.firm_regions`): key, name, region_code, risk_score.
Missing values are None in every row, whichever store answered.
"""

from __future__ import annotations

from typing import Any

LISTING_FIELDS = (
    "record_id", "kind", "document_no", "authority", "decided_on", "expires_on", "subject_label",
    "subject_key", "subject_name", "region_code", "rid", "decision", "model_version",
)
TIE_FIELDS = (
    "holder_label", "holder_key", "holder_name", "rel", "rid", "firm_key", "firm_name",
    "firm_region_code", "share_pct", "start_date", "end_date",
)
REGION_FIELDS = ("key", "name", "region_code", "risk_score")


def shaped(fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    """A row with exactly `fields`, None where a value is missing, shares as float."""
    row = {f: values.get(f) for f in fields}
    for f in ("share_pct", "risk_score"):
        if (value := row.get(f)) is not None:
            row[f] = float(value)
    return row


def listing_order(row: dict[str, Any]) -> tuple[str, ...]:
    return (row["record_id"], row["subject_label"], row["subject_key"], row["rid"] or "")


def tie_order(row: dict[str, Any]) -> tuple[str, ...]:
    return (row["holder_label"], row["holder_key"], row["firm_key"], row["rel"], row["rid"] or "")
