"""How many threads the risk stage gives LightGBM and torch (gnn.config.cpu_threads): what was asked
for, else half the CPUs the process may use, where a container's CPU quota caps the affinity mask."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gnn.config import RiskConfig, cpu_threads, usable_cpus


@pytest.mark.parametrize(("requested", "cpus", "want"), [(3, 16, 3), (0, 16, 8), (0, 2, 1), (0, 1, 1)])
def test_threads_are_what_was_asked_else_half_the_cpus(requested: int, cpus: int, want: int) -> None:
    assert cpu_threads(requested, cpus) == want


@pytest.mark.parametrize(
    ("cpu_max", "cap"), [("max 100000\n", None), ("150000 100000\n", 2), ("50000 100000", 1)]
)
def test_a_cgroup_quota_caps_the_usable_cpus(tmp_path: Path, cpu_max: str, cap: int | None) -> None:
    f = tmp_path / "cpu.max"
    f.write_text(cpu_max)
    mask = len(os.sched_getaffinity(0))
    assert usable_cpus(f) == (mask if cap is None else min(mask, cap))


def test_no_cgroup_file_means_the_affinity_mask(tmp_path: Path) -> None:
    assert usable_cpus(tmp_path / "absent") == len(os.sched_getaffinity(0))


def test_the_default_config_asks_for_the_automatic_count() -> None:
    assert RiskConfig().threads == 0
    assert cpu_threads(RiskConfig().threads) == max(1, usable_cpus() // 2)
