"""The README's credgraph commands stay true: every command and flag it shows exists, every path it
names in the repository exists, the commands run as written from a clone's root (in the README's
order, in a fresh folder holding only `examples/`), and its curl queries answer."""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import KEYS
from typer.testing import CliRunner

from api.cli import app
from api.security import Role

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(\S+)$")  # one plain assignment, no $(...)
GROUPS = ("keys", "review", "punish", "resolution", "neo4j")  # commands with subcommands


def readme_lines() -> list[str]:
    """Every line of the README's bash blocks, comments cut."""
    return [line.split("  #", 1)[0].strip() for block in BLOCKS for line in block.splitlines()]


def readme_steps() -> list[tuple[str, Any]]:
    """The bash blocks in order: ("env", (NAME, value)) for a plain assignment, ("cli", argv) for each
    `credgraph ...` command (split at ` / ` and `&&`; `KEY=$(credgraph ...)` counts as the command)."""
    steps: list[tuple[str, Any]] = []
    for line in readme_lines():
        assign = ASSIGNMENT.match(line)
        if assign and "$(" not in line:
            steps.append(("env", assign.groups()))
            continue
        line = re.sub(r"^\w+=\$\((.*)\)$", r"\1", line)
        for part in re.split(r"\s+(?:/|&&)\s+", line):
            if part.startswith("credgraph"):
                steps.append(("cli", shlex.split(part)))
    return steps


STEPS = readme_steps()
COMMANDS = [argv for kind, argv in STEPS if kind == "cli"]


def command_path(argv: list[str]) -> list[str]:
    words = [w for w in argv[1:] if not w.startswith("-")]
    return words[:2] if words[:1] and words[0] in GROUPS else words[:1]


