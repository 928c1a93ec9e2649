"""The scaling report says what the engines measured and flags any engine whose links differ."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import readme_table as rt
from bench.spark_scale import Measured, report


def _m(engine: str, resolve_s: float, sha: str = "same", firms: int = 20_000) -> Measured:
    extra = {"spark_seconds": {"session": 8.0, "score": resolve_s - 10}} if "spark" in engine else {}
    seconds = {"ingest": 5.0, "fit": 3.0, "resolve": resolve_s}
    return Measured(firms, engine, 100_000, seconds, 1.5, 190_000, sha, extra)


def test_the_report_gives_ratios_and_flags_different_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bench.spark_scale._machine", lambda: "2 cores")
    monkeypatch.setattr("bench.spark_scale._versions", lambda: "Python 3")
    rows = [_m("local", 40.0), _m("forked2", 20.0), _m("spark1", 50.0), _m("spark2", 25.0, sha="other")]
    text = report(rows, 2031, (0.5, 1.5), tmp_path / "spark_scale.md")
    lines = {ln.split(" | ")[1]: ln for ln in text.splitlines() if ln.startswith("| 20,000")}
    assert "| 2.00x |" in lines["forked2"] and "| 5,000 |" in lines["forked2"]
    assert "| 0.80x |" in lines["spark1"] and lines["spark1"].endswith("| yes |")
    assert lines["spark2"].endswith("| **NO** |")
    assert "session 8.0" in text

    (tmp_path / "spark_scale.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(rt, "RESULTS", tmp_path)
    (row,) = rt.spark_scale()
    assert "spark2 4,000 rec/s" in row.ours and "local 2,500 rec/s" in row.peer
    assert "identical to the single machine's at every size: **not met**" in row.target
