"""Tell a USCC from a resident ID, so /entities/{id} needs no type parameter."""

from __future__ import annotations

import re

from stdnum.cn import ric, uscc

from graph.model import NodeLabel

_RIC_SHAPE = re.compile(r"^\d{17}[0-9X]$")
_KEY_FIELDS = {NodeLabel.FIRM: "uscc", NodeLabel.PERSON: "person_id"}
LABEL_TYPES = {
    NodeLabel.FIRM: "firm", NodeLabel.PERSON: "person", NodeLabel.ADDRESS: "address",
    NodeLabel.PHONE: "phone", NodeLabel.CREDIT_RECORD: "credit_record", NodeLabel.EVENT: "event",
}


def clean_id(raw: str) -> str:
    """Strip spaces and upper-case: codes are typed in many ways, stored in one."""
    return re.sub(r"\s+", "", raw).upper()


def _ric_ok(value: str) -> bool:
    if not _RIC_SHAPE.match(value):
        return False
    try:
        return ric.calc_check_digit(value[:17]) == value[17]
    except Exception:  # noqa: BLE001 - any stdnum failure means "not a resident ID"
        return False


def candidate_labels(raw: str) -> list[NodeLabel]:
    """Subject labels to try for an id, most likely first (an all-digit USCC is possible but rare)."""
    value = clean_id(raw)
    ric_ok, uscc_ok = _ric_ok(value), uscc.is_valid(value)
    if ric_ok and not uscc_ok:
        return [NodeLabel.PERSON]
    if uscc_ok and not ric_ok:
        return [NodeLabel.FIRM]
    if ric_ok and uscc_ok:
        return [NodeLabel.PERSON, NodeLabel.FIRM]
    # Unvalidated ids still get a lookup (test data or legacy codes), shape decides the order.
    if _RIC_SHAPE.match(value):
        return [NodeLabel.PERSON, NodeLabel.FIRM]
    return [NodeLabel.FIRM, NodeLabel.PERSON]


def type_of(label: NodeLabel | str) -> str:
    return LABEL_TYPES.get(NodeLabel(label), str(label).lower())


def key_field(label: NodeLabel) -> str:
    return _KEY_FIELDS.get(label, "key")
