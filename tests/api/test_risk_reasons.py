"""The risk card reads the risk stage's reasons as written: dimension, grounded flag, history flagged."""

from __future__ import annotations

import json

from api.services.risk import parse_reasons

REASONS = [
    {"type": "record", "record_id": "C2", "kind": "dishonest_debtor", "document_no": "(2023)浙0803执1234号",
     "decided_on": "2023-11-15", "grounded": True, "signal": "grounded", "dimension": "business",
     "contribution": 1.2},
    {"type": "related", "party": "Firm:91330803MA2D00037J", "hops": 2, "grounded": True, "signal": "grounded",
     "dimension": "related_parties", "contribution": 0.4, "gnn_contribution": 0.1,
     "party_records": [{"record_id": "C3", "kind": "admin_penalty", "document_no": "衢环罚〔2024〕15号"}],
     "path": "330821197803120318 -[LEGAL_REP]-> 91330803MA2D00037J"},
    {"type": "shared_contact", "via": "phone", "key": "13857012345", "subjects": 3, "grounded": False,
     "signal": "model", "dimension": "related_parties", "contribution": 0.05},
    {"type": "history", "record_id": "C9", "kind": "admin_penalty", "document_no": "衢市监罚〔2020〕1号",
     "expired_on": "2022-01-01", "active": False, "grounded": False, "signal": "history",
     "dimension": "compliance"},
]


def test_reasons_keep_dimension_grounding_and_history():
    parsed = parse_reasons(json.dumps(REASONS, ensure_ascii=False), "330821197803120318")
    rec, rel, contact, hist = parsed
    assert (rec.kind, rec.grounded, rec.dimension, rec.signal) == ("record", True, "business", "grounded")
    assert "(2023)浙0803执1234号" in rec.text
    assert rel.entity_id == "91330803MA2D00037J" and rel.path[0].rel == "LEGAL_REP"
    assert "衢环罚〔2024〕15号" in rel.text and rel.dimension == "related_parties"
    assert "13857012345" in contact.text and "2 other subjects" in contact.text
    assert hist.grounded is False and hist.signal == "history" and "not grounds" in hist.text
