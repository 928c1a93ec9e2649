"""No built-in Neo4j password: scripts/neo4j.sh generates one per data folder and hands it out."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "neo4j.sh"


def password(run_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    full.update(env, NEO4J_RUN_DIR=str(run_dir))
    return subprocess.run([str(SCRIPT), "password"], env=full, capture_output=True, text=True, timeout=60)


def test_no_default_password_is_written_anywhere_we_ship() -> None:
    for path in ("scripts/neo4j.sh", "scripts/test.sh", "api/settings.py", "README.md"):
        assert "credgraph-dev" not in (ROOT / path).read_text(encoding="utf-8"), path


def test_the_script_hands_out_the_folder_s_password_or_says_why_not(tmp_path: Path) -> None:
    fresh = password(tmp_path / "fresh")
    assert fresh.returncode == 1 and "start' generates one" in fresh.stderr
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "password").write_text("Zx9-generated-pw", encoding="utf-8")
    assert password(kept).stdout.strip() == "Zx9-generated-pw"
    assert password(kept, NEO4J_PASSWORD="chosen-by-me").stdout.strip() == "chosen-by-me"
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / ".password-set").touch()
    old = password(legacy)
    assert old.returncode == 1 and "not recorded" in old.stderr and "NEO4J_PASSWORD" in old.stderr
