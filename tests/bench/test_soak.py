"""The soak's report lines: the warm-up is reported apart, its errors counted with what was cut off."""

from __future__ import annotations

import argparse

from bench.soak import Soak, _warmup_line, _windows


def test_warmup_line_counts_errors_and_cut_offs() -> None:
    warm = Soak(done=[(0.0, 5.0, 200), (0.1, 7.0, 200), (0.2, 900.0, 503)], cut_off=2)
    [line] = _warmup_line(warm, argparse.Namespace(warmup=30.0, rate=300.0))
    assert "3 requests in 30 s at 100/s" in line and "errors 3" in line
    assert _warmup_line(Soak(), argparse.Namespace(warmup=0.0, rate=300.0))[0].startswith("- no warm-up")


def test_windows_split_requests_by_due_time() -> None:
    s = Soak(done=[(1.0, 5.0, 200), (12.0, 50.0, 500), (13.0, 10.0, 200)])
    rows = _windows(s, 20.0)
    assert [(r["t"], r["n"], r["errors"]) for r in rows] == [(10.0, 1, 0), (20.0, 2, 1)]
