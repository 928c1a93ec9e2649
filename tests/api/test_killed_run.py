"""`credgraph run` killed with SIGKILL part-way (issue 11, item 2), then run again: the second run's
outputs are those of one clean run (byte for byte but for GNN-attributed reason texts, see
run_outputs), and the killed run leaves no output that looks
finished (outputs are written whole or not at all: ingest.atomic).

Kill points follow what the run has written so far: while it resolves (its matcher saved, no
resolutions yet) and while it scores risk (resolutions written, the risk model being trained and
saved into the same model folder the rerun then reads).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from run_outputs import assert_same_outputs

from ingest.synth import generate

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _env(tmp: Path, models: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CREDGRAPH_GRAPH_URI": "memory",
        "CREDGRAPH_MODEL_DIR": str(models),
        "CREDGRAPH_REVIEW_DB_URL": f"sqlite:///{tmp / 'review.db'}",
        "CREDGRAPH_AUDIT_LOG": str(tmp / "audit.jsonl"),
    }


def _cmd(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "api.cli", "run", str(data), "--out", str(out), "--as-of", "2025-12-31"]


def _kill_when(proc: subprocess.Popen, ready: Path, extra_s: float) -> bool:
    """SIGKILL `proc` `extra_s` after `ready` appears; False when the run ended before that."""
    deadline = time.monotonic() + 600
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    time.sleep(extra_s)
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return True


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("killed-run") / "data"
    generate(out, 400, 13, progress=False)
    return out


@pytest.fixture(scope="module")
def clean(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("clean")
    done = subprocess.run(_cmd(world, tmp / "out"), cwd=ROOT, env=_env(tmp, tmp / "models"),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return tmp / "out"


@pytest.mark.parametrize(
    ("ready", "extra_s"),
    [("matcher/resolver.json", 0.5), ("resolutions.csv", 2.0)],
    ids=["while-resolving", "while-scoring-risk"],
)
def test_a_run_killed_part_way_then_rerun_gives_the_clean_outputs(
    world: Path, clean: Path, tmp_path: Path, ready: str, extra_s: float
) -> None:
    out, models = tmp_path / "out", tmp_path / "models"
    env = _env(tmp_path, models)
    proc = subprocess.Popen(_cmd(world, out), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        killed = _kill_when(proc, out / ready, extra_s)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed, "the run finished before the kill point: the world is too small"
    assert not (out / "summary.json").exists(), "a killed run must not look finished"
    again = subprocess.run(_cmd(world, out), cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    assert_same_outputs(out, clean)
    assert (out / "summary.json").exists()
