"""The README's benchmark table is the one bench/readme_table.py builds from bench/results, and the
builder reads what the results files say (figures, dates, load, targets) rather than repeating them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bench import readme_table as rt

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_block_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rt.readme_block(readme) == rt.build(), "stale README table: run python -m bench.readme_table"


def test_every_results_file_has_a_row_and_obsolete_figures_are_gone() -> None:
    block = rt.build()
    for md in sorted((ROOT / "bench" / "results").glob("*.md")):
        assert f"(bench/results/{md.name})" in block, f"{md.name} has no row in the README table"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "ROC-AUC 0.923" not in readme and "0.923 all" not in readme  # a bench-only builder's AUC, replaced
    for line in block.splitlines()[3:-1]:
        cells = line.split(" | ")
        assert len(cells) == 5, line
        assert "met" in cells[3] or "no target" in cells[3], line  # every row says met / not met
        assert cells[4][:4].isdigit() and re.search(r"quiet|loaded|load not recorded", cells[4]), line


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("load average at start 0.1 0.5 2.3, at end 1.9 1.3 2.2", "quiet (load 0.1 → 1.9)"),
        ("load average (1 min) at start 1.3, at end 5.2", "**loaded** (load 1.3 → 5.2)"),
        ("Load average (1 min) at start/end of our run: 7.7 / 6.4.", "**loaded** (load 7.7 → 6.4)"),
        ("on a quiet machine (no other agents running). An earlier run under load average ~14 gave", "quiet"),
        ("2 CPUs, load average 3.0 at start (shared with other work)", "**loaded** (load 3)"),
        ("(one worker, shared 2-core machine)", "**loaded** (load not recorded)"),
        ("2 CPUs (AMD EPYC), 24 GiB RAM", "load not recorded"),
    ],
)
def test_load_is_read_from_the_run_s_notes(note: str, expected: str) -> None:
    assert rt.load_of(note).startswith(expected)


@pytest.fixture()
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of bench/results the builder reads instead, to be edited by a test."""
    copy = tmp_path / "results"
    shutil.copytree(ROOT / "bench" / "results", copy)
    monkeypatch.setattr(rt, "RESULTS", copy)
    return copy


def test_a_rerun_changes_the_table_and_its_verdict(results: Path) -> None:
    febrl = results / "febrl.md"
    text = febrl.read_text(encoding="utf-8")
    # a rerun in which credgraph's Febrl4 6-column F1 fell below Splink's
    old = "| febrl4 | 1e+06 | 6 columns (Splink tutorial) | credgraph | 1.0000 | 0.9982 | 0.9991 | 1.72 |"
    assert old in text
    text = text.replace(old, old.replace("0.9991 | 1.72", "0.9801 | 1.72"))
    text = text.replace("| 1.0000 | 0.275 |", "| 0.9810 | 0.275 |")
    febrl.write_text(text.replace("2026-12-03 09:32", "2027-01-05 09:32"), encoding="utf-8")
    row = next(r for r in rt.febrl() if r.benchmark.startswith("Febrl 4"))
    assert "F1 0.9801" in row.ours
    assert "F1 ≥ Splink's (ratio 0.9810–1.0000): **not met**" in row.target
    assert row.measured.startswith("2027-01-05")
    assert rt.build() != rt.readme_block((ROOT / "README.md").read_text(encoding="utf-8"))


def test_sealed_rows_come_from_the_json_whatever_sizes_it_holds(results: Path) -> None:
    data = json.loads((results / "sealed_resolution.json").read_text(encoding="utf-8"))
    only = {"20k": data["20k"]}
    events = only["20k"]["banks"]["sealed"]["events"]
    events.update(precision=0.99, recall=0.9, recall_review=0.95, review_share=0.05)
    (results / "sealed_resolution.json").write_text(json.dumps(only), encoding="utf-8")
    rows = rt.sealed_resolution()
    assert [r.benchmark.split(" (")[0] for r in rows] == ["sealed bank, 20,000 firms"]
    assert "events P 0.990, R 0.900, R+rev 0.950, review 5.0 %" in rows[0].ours
    assert rows[0].target.startswith("events P ≥ 0.98, R ≥ 0.85, R+rev ≥ 0.92, review ≤ 8 %: met")


def test_a_results_file_missing_its_figures_is_an_error_not_a_blank(results: Path) -> None:
    (results / "risk.md").write_text("# Risk benchmark\n\nno tables yet\n", encoding="utf-8")
    with pytest.raises(rt.ResultsError, match="risk.md"):
        rt.build()
    (results / "api_load.md").unlink()
    with pytest.raises(rt.ResultsError, match="api_load.md is missing"):
        rt.api_load()


def test_check_mode_reports_a_stale_readme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = tmp_path / "README.md"
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    figure = re.search(r"\| (\d+\.\d) s wall", text)
    assert figure is not None  # the synth row's wall time
    readme.write_text(text.replace(figure.group(0), "| 0.5 s wall", 1), encoding="utf-8")
    monkeypatch.setattr(rt, "README", readme)
    assert rt.main(["--check"]) == 1
    assert rt.main([]) == 0 and rt.main(["--check"]) == 0
    assert readme.read_text(encoding="utf-8") == text
