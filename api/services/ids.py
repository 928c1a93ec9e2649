"""Tell a USCC from a resident ID, so /entities/{id} needs no type parameter."""

from __future__ import annotations

import re

from graph.model import NodeLabel
from ingest.codes import normalize_resident_id, normalize_uscc
from ingest.text import to_halfwidth

_RIC_SHAPE = re.compile(r"^\d{17}[0-9X]$")
_KEY_FIELDS = {NodeLabel.FIRM: "uscc", NodeLabel.PERSON: "person_id"}
LABEL_TYPES = {
    NodeLabel.FIRM: "firm",
    NodeLabel.PERSON: "person",
    NodeLabel.ADDRESS: "address",
    NodeLabel.PHONE: "phone",
    NodeLabel.CREDIT_RECORD: "credit_record",
    NodeLabel.EVENT: "event",
}


def clean_id(raw: str) -> str:
    """Strip spaces and upper-case: codes are typed in many ways, stored in one."""
    return re.sub(r"\s+", "", to_halfwidth(raw)).upper()


def candidate_labels(raw: str) -> list[NodeLabel]:
    """Both subject labels, the likelier first: a valid resident ID is tried as a person first.

    An 18-digit number can pass both check digits (USCC checks only its last character), so the
    other label is always tried too; the store answers which one exists.
    """
    value = clean_id(raw)
    if normalize_resident_id(value) and not normalize_uscc(value):
        return [NodeLabel.PERSON, NodeLabel.FIRM]
    if normalize_uscc(value) and not normalize_resident_id(value):
        return [NodeLabel.FIRM, NodeLabel.PERSON]
    if _RIC_SHAPE.match(value):
        return [NodeLabel.PERSON, NodeLabel.FIRM]
    return [NodeLabel.FIRM, NodeLabel.PERSON]


def type_of(label: NodeLabel | str) -> str:
    return LABEL_TYPES.get(NodeLabel(label), str(label).lower())


def key_field(label: NodeLabel) -> str:
    return _KEY_FIELDS.get(label, "key")
