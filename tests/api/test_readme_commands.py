"""The README's credgraph commands stay true: every command and flag it shows exists, every path it
names in the repository exists, and the example commands run as written from a clone's root."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[list[str]]:
    """Each `credgraph ...` command in the README's bash blocks, split at `/` and `&&`, comments cut."""
    out: list[list[str]] = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            line = re.sub(r"^\w+=\$\((.*)\)$", r"\1", line)  # KEY=$(credgraph keys create ...)
            for part in re.split(r"\s+(?:/|&&)\s+", line):
                if part.startswith("credgraph"):
                    out.append(shlex.split(part))
    return out


COMMANDS = readme_commands()


def test_the_readme_shows_commands() -> None:
    names = {c[1] for c in COMMANDS if len(c) > 1}
    assert {"run", "evaluate", "serve", "keys", "inspect-draw"} <= names
    assert "../shared" not in README  # a clone has no shared folder beside it


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c)[:60] for c in COMMANDS])
def test_each_readme_command_and_flag_exists(argv: list[str]) -> None:
    words = argv[1:]
    path = [w for w in words if not w.startswith("-")]
    # the command path is the leading words that name (sub)commands: `keys create`, `review decide`
    sub = path[:2] if path[:1] in (["keys"], ["review"], ["punish"]) else path[:1]
    result = CliRunner().invoke(app, [*sub, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (sub, result.output)
    for flag in (w.split("=", 1)[0] for w in words if w.startswith("--")):
        assert flag in result.output, f"{flag} is not an option of credgraph {' '.join(sub)}"
    for w in words:
        if w.startswith("examples/"):
            assert (ROOT / w).exists(), w


def test_the_example_commands_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    ran = 0
    for argv in COMMANDS:
        if argv[1] in ("run", "evaluate") and "examples/contract-example" in argv and "--graph" not in argv:
            pass
        elif argv[1:] in (["--version"], ["inspect-draw", "--n", "50", "--seed", "3"], ["review", "list"]):
            pass
        else:
            continue
        result = CliRunner().invoke(app, argv[1:])
        assert result.exit_code == 0, (argv, result.output)
        ran += 1
    assert ran >= 5
    assert (tmp_path / "out" / "ex" / "evaluation.md").is_file()
    assert (tmp_path / "inspection_draw.json").is_file()
