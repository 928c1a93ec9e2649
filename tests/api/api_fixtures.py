"""Constants and helpers shared by the API tests (a unique module name, importable from tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.security import Role
from api.settings import Settings
from graph.model import RiskScore
from ingest.records import SubjectType

EXAMPLE = Path(__file__).resolve().parents[1] / "ingest" / "example"  # the contract example

FIRM = "91330803MA2D00037J"  # 浙江廿里新材料科技有限公司, legal rep 王建国
PERSON = "330821196911200177"  # 王建国, phone 13905708888
PERSON_MASKED = "330821********0177"
SUB_FIRM = "91330803MA2D00045D"  # 廿里建材, 100% held by FIRM
KEYS = {role: f"key-{role.value}" for role in Role}

# The firm's reasons are in the risk stage's JSON format (gnn.explain); the person's in prose.
RISK_ROWS = [
    RiskScore(
        SubjectType.FIRM,
        FIRM,
        0.71,
        0.40,
        0.31,
        "risk-test-1",
        json.dumps(
            [
                {
                    "type": "record",
                    "record_id": "C3",
                    "kind": "admin_penalty",
                    "document_no": "衢环罚〔2024〕15号",
                    "grounded": True,
                    "contribution": 0.4,
                },
                {
                    "type": "related",
                    "hops": 1,
                    "party": f"Person:{PERSON}",
                    "path": f"{PERSON} -[LEGAL_REP]-> {FIRM}",
                    "contribution": 0.2,
                },
                {
                    "type": "event",
                    "event_id": "E4",
                    "source": "inspection",
                    "category": "双随机抽查",
                    "grounded": False,
                    "contribution": 0.05,
                },
            ],
            ensure_ascii=False,
        ),
    ),
    RiskScore(
        SubjectType.PERSON,
        PERSON,
        0.64,
        0.50,
        0.14,
        "risk-test-1",
        "own dishonest_debtor C2 (2023)浙0803执1234号 grounded 0.50; "
        f"related {SUB_FIRM} via shareholder 0.10",
    ),
    RiskScore(SubjectType.FIRM, SUB_FIRM, 0.35, 0.20, 0.15, "risk-test-1", ""),
]


def auth(role: Role) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def audit_lines(settings: Settings) -> list[dict[str, Any]]:
    path = settings.audit_log
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


REVIEW_LINKS = [  # two phone-only person candidates, as the resolver writes them into the review band
    (
        "E2",
        "330821197803120318",
        "mention phone 13857012345 ~ 张伟; firm: holds a role at a mentioned firm +2.5; "
        "name: no name -1.9; region: same district +1.8; phone: phone = a mentioned firm's phone too -1.6; "
        "prior -1.2 → 0.429",
    ),
    (
        "E8",
        PERSON,
        "mention phone 13905708888 ~ 王建国; firm: holds a role at a mentioned firm +2.5; "
        "name: no name -1.9; region: same district +1.8; phone: phone = a mentioned firm's phone too -1.6; "
        "prior -1.2 → 0.429",
    ),
]


def fill_queue(queue: Any, dataset: Any) -> int:
    """Queue REVIEW_LINKS with their events' raw text, through the queue's own enqueue_links."""
    from resolution.links import Decision, Link, LinkSource

    links = [
        Link(LinkSource.EVENTS, rid, SubjectType.PERSON, pid, 0.428571, Decision.REVIEW, ev, "er-test")
        for rid, pid, ev in REVIEW_LINKS
    ]
    return queue.enqueue_links(links, {e.event_id: e.raw_text for e in dataset.events})
