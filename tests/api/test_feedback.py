"""Information feedback: an inspection result read through the ingest path, resolved with the run's
resolver, its subject and neighbours rescored, tier changes logged with the event.

The rescore here is a stand-in (a flat score for everything in scope), so the test checks the flow
(scope, write-back, logging), not a model; the product wires api.services.feedback.model_rescore."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import FIRM, PERSON, SUB_FIRM

from api.services.feedback import apply_inspections
from graph.feedback import FeedbackLog, inspection_outcome, tier_changes
from graph.model import NodeLabel, RiskScore
from ingest.records import SubjectType
from resolution.pipeline import active_resolver

WANG_JIANJUN, DUZE_FOOD = "330821197201050156", "91330803MA2D00029P"
THRESHOLDS = (0.2, 0.5, 0.8)


@pytest.mark.parametrize(
    ("category", "text", "want"),
    [
        ("双随机抽查", "发现危险废物管理台账不全。", "problem"),
        ("双随机抽查", "检查未发现问题。", "clean"),
        ("复查", "已按要求整改完毕，检查合格", "clean"),
        ("专项检查", "责令限期改正", "problem"),
        (None, "到店检查", "unknown"),
    ],
)
def test_inspection_outcome(category: str | None, text: str, want: str) -> None:
    assert inspection_outcome(category, text) == want


def test_tier_changes_only_where_the_tier_moves() -> None:
    after = [
        RiskScore(SubjectType.FIRM, "A", 0.9, 0, 0, "m", ""),
        RiskScore(SubjectType.FIRM, "B", 0.3, 0, 0, "m", ""),
        RiskScore(SubjectType.PERSON, "C", 0.1, 0, 0, "m", ""),
    ]
    before = {("firm", "A"): 0.6, ("firm", "B"): 0.25, ("person", "C"): None}

    def tier(s: float) -> str:
        return "A" if s < 0.2 else "B" if s < 0.5 else "C" if s < 0.8 else "D"

    got = tier_changes(before, after, {("firm", "A"): ("E9", "problem")}, tier, date(2025, 1, 1))
    assert [(c.subject_id, c.from_tier, c.to_tier, c.event_id) for c in got] == [
        ("A", "C", "D", "E9"), ("C", None, "A", "")
    ]


def test_an_inspection_rescores_its_subject_and_neighbours(store: Any, dataset: Any, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    event = {"event_id": "INSP-1", "source": "inspection", "occurred_at": "2025-01-10T09:00:00",
             "region_code": "330803", "location": "", "category": "双随机抽查",
             "text": f"对浙江廿里新材料科技有限公司（统一社会信用代码{FIRM}）复查，"
                     "发现危险废物超标贮存，责令整改。"}
    other = {"event_id": "GRID-1", "source": "grid_patrol", "occurred_at": "2025-01-10T09:00:00",
             "region_code": "330803", "location": "", "category": "", "text": "衢州杜泽食品有限公司门前占道"}
    lines = [json.dumps(e, ensure_ascii=False) for e in (event, other)]
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    resolver, _ = active_resolver(dataset)
    asked: list[list[tuple[NodeLabel, str]]] = []

    def stand_in(scope: list[tuple[NodeLabel, str]]) -> list[RiskScore]:
        asked.append(scope)
        kinds = {NodeLabel.FIRM: SubjectType.FIRM, NodeLabel.PERSON: SubjectType.PERSON}
        return [RiskScore(kinds[lab], key, 0.9, 0.5, 0.4, "stand-in", "") for lab, key in scope]

    log = FeedbackLog(f"sqlite:///{tmp_path / 'fb.db'}")
    before_duze = store.risk(NodeLabel.FIRM, DUZE_FOOD)
    report = apply_inspections(events, store, resolver, stand_in, log, date(2025, 1, 10), THRESHOLDS)
    assert report.events == 1 and report.outcomes == {"INSP-1": "problem"}  # the grid patrol is not feedback
    assert ("INSP-1", "firm", FIRM) in report.inspected
    scope = {key for _, key in asked[0]}
    assert {FIRM, PERSON, SUB_FIRM, WANG_JIANJUN} <= scope and DUZE_FOOD not in scope
    assert store.risk(NodeLabel.FIRM, FIRM).score == pytest.approx(0.9)
    assert store.risk(NodeLabel.FIRM, DUZE_FOOD) == before_duze  # outside the scope: untouched
    assert store.entity(NodeLabel.EVENT, "INSP-1") is not None  # loaded like any event
    changes = {c.subject_id: c for c in log.history()}
    # 0.71 (C) -> 0.9 (D), 0.35 (B) -> D, unscored -> D (first tier); all caused by INSP-1
    assert (changes[FIRM].from_tier, changes[FIRM].to_tier) == ("C", "D")
    assert (changes[SUB_FIRM].from_tier, changes[SUB_FIRM].to_tier) == ("B", "D")
    assert changes[WANG_JIANJUN].from_tier is None
    assert {(c.event_id, c.outcome) for c in changes.values()} == {("INSP-1", "problem")}
