"""`credgraph run` on damaged input: broken lines are quarantined and reported, the run finishes;
bad command-line input is one clear line, never a traceback."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contract-example"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """The example with a broken events line, firms.csv exported as GB18030 and a bad founding date."""
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    events = (data / "events.jsonl").read_text(encoding="utf-8").splitlines()
    events[1] = events[1][: len(events[1]) // 2]
    (data / "events.jsonl").write_text("\n".join(events) + "\n", encoding="utf-8")
    firms = (data / "firms.csv").read_text(encoding="utf-8").replace(",2015-04-01,", ",2015-02-30,", 1)
    (data / "firms.csv").write_bytes(firms.encode("gb18030"))
    return data


def test_a_damaged_directory_runs_to_the_end_and_reports_every_problem(
    damaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDGRAPH_REVIEW_DB_URL", f"sqlite:///{tmp_path / 'review.db'}")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(damaged), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "firms.csv is GB18030 (read as such" in " ".join(result.output.split())
    assert [(r["file"], r["line"], r["reason"]) for r in rows(out / "quarantine.csv")] == [
        ("events.jsonl", "2", "bad_json")
    ]
    warnings = {(r["file"], r["field"], r["reason"]) for r in rows(out / "warnings.csv")}
    assert {("firms.csv", "*", "encoding"), ("firms.csv", "founded_on", "cleared_date")} <= warnings
    events = {r["record_id"] for r in rows(out / "resolutions.csv") if r["source"] == "events"}
    assert events and "E2" not in events  # the broken line's event alone is missing
    firms = {r["subject_id"] for r in rows(out / "risk_scores.csv") if r["subject_type"] == "firm"}
    assert "92330803MA2D00010P" in firms  # the firm with the cleared date is scored
    strict = CliRunner().invoke(app, ["run", str(damaged), "--out", str(out), "--quiet", "--strict"])
    assert strict.exit_code == 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--as-of", "2024-13-01"], "is not a date"),
        (["--out", "{file}"], "cannot use"),
    ],
)
def test_bad_command_line_input_is_one_clear_line(tmp_path: Path, args: list[str], words: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    args = [a.format(file=a_file) for a in args]
    result = CliRunner().invoke(app, ["run", str(EXAMPLE), "--quiet", *args])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output
