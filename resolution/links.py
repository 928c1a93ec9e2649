"""The product of resolution: a (record, candidate entity) pair kept, with score and decision.

One row of OUTPUT resolutions.csv; graph stores write it as MENTIONS (events) or SUBJECT_OF
(credit records) with score, decision and model version.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ingest.records import SubjectType


class Decision(StrEnum):
    AUTO_LINK = "auto_link"
    REVIEW = "review"
    REJECTED = "rejected"


class LinkSource(StrEnum):
    EVENTS = "events"
    CREDIT_RECORDS = "credit_records"


@dataclass(frozen=True, slots=True)
class Link:
    source: LinkSource
    record_id: str
    entity_type: SubjectType
    entity_id: str
    score: float
    decision: Decision
    evidence: str
    model_version: str