def test_the_readme_shows_every_command() -> None:
    shown = {" ".join(command_path(c)) for c in COMMANDS}
    expected = {
        "run", "evaluate", "serve", "synth", "tiers", "inspect-draw", "train", "retrain", "score",
        "evaluate-risk",
        "keys create", "keys list", "review list", "review decide", "review next", "review import",
        "review export", "resolution model",
        "punish alerts", "punish tasks", "punish close", "punish rate", "punish feedback",
        "ingest", "rescore",
    }  # fmt: skip
    assert expected <= shown, expected - shown
    assert any(c[1:3] == ["retrain", "--matcher"] for c in COMMANDS)
    assert any("--chart" in c for c in COMMANDS)
    assert "../shared" not in README  # a clone has no shared folder beside it
    assert "## Daily increments" in README or "### Daily increments" in README  # the lead's placeholder


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c)[:60] for c in COMMANDS])
def test_each_readme_command_and_flag_exists(argv: list[str]) -> None:
    sub = command_path(argv)
    result = CliRunner().invoke(app, [*sub, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (sub, result.output)
    for flag in (w.split("=", 1)[0] for w in argv[1:] if w.startswith("--")):
        assert flag in result.output, f"{flag} is not an option of credgraph {' '.join(sub)}"
    for w in argv[1:]:
        if w.startswith(("examples/", "bench/", "docs/")):
            assert (ROOT / w).exists(), w


def runs_from_a_clone(argv: list[str]) -> bool:
    """Whether the test runs a command as written: all but the long-running server, Neo4j, the
    20,000-firm world (`data/...`) and commands with an ID to fill in (their flags are checked above)."""
    return not (
        argv[1] in ("serve", "neo4j")
        or any("bolt://" in w or w.startswith("data/") or w == "ID" for w in argv)
    )


def answer_like_a_steward(ask: Path, answers: Path, truth: Path) -> int:
    """answers.csv from ask.csv: the pairs the truth files confirm are `match`, the others `no_match`;
    when ask.csv is empty (the example leaves nothing in review) the truth pairs themselves."""
    true_pairs = {
        (r["event_id"], r["entity_type"], r["entity_id"])
        for r in csv.DictReader(truth.open(encoding="utf-8", newline=""))
    }
    asked = list(csv.DictReader(ask.open(encoding="utf-8", newline="")))
    keys = ("source", "record_id", "entity_type", "entity_id")

    def verdict(r: dict[str, str]) -> str:
        return "match" if tuple(r[k] for k in keys[1:]) in true_pairs else "no_match"

    rows = [{**{k: r[k] for k in keys}, "verdict": verdict(r)} for r in asked] or [
        {"source": "events", "record_id": e, "entity_type": t, "entity_id": i, "verdict": "match"}
        for e, t, i in sorted(true_pairs)
    ]  # fmt: skip
    with answers.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["source", "record_id", "entity_type", "entity_id", "verdict"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


@pytest.mark.slow
def test_the_readme_commands_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for name in [k for k in os.environ if k.startswith("CREDGRAPH_")]:
        monkeypatch.delenv(name)  # the README's defaults, not the test machine's
    monkeypatch.setenv("PWD", str(tmp_path))
    ran: list[str] = []
    answered = 0
    for kind, step in STEPS:
        if kind == "env":
            monkeypatch.setenv(step[0], os.path.expandvars(step[1]))
            continue
        argv = step
        if not runs_from_a_clone(argv):
            continue
        if argv[1:3] == ["review", "import"]:  # the steward answers ask.csv
            answered = answer_like_a_steward(
                tmp_path / "ask.csv", tmp_path / argv[3], ROOT / "examples/contract-example/events_truth.csv"
            )
        result = CliRunner().invoke(app, argv[1:])
        assert result.exit_code == 0, (argv, result.output, result.exception)
        ran.append(" ".join(command_path(argv)))
    must_run = ("run", "evaluate", "tiers", "inspect-draw", "keys create", "review next", "review import",
                "retrain", "resolution model", "punish close", "punish feedback", "ingest",
                "rescore")  # fmt: skip
    for expected in must_run:
        assert expected in ran, f"credgraph {expected} was not run"
    assert (tmp_path / "out" / "ex" / "evaluation.md").is_file()
    assert (tmp_path / "out" / "r2" / "resolutions.csv").is_file()
    assert (tmp_path / "inspection_draw.json").is_file()
    assert (tmp_path / "weights.png").stat().st_size > 1000
    assert (tmp_path / "tiers" / "tiers.csv").is_file()
    increments = json.loads((tmp_path / "state" / "state.json").read_text(encoding="utf-8"))["increments"]
    assert len(increments) == 2  # the day, then the same day again
    keys = (tmp_path / "credgraph-keys.json").read_text(encoding="utf-8")
    assert "alice" in keys and "investigator" in keys
    exported = list(csv.DictReader((tmp_path / "verdicts.csv").open(encoding="utf-8")))
    assert answered > 0 and len(exported) == answered  # every verdict the steward gave is kept


CURLS = [shlex.split(line) for line in readme_lines() if line.startswith("curl ")]


def test_the_readme_shows_a_curl_walkthrough() -> None:
    assert len(CURLS) >= 2
    assert any("/risk" in " ".join(c) for c in CURLS)


@pytest.mark.parametrize("argv", CURLS, ids=[c[-1].split("8000", 1)[-1][:50] for c in CURLS])
def test_each_readme_curl_answers(argv: list[str], client: Any) -> None:
    """Each curl of the walk-through, sent with an investigator's key to the app over the example."""
    url = next(w for w in argv if w.startswith("http://127.0.0.1:8000/"))
    path = url.removeprefix("http://127.0.0.1:8000")
    params = {}
    for i, w in enumerate(argv):
        if w == "--data-urlencode":
            name, value = argv[i + 1].split("=", 1)
            params[name] = value
    assert ["-H", "X-API-Key: $KEY"] == argv[argv.index("-H") : argv.index("-H") + 2]
    response = client.get(path, params=params, headers={"X-API-Key": KEYS[Role.INVESTIGATOR]})
    assert response.status_code == 200, (path, response.text)
    assert response.json(), path


@pytest.mark.parametrize("doc", ["README.md", "ARCHITECTURE.md"])
def test_the_docs_name_only_files_that_exist(doc: str) -> None:
    """Every `folder/file` a document points at (in backticks or a link) is in the repository."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    folders = "ingest|resolution|graph|gnn|api|bench|cypher|scripts|docs|tests|migrations"
    named = set(re.findall(rf"`((?:{folders})/[\w/.*-]+)`", text))
    named |= set(re.findall(r"\]\(((?:bench|docs|examples)/[\w/.-]+)\)", text))
    assert len(named) > 10
    missing = [p for p in sorted(named) if not list(ROOT.glob(p.rstrip("/").split("*")[0] + "*"))]
    assert not missing, missing
