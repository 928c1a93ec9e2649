"""`credgraph punish alerts|tasks|close|rate` on the contract example: real resolution links C2 to
王建国, alerts issue tasks once, a department closes one, the rate follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_fixtures import EXAMPLE, FIRM, PERSON
from typer.testing import CliRunner

from api.cli import app


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    return {
        "CREDGRAPH_PUNISH_DB_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "CREDGRAPH_REVIEW_DB_URL": f"sqlite:///{tmp_path / 'q.db'}",
        "CREDGRAPH_GRAPH_URI": "memory",
        "COLUMNS": "200",
    }


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, ["punish", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_alerts_tasks_close_rate(env: dict[str, str]) -> None:
    alerts = json.loads(run(env, "alerts", "--data", str(EXAMPLE), "--as-of", "2024-12-31", "--json"))
    targets = {a["target_id"]: a for a in alerts}
    assert set(targets) >= {PERSON, FIRM}
    assert targets[FIRM]["document_no"] == "(2023)浙0803执1234号"
    argv = ["punish", "alerts", "--data", str(EXAMPLE), "--as-of", "2024-12-31"]
    result = CliRunner().invoke(app, argv, env=env)
    assert "0 new task(s)" in result.output  # the second run issues nothing
    tasks = json.loads(run(env, "tasks", "--as-of", "2024-12-31", "--json"))
    assert tasks and {t["status"] for t in tasks} == {"open"}
    mr = json.loads(run(env, "tasks", "--department", "market_regulation", "--json"))
    assert mr and {t["department"] for t in mr} == {"market_regulation"}
    first = mr[0]["task_id"]
    run(env, "close", first, "--by", "mr-officer", "--feedback", "已限制", "--on", "2025-01-05")
    again = CliRunner().invoke(app, ["punish", "close", first, "--by", "x", "--feedback", "y"], env=env)
    assert again.exit_code == 2 and "closed" in again.output
    rates = json.loads(run(env, "rate", "--by", "department", "--as-of", "2025-01-20", "--json"))
    row = next(r for r in rates if r["group"] == "market_regulation")
    assert row["done_on_time"] == 1 and row["due"] == len(mr)
    overdue = json.loads(run(env, "tasks", "--status", "overdue", "--as-of", "2025-01-20", "--json"))
    assert first not in {t["task_id"] for t in overdue}


def test_memory_graph_without_data_is_refused(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["punish", "alerts"], env=env)
    assert result.exit_code == 2 and "--data" in result.output


def test_feedback_rescores_the_inspected_firm_with_the_model(env: dict[str, str], tmp_path: Path) -> None:
    events = tmp_path / "insp.jsonl"
    event = {"event_id": "INSP-1", "source": "inspection", "occurred_at": "2024-12-20T09:00:00",
             "region_code": "330803", "location": "", "category": "双随机抽查",
             "text": f"对浙江廿里新材料科技有限公司（统一社会信用代码{FIRM}）复查，"
                     "发现危险废物超标贮存，责令整改。"}
    events.write_text(json.dumps(event, ensure_ascii=False) + "\n", encoding="utf-8")
    env = env | {"CREDGRAPH_MODEL_DIR": str(tmp_path / "models")}
    argv = ["punish", "feedback", str(events), "--data", str(EXAMPLE), "--as-of", "2024-12-31"]
    result = CliRunner().invoke(app, argv, env=env)
    assert result.exit_code == 0, result.output
    assert "1 inspection(s), 1 subject link(s)" in result.output and "'INSP-1': 'problem'" in result.output
    row = next(line for line in result.output.splitlines() if FIRM in line)
    before, after = (float(x) for x in row.split("│")[2:4])
    assert after > before  # a finding on inspection raises the inspected firm's risk
