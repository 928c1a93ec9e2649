"""The city-size increment bench: its two phases run the product's path on a small world, and the
README row reads what its report says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import readme_table as rt
from bench.increment_scale import apply, prepare


def test_prepare_then_apply_reports_the_day_against_the_base_run(tmp_path: Path) -> None:
    work = tmp_path / "work"
    meta = prepare(work, firms=300, seed=5, events_in_day=40)
    assert (work / "graph.pickle").is_file()
    saved = json.loads((work / "meta.json").read_text(encoding="utf-8"))
    assert saved["as_of"] == meta["as_of"] and saved["t"]["base_run"] > 0
    text = apply(work, tmp_path / "increment_scale.md")
    cells = {c[0]: c[1] for c in rt.table_rows(text) if len(c) >= 2}
    assert int(cells["rows in increment: events.jsonl"].replace(",", "")) >= 40
    resolved = cells["records resolved (new / rechecked)"].split(" / ")
    assert int(resolved[0].replace(",", "")) >= 40  # every event of the day was resolved
    assert int(cells["subjects rescored"].replace(",", "")) > 0
    ratio = float(cells["ratio increment / base run"])
    assert 0 < ratio < 1, "a day's increment must cost less than the base run it extends"


def test_readme_row_reads_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(
        [
            "# A day's increment at city size (bench/increment_scale.py)",
            "World: `credgraph synth --firms 200000 --seed 7` (embedded store), cut at 2025-12-31.",
            "Prepare (base run) finished 2026-12-04 17:38 UTC; apply finished 2026-12-04 18:30 UTC on 2 "
            "cores; load average (1 min) at the start of apply 0.5, at end 1.2.",
            "",
            "| what | value |",
            "|---|---|",
            "| rows in increment: events.jsonl | 4,601 |",
            "| records resolved (new / rechecked) | 4,612 / 50,557 |",
            "| **increment applied (s)** | **212.3** (read 0.3, resolve 80.0) |",
            "| **base run over the world without the day (s)** | **2335.4** (ingest 74.5) |",
        ]
    )
    (tmp_path / "increment_scale.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(rt, "RESULTS", tmp_path)
    (row,) = rt.increment_scale()
    assert "200,000 firms, 4,601 events" in row.benchmark
    assert "212.3 s" in row.ours and "2,335.4 s" in row.peer
    assert row.target.endswith("**not met**")
    assert row.measured.startswith("2026-12-04") and "0.5 → 1.2" in row.measured
